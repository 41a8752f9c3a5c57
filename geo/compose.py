"""Compose a Folium map from a recipe and the layers.

`compose(recipe, layers)` returns a `folium.Figure` ready to render.  The
recipe decides everything a reader sees; this module only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium
import xyzservices
from folium.plugins import Timeline
from folium.utilities import JsCode
from shapely.geometry import shape

from geo import fields, timefmt
from geo.elements import (
    DataAttribution,
    EventPanel,
    HtmlControl,
    InlineScript,
    InlineStyle,
    LocatorInset,
    PktTimelineSlider,
    render_panel,
    stabilise_ids,
    static_text,
)
from geo.layers import Layers

LEAFLET_STYLE = {"color": "color", "weight": "weight", "opacity": "opacity", "fill_color": "fillColor",
                 "fill_opacity": "fillOpacity", "radius": "radius", "dash_array": "dashArray"}
DEFAULT_STYLE = {"color": "#333333", "weight": 2, "opacity": 1, "fill_color": "#999999", "fill_opacity": 0.6,
                 "radius": 5}
COORDINATE_DECIMALS = 5  # ~1 m: finer than any position in the data
PAKISTAN_CENTER = [30.0, 69.5]


class LeanMap(folium.Map):
    """folium.Map with only Leaflet's own script and style.

    The default Map also loads jQuery, Bootstrap, Font Awesome and
    awesome-markers for marker icons; these maps draw vector markers only.
    """

    default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
    default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]


@dataclass
class LegendEntry:
    label: str
    stroke: str
    fill: str
    shape: str  # point, line or area
    dashed: bool = False


def compose(recipe: dict, layers: Layers) -> folium.Figure:
    """The figure for one recipe (see geo.recipe for the keys)."""
    view = recipe.get("view", {})
    controls = recipe.get("controls", {})
    m = LeanMap(location=view.get("center", PAKISTAN_CENTER), zoom_start=view.get("zoom", 6), tiles=None,
                control_scale=controls.get("scale", True), min_zoom=view.get("min_zoom", 3),
                max_zoom=view.get("max_zoom", 17), width="100%", height="100%")
    InlineStyle(static_text("geomap.css")).add_to(m)
    InlineScript(static_text("geomap.js")).add_to(m)
    add_basemaps(m, recipe.get("basemap", []))

    legend: list[LegendEntry] = []
    timeline_layer = None
    bounds = {}
    for index, spec in enumerate(recipe["layer"]):
        features = select(layers[spec["source"]]["features"], spec)
        key = f"{recipe['_slug']}-{index}"
        bounds[spec["name"]] = features_bounds(features)
        if spec.get("accuracy_circles"):
            add_accuracy_circles(m, features, spec, key, legend)
        if spec.get("timeline"):
            timeline_layer = add_timeline_layer(m, features, spec, key)
        else:
            add_geojson_layer(m, features, spec, key)
        legend.extend(legend_entries(features, spec))

    HtmlControl(render_panel("legend.html", entries=legend), controls.get("legend_position", "bottomright")).add_to(m)
    if recipe.get("attribution"):
        DataAttribution(recipe["attribution"]).add_to(m)
    if controls.get("locator"):
        LocatorInset(locator_data(layers), center=PAKISTAN_CENTER, zoom=3).add_to(m)
    if timeline_layer is not None:
        add_time_control(m, timeline_layer, recipe, layers)
    if controls.get("layer_control", True):
        folium.LayerControl(collapsed=controls.get("layer_control_collapsed", True)).add_to(m)
    fit_view(m, view, bounds)

    figure = m.get_root()
    figure.header.add_child(folium.Element(f"<title>{jinja_escape(recipe['title'])}</title>"), name="title")
    # Title and description above the map, as in a news graphic, not over it.
    header = render_panel("title.html", title=recipe["title"], description=recipe["description"])
    figure.html.add_child(folium.Element(header), name="geo_header", index=0)
    stabilise_ids(figure)
    return figure


def jinja_escape(text: str) -> str:
    import markupsafe
    return str(markupsafe.escape(text))


# --- basemaps --------------------------------------------------------------

def add_basemaps(m: folium.Map, basemaps: list[dict]) -> None:
    for index, basemap in enumerate(basemaps):
        provider = xyzservices.providers.query_name(basemap["provider"])
        folium.TileLayer(tiles=provider.build_url(), attr=provider.html_attribution, name=basemap["name"],
                         max_zoom=provider.get("max_zoom", 18), overlay=False, control=True,
                         show=basemap.get("show", index == 0)).add_to(m)


# --- selecting and preparing features ----------------------------------------

def select(features: list[dict], spec: dict) -> list[dict]:
    """The features a layer shows: `where` (allowed values) and `range` ([min, max]) filters."""
    chosen = []
    for feature in features:
        props = feature["properties"]
        if any(props.get(k) not in allowed for k, allowed in spec.get("where", {}).items()):
            continue
        if any(not (isinstance(props.get(k), (int, float)) and lo <= props[k] <= hi)
               for k, (lo, hi) in spec.get("range", {}).items()):
            continue
        chosen.append(feature)
    return chosen


def round_coordinates(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, COORDINATE_DECIMALS)
    return [round_coordinates(c) for c in coords]


def page_feature(feature: dict, spec: dict) -> dict:
    """A feature as the page needs it: geometry and the texts to show, nothing else."""
    props = feature["properties"]
    page = {"id": props["id"], "_n": props.get("name", props["id"])}
    tooltip = [fields.format_value(f, props) for f in spec.get("tooltip", [])]
    if any(tooltip):
        page["_t"] = " · ".join(t for t in tooltip if t)
    label = [fields.format_value(f, props) for f in spec.get("label", [])]
    if any(label):
        page["_l"] = " · ".join(t for t in label if t)
    rows = [[fields.label(f), fields.format_value(f, props)] for f in spec.get("popup", []) if f != "sources"]
    page["_p"] = [row for row in rows if row[1] is not None]
    if "sources" in spec.get("popup", []):
        page["_s"] = fields.sources(props)
    if "style_by" in spec:
        page["_c"] = str(props.get(spec["style_by"]["property"]))
    if props["id"] in spec.get("emphasis", {}).get("ids", []):
        page["_e"] = 1
    geometry = {"type": feature["geometry"]["type"],
                "coordinates": round_coordinates(feature["geometry"]["coordinates"])}
    return {"type": "Feature", "properties": page, "geometry": geometry}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def features_bounds(features: list[dict]) -> list[list[float]] | None:
    if not features:
        return None
    xs, ys = [], []
    for feature in features:
        minx, miny, maxx, maxy = shape(feature["geometry"]).bounds
        xs += [minx, maxx]
        ys += [miny, maxy]
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


# --- styles ------------------------------------------------------------------

def style_for(page_props: dict, spec: dict, kind: str = "point") -> dict:
    """Leaflet path options for one page feature of a layer drawn as points, lines or areas."""
    style = {**DEFAULT_STYLE, **spec.get("style", {})}
    style_by = spec.get("style_by")
    if style_by:
        style.update(color="#333333", fill_color=class_of(page_props.get("_c"), style_by)[1])
    if page_props.get("_e"):
        style.update(spec["emphasis"].get("style", {}))
    leaflet = {LEAFLET_STYLE[k]: v for k, v in style.items()}
    leaflet["fill"] = kind != "line" and style["fill_opacity"] > 0  # folium's CircleMarker defaults to no fill
    return leaflet


def class_of(value: str | None, style_by: dict) -> tuple[str, str]:
    """(legend label, colour) of a property value under a layer's `style_by` classes."""
    for cls in style_by["class"]:
        if value in cls["values"]:
            return cls["label"], cls["color"]
    return style_by.get("default_label", "Other"), style_by.get("default", "#999999")


def geometry_shape(features: list[dict]) -> str:
    types = {f["geometry"]["type"] for f in features}
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "area"


def on_each_feature(key: str) -> JsCode:
    return JsCode(f"function (feature, layer) {{ GeoMap.bind(feature, layer, {key!r}); }}")


def stacked(page: list[dict], originals: list[dict]) -> list[dict]:
    """Features at one position merged into one marker that lists them all.

    Many claims share a place (the attack site); drawn apart they would hide
    each other, and moving them apart would invent positions.
    """
    groups: dict[tuple, list[tuple[dict, dict]]] = {}
    for item, original in zip(page, originals):
        groups.setdefault(tuple(item["geometry"]["coordinates"]), []).append((item, original))
    merged = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(members[0][0])
            continue
        members.sort(key=lambda m: (m[1]["properties"].get("time", ""), m[1]["properties"]["id"]))
        first = members[0][0]
        rows, sources = [], []
        for _, original in members:
            props = original["properties"]
            when = fields.format_value("time", props) or ""
            who = props.get("claimed_by")
            rows.append([when, f"{props['name']}" + (f" (claimed by {who})" if who else "")])
            sources += [s for s in fields.sources(props) if s not in sources]
        props = {"id": f"{first['properties']['id']}-and-{len(members) - 1}-more",
                 "_n": f"{len(members)} claims at this place", "_t": f"{len(members)} claims at this place",
                 "_p": rows, "_s": sources, "_c": "stack", "_k": len(members)}
        merged.append({"type": "Feature", "properties": props, "geometry": first["geometry"]})
    return merged


def add_geojson_layer(m: folium.Map, features: list[dict], spec: dict, key: str) -> None:
    page = [page_feature(f, spec) for f in features]
    if spec.get("stack"):
        page = stacked(page, features)
    data = collection(page)
    marker = None
    if geometry_shape(features) == "point":
        marker = folium.CircleMarker(radius=spec.get("style", {}).get("radius", DEFAULT_STYLE["radius"]))
    kind = geometry_shape(features)
    folium.GeoJson(data, name=spec["name"], show=spec.get("show", True), marker=marker,
                   style_function=lambda f: style_for(f["properties"], spec, kind),
                   on_each_feature=on_each_feature(key)).add_to(m)


def add_accuracy_circles(m: folium.Map, features: list[dict], spec: dict, key: str,
                         legend: list[LegendEntry]) -> None:
    """A circle of each point's stated position accuracy, as its own switchable layer."""
    located = [f for f in features if f["geometry"]["type"] == "Point" and f["properties"].get("position_accuracy_m")]
    if not located:
        return
    data = collection([{"type": "Feature", "geometry": {"type": "Point",
                        "coordinates": round_coordinates(f["geometry"]["coordinates"])},
                        "properties": {"id": f"{f['properties']['id']}-accuracy",
                                       "_r": f["properties"]["position_accuracy_m"]}} for f in located])
    color = spec.get("emphasis", {}).get("style", {}).get("color") or spec.get("style", {}).get("color", "#333333")
    folium.GeoJson(data, name=f"{spec['name']}: position uncertainty", show=spec.get("show", True),
                   marker=folium.Circle(radius=1000),
                   style_function=lambda f: {"radius": f["properties"]["_r"], "color": color, "weight": 1.5,
                                             "dashArray": "4 4", "fillColor": color, "fillOpacity": 0.08},
                   on_each_feature=on_each_feature(f"{key}-accuracy")).add_to(m)
    legend.append(LegendEntry(f"{spec['name']}: stated position uncertainty", color, "rgba(0,0,0,0.08)",
                              "point", dashed=True))


def legend_entries(features: list[dict], spec: dict) -> list[LegendEntry]:
    if not features:
        return []
    style = {**DEFAULT_STYLE, **spec.get("style", {})}
    kind = geometry_shape(features)
    fill = style["fill_color"] if kind != "line" else style["color"]
    style_by = spec.get("style_by")
    entries = []
    if style_by:
        present = {class_of(str(f["properties"].get(style_by["property"])), style_by) for f in features}
        order = [(c["label"], c["color"]) for c in style_by["class"]]
        order.append((style_by.get("default_label", "Other"), style_by.get("default", "#999999")))
        for label, color in order:
            if (label, color) in present:
                entries.append(LegendEntry(f"{spec.get('legend', spec['name'])}: {label}", "#333333", color, kind))
    else:
        entries.append(LegendEntry(spec.get("legend", spec["name"]), style["color"], fill, kind,
                                   dashed="dash_array" in style))
    emphasis = spec.get("emphasis")
    if emphasis and any(f["properties"]["id"] in emphasis["ids"] for f in features):
        strong = {**style, **emphasis.get("style", {})}
        entries.append(LegendEntry(emphasis.get("legend", "Highlighted"), strong["color"], strong["fill_color"], kind))
    return entries


# --- time ----------------------------------------------------------------------

def add_timeline_layer(m: folium.Map, features: list[dict], spec: dict, key: str) -> Timeline:
    """Events on folium's Timeline: each appears at its stated time and stays.

    The stated time is the source's representative moment ("Wednesday evening"
    is stored as 18:00); its precision is spelled out wherever it is shown.
    """
    starts = {f["properties"]["id"]: appears_at(f["properties"]) for f in features}
    end = max(starts.values()) + 3_600_000
    page = []
    for feature in sorted(features, key=lambda f: (starts[f["properties"]["id"]], f["properties"]["id"])):
        item = page_feature(feature, spec)
        item["properties"].update(start=starts[feature["properties"]["id"]], end=end)
        page.append(item)
    styles = {item["properties"].get("_c", ""): style_for(item["properties"], spec) for item in page}
    point_to_layer = JsCode(
        f"function (feature, latlng) {{ var styles = {fields_json(styles)}; "
        "return L.circleMarker(latlng, styles[feature.properties._c || ''] || {}); }")
    timeline = Timeline(collection(page), name=spec["name"], point_to_layer=point_to_layer,
                        on_each_feature=on_each_feature(key))
    timeline.layer_name = spec["name"]  # folium would name it after its random element id
    timeline.show = spec.get("show", True)
    timeline.add_to(m)
    timeline.page_features = page
    return timeline


def appears_at(props: dict) -> int:
    """Epoch milliseconds at which a claim appears on the time control."""
    return timefmt.epoch_ms(timefmt.parse(props["time"]))


def fields_json(data) -> str:
    import json
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def add_time_control(m: folium.Map, timeline: Timeline, recipe: dict, layers: Layers) -> None:
    starts = [f["properties"]["start"] for f in timeline.page_features]
    slider = PktTimelineSlider(auto_play=False, start=min(starts), end=max(starts), enable_keyboard_controls=False,
                               show_ticks=True, steps=400, playback_duration=20000)
    slider.add_timelines(timeline)
    slider.add_to(m)
    settings = recipe.get("timeline", {})
    if settings.get("list", True):
        spec = next(s for s in recipe["layer"] if s["name"] == settings["layer"])
        events = select(layers[spec["source"]]["features"], spec)
        html = render_panel("events.html", events=event_rows(events),
                            disputed=disputed_rows(events, settings.get("disputed", {})))
        InlineStyle(static_text("timeline.css")).add_to(m)
        EventPanel(html, timeline, slider).add_to(m)


def event_rows(events: list[dict]) -> list[dict]:
    rows = []
    for feature in events:
        props = feature["properties"]
        rows.append({"id": props["id"], "name": props["name"], "start_ms": appears_at(props),
                     "when": timefmt.display(props["time"], props["time_precision"]),
                     "claimed_by": props.get("claimed_by_detail") or props["claimed_by"],
                     "figures": fields.format_figures(props.get("figures", {})),
                     "sources": fields.sources(props)})
    return sorted(rows, key=lambda r: (r["start_ms"], r["id"]))


def disputed_rows(events: list[dict], disputed: dict[str, list[str]]) -> list[dict]:
    """Groups of claimed numbers: [{label, rows: [{figure, value, claimed_by, when}]}], each in time order."""
    groups = []
    for label, keys in disputed.items():
        claims = []
        for feature in events:
            props = feature["properties"]
            for key in keys:
                if key in props.get("figures", {}):
                    start, _ = timefmt.interval(props["time"], props["time_precision"])
                    claims.append((start, props["id"], key, {
                        "figure": "" if fields.figure_label(key) == label.lower() else fields.figure_label(key),
                        "value": fields.figure_value(key, props["figures"][key]),
                        "claimed_by": props["claimed_by"],
                        "when": timefmt.display(props["time"], props["time_precision"])}))
        rows = [row for *_, row in sorted(claims, key=lambda c: (c[0], c[1], c[2]))]
        if rows:
            groups.append({"label": label, "rows": rows})
    return groups


# --- view ----------------------------------------------------------------------

DEFAULT_PADDING = [110, 20, 20, 20]  # top, right, bottom, left: the title panel sits top left


def fit_view(m: folium.Map, view: dict, bounds: dict) -> None:
    top, right, bottom, left = view.get("padding", DEFAULT_PADDING)
    target = view.get("bounds") or bounds.get(view.get("fit"))
    if target:
        m.fit_bounds(target, padding_top_left=(left, top), padding_bottom_right=(right, bottom))


def locator_data(layers: Layers) -> dict:
    """Provinces, simplified for a 130-pixel inset, Balochistan highlighted."""
    features = []
    for feature in layers.get("provinces", {"features": []})["features"]:
        geom = shape(feature["geometry"]).simplify(0.05, preserve_topology=True)
        features.append({"type": "Feature", "properties": {"h": int(feature["properties"]["id"] == "balochistan")},
                         "geometry": {"type": geom.geom_type,
                                      "coordinates": round_coordinates(_coords(geom.__geo_interface__))}})
    return collection(features)


def _coords(interface: dict):
    def listify(value):
        return [listify(v) for v in value] if isinstance(value, (list, tuple)) else value
    return listify(interface["coordinates"])
