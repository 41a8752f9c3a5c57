"""Compose a Folium map from a recipe and the layers.

`compose(recipe, layers)` returns a `folium.Figure` ready to render.  The
recipe decides everything a reader sees; this module only reads it.
"""

from __future__ import annotations

import math

import folium
import markupsafe
import shapely.geometry
from folium.utilities import JsCode, camelize
from jinja2 import Template

from geo.assets import links, own_file
from geo.context import inset_countries, page_context
from geo.describe import texts
from geo.elements import (
    ContextLayer,
    GeoJsonLayer,
    HtmlControl,
    InlineScript,
    InlineStyle,
    LayerControl,
    LocatorInset,
    MapOpening,
    MapSetup,
    OpeningTileLayer,
    PageFigure,
    PageScript,
    RecordPanel,
    RenderedText,
    TextMacro,
    stabilise_ids,
)
from geo.jsonscript import script_json
from geo.layers import Layers
from geo.offline import pin_assets
from geo.pagedata import KEY, PageData, display_geometries, offset_shared, page_features, round_coordinates, stacked
from geo.panels import render_panel
from geo.recipe import Basemap, Layer, Recipe, View, tile_provider
from geo.record import record_context
from geo.selection import Shown, incident_bounds, incident_of, shown_or_refused
from geo.shapes import features_bounds, shape_of
from geo.styles import DEFAULT_STYLE, LegendEntry, geometry_shape, legend_entries, style_for
from geo.symbols import kind_svg
from geo.text import control_label, isolate
from geo.timeline import add_time_control, add_timeline_layer

PAKISTAN_CENTER = [30.0, 69.5]
INSET_CENTER = [29.5, 68.0]  # Pakistan whole, with room for Iran's name west of it
DEFAULT_PADDING = [20, 20, 20, 20]  # top, right, bottom, left


class LeanMap(folium.Map, TextMacro):
    """folium.Map with only Leaflet's own script and style, made without a view when the page fits one.

    The default Map also loads jQuery, Bootstrap, Font Awesome and
    awesome-markers for marker icons; these maps draw vector markers only.
    It also disables pinch zoom (`user-scalable=no`), which readers who need
    to enlarge the map must have.  And it always gives Leaflet a centre and
    zoom, which Leaflet lays the page out for at once; a map whose opening
    view `GeoMap.open` fits (geomap.js, fitHome) is made without them, so a
    phone lays the page out once before its first frame, not twice.
    """

    # Gesture handling is loaded on every page but enabled only inside an article's frame (geomap.js, frameMap).
    default_js = links("js", "leaflet", "gesture_handling_js")
    default_css = links("css", "leaflet_css", "gesture_handling_css")

    _template = Template("""
        {% macro header(this, kwargs) %}
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>#{{ this.get_name() }} { position: relative; width: 100%; height: 100%; }
        .leaflet-container { font-size: 1rem; }</style>
        {% endmacro %}
        {% macro html(this, kwargs) %}<div class="folium-map" id="{{ this.get_name() }}"></div>{% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.map("{{ this.get_name() }}", {{ this.leaflet_options }});
        {%- if this.control_scale %}
        L.control.scale().addTo({{ this.get_name() }});
        {%- endif %}
        {% endmacro %}
    """)

    opens_fitted = False  # compose sets it when the recipe's opening view is fitted

    @property
    def leaflet_options(self) -> str:
        options = {camelize(key): value for key, value in self.options.items()}
        if self.opens_fitted:
            del options["zoom"]
        else:
            options["center"] = self.location
        return script_json(options)


def compose(recipe: Recipe, layers: Layers, drawn: Shown | None = None) -> folium.Figure:
    """The figure for one recipe (see geo.recipe for the keys); `drawn`: what each layer draws, if the
    caller has worked it out (geo.selection.shown_or_refused)."""
    near = incident_of(recipe, layers)
    drawn = drawn if drawn is not None else shown_or_refused(recipe, layers, near)
    view, controls = recipe.view, recipe.controls
    m = LeanMap(
        location=default(view.center, PAKISTAN_CENTER),
        zoom_start=default(view.zoom, 6),
        tiles=None,
        control_scale=controls.scale,
        width="100%",
        height="100%",
        attribution_control=False,  # the credits sit below the map, clear of the scale bar
        zoom_snap=0.25,  # the opening view fills a phone's width instead of falling back a whole zoom level
    )
    # folium hands min_zoom and max_zoom to its default tiles only; the map itself must keep the reader to them.
    m.options.update(min_zoom=view.min_zoom, max_zoom=view.max_zoom)
    timeline_list = recipe.timeline is not None and recipe.timeline.list
    PageFigure(
        render_panel("credits.html", data=recipe.attribution, basemaps=basemap_credits(recipe)),
        skip_to="geo-events" if timeline_list else "geo-record" if recipe.record else "geo-credits",
    ).add_child(m)
    InlineStyle(own_file("geomap.css")).add_to(m)
    InlineScript(own_file("geomap.js")).add_to(m)
    page = PageData()
    PageScript(page).add_to(m)  # rendered last, after every layer has added to it, but run first
    setup = MapSetup(
        {
            "areaLabels": [{"text": a.text, "at": [a.at, *a.also_at], "rank": a.rank} for a in recipe.area_label],
            "map": recipe.slug,
        }
    )  # the name it gives an article's embed (geomap.js, frameMap)
    setup.add_to(m)
    context = page_context(layers, recipe, marked_points(drawn))
    if context:
        ContextLayer(context).add_to(m)
    add_basemaps(m, recipe.basemap)

    legend: list[LegendEntry] = []
    bounds = {}
    occupied: set[tuple] = set()  # places earlier point layers mark
    record_layer = None
    for index, (spec, features) in enumerate(drawn):
        if not features:  # the incident has none of these (yet): nothing to draw, nothing in the legend
            continue
        key = f"{recipe.slug}-{index}"
        bounds[spec.name] = features_bounds(features)
        if spec.accuracy_circles:
            legend += add_accuracy_circles(m, features, spec, key)
        if spec.timeline:
            window = recipe.timeline.window_hours if recipe.timeline else None
            timeline = add_timeline_layer(m, features, spec, key, page, window)
            add_time_control(m, timeline, key, recipe, features)
        else:
            added = add_geojson_layer(m, features, spec, key, page, occupied, near.site_km)
            if recipe.record and spec.name == recipe.record.layer:
                record_layer = (added, key, features)
        legend += legend_entries(features, spec)

    legend_html = render_panel("legend.html", entries=legend, open=controls.legend_open)
    HtmlControl(legend_html, controls.legend_position).add_to(m)
    if record_layer:
        add_record(m, recipe, layers, *record_layer)
    if controls.locator:
        countries, names = inset_countries(layers, INSET_CENTER, 3, LocatorInset.SIZE_PX)
        LocatorInset(
            locator_data(layers, near.site), center=INSET_CENTER, zoom=3, countries=countries, names=names
        ).add_to(m)
    if view.fit == "incident" or view.around_site_km is not None:
        bounds["incident"] = incident_bounds(recipe, layers, drawn, near)
    setup.options["fit"] = fit_target(view, bounds)
    m.opens_fitted = setup.options["fit"] is not None
    MapOpening().add_to(m)  # once every layer is in, and every control the opening view makes room for
    if controls.layer_control:
        # After the opening, which draws the layers: a layer control already on the map would rebuild its
        # list for each layer drawn (a tenth of the opening on a phone).
        LayerControl(collapsed=controls.layer_control_collapsed).add_to(m)

    figure = m.get_root()
    words = texts(recipe, layers, near)
    figure.header.add_child(RenderedText(f"<title>{markupsafe.escape(isolate(words.title))}</title>"), name="title")
    # Title and description above the map, as in a news graphic, not over it.
    header = render_panel("title.html", title=words.title, description=words.description)
    figure.html.add_child(RenderedText(header), name="geo_header", index=0)
    pin_assets(figure)
    stabilise_ids(figure)
    return figure


def default(value, fallback):
    return fallback if value is None else value


def basemap_credits(recipe: Recipe) -> list[dict]:
    """Plain-text tile credits per basemap, for the source line below the map."""
    return [
        {"name": b.name, "attribution": tile_provider(b.provider).attribution, "show": shown_first(b, i)}
        for i, b in enumerate(recipe.basemap)
    ]


def shown_first(basemap: Basemap, index: int) -> bool:
    """A basemap is shown when the map opens if the recipe says so, else if it is the first."""
    return basemap.show if basemap.show is not None else index == 0


def add_basemaps(m: folium.Map, basemaps: list[Basemap]) -> None:
    for index, basemap in enumerate(basemaps):
        provider = tile_provider(basemap.provider)
        OpeningTileLayer(
            tiles=provider,
            attr=provider.html_attribution,
            name=control_label(basemap.name),
            max_zoom=provider.get("max_zoom", 18),
            overlay=False,
            control=True,
            show=shown_first(basemap, index),
            geo_basemap=index,  # the credit line's data-basemap (geomap.js, baselayerchange)
        ).add_to(m)


def marked_points(drawn: Shown) -> list[tuple[float, float]]:
    """(lon, lat) of every point the recipe's layers draw: the context leaves these places to them."""
    return [
        tuple(f["geometry"]["coordinates"][:2])
        for _, features in drawn
        for f in features
        if f["geometry"]["type"] == "Point"
    ]


def on_each_feature(key: str) -> JsCode:
    return JsCode(f"function (feature, layer) {{ GeoMap.bind(feature, layer, {script_json(key)}); }}")


def add_geojson_layer(
    m: folium.Map, features: list[dict], spec: Layer, key: str, page: PageData, occupied: set, site_km=None
) -> GeoJsonLayer:
    items = page_features(features, spec, key, page, site_km)
    if spec.stack:
        items = stacked(items, features, page)
    if spec.offset_shared:
        offset_shared(items, occupied)
    occupied.update(tuple(i["geometry"]["coordinates"]) for i in items if i["geometry"]["type"] == "Point")
    kind = geometry_shape(features) if features else "point"
    if spec.symbols:
        icons = symbol_icons(features, spec.style.radius or SYMBOL_RADIUS)
        # Not tab stops: the record's list and strip reach each incident by keyboard (as the timeline's list
        # reaches its claims), with targets of their own size; the markers answer a click or a tap.
        marker = folium.Marker(icon=folium.DivIcon(class_name="geo-symbol"), keyboard=False)
        styled = lambda f: icons[f["properties"]["id"]]  # noqa: E731
    else:
        marker = folium.CircleMarker(radius=spec.style.radius or DEFAULT_STYLE["radius"]) if kind == "point" else None
        styled = lambda f: style_for(f["properties"], spec, kind)  # noqa: E731
    layer = GeoJsonLayer(
        {"type": "FeatureCollection", "features": items},
        name=control_label(spec.name),
        show=spec.show,
        marker=marker,
        style_function=styled,
        on_each_feature=on_each_feature(key),
    )
    layer.add_to(m)
    return layer


SYMBOL_RADIUS = 8  # px: an incident's mark on the record map


def symbol_icons(features: list[dict], radius: float) -> dict[str, dict]:
    """Each incident's marker icon: its kind's mark (geo.symbols), and where several share a place, set
    round it on a ring so that none hides another (their popups keep the place's km)."""
    size = int(2 * radius + 4)
    at_place: dict[tuple, list[str]] = {}
    for f in features:
        at_place.setdefault(tuple(f["geometry"]["coordinates"][:2]), []).append(f["properties"]["id"])
    shift: dict[str, tuple[float, float]] = {}
    for ids in at_place.values():
        ring = 0.55 * size / math.sin(math.pi / len(ids)) if len(ids) > 1 else 0
        for i, fid in enumerate(sorted(ids)):
            angle = -math.pi / 2 + 2 * math.pi * i / len(ids)
            shift[fid] = (ring * math.cos(angle), ring * math.sin(angle))
    icons = {}
    for f in features:
        fid = f["properties"]["id"]
        dx, dy = shift[fid]
        icons[fid] = {
            "html": kind_svg(f["properties"]["kind"], size),
            "iconSize": [size, size],
            "iconAnchor": [round(size / 2 - dx, 1), round(size / 2 - dy, 1)],
            "className": "geo-symbol",
        }
    return icons


def add_record(m: folium.Map, recipe: Recipe, layers: Layers, layer: GeoJsonLayer, key: str, features: list) -> None:
    """The record's list and filters beside the map and its strip diagram below it (geo.record)."""
    context = record_context(recipe, features, layers)
    html = render_panel("record.html", **context)
    if context["strip"]:
        html += "\n" + render_panel("strip.html", **context)
    InlineStyle(own_file("record.css")).add_to(m)
    RecordPanel(html, layer, key).add_to(m)


def add_accuracy_circles(m: folium.Map, features: list[dict], spec: Layer, key: str) -> list[LegendEntry]:
    """A circle of each point's stated position accuracy, as its own switchable layer."""
    located = [f for f in features if f["geometry"]["type"] == "Point" and f["properties"].get("position_accuracy_m")]
    if not located:
        return []
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": round_coordinates(f["geometry"]["coordinates"])},
                "properties": {
                    "id": f"{f['properties']['id']}-accuracy",
                    KEY.radius_m: f["properties"]["position_accuracy_m"],
                },
            }
            for f in located
        ],
    }
    # The marker's fill colour (its stroke is often white, invisible on a pale map): >= 3:1 on the background.
    style = {**spec.style.given(), **(spec.emphasis.style.given() if spec.emphasis else {})}
    color = style.get("fill_color") or style.get("color", "#333333")
    GeoJsonLayer(
        data,
        name=control_label(f"{spec.name}: position uncertainty"),
        show=spec.show,
        marker=folium.Circle(radius=1000),
        style_function=lambda f: {
            "radius": f["properties"][KEY.radius_m],
            "color": color,
            "weight": 2,
            "dashArray": "6 4",
            "fillColor": color,
            "fillOpacity": 0.1,
            "interactive": False,
        },
        on_each_feature=on_each_feature(f"{key}-accuracy"),
    ).add_to(m)
    return [LegendEntry(f"{spec.name}: stated position uncertainty", color, f"{color}1a", "point", dashed=True)]


def fit_target(view: View, bounds: dict) -> dict | None:
    """What the opening view fits, with its padding: the page fits it at its own size (geomap.js),
    again when the frame changes size before the reader has moved the map."""
    target = view.bounds or bounds.get("incident" if view.around_site_km is not None else view.fit)
    return {"bounds": target, "padding": view.padding or DEFAULT_PADDING} if target else None


def locator_data(layers: Layers, site: dict | None) -> dict:
    """Provinces, simplified for a 130-pixel inset, the map's own highlighted: the one its incident (`site`)
    happened in, or the story's province (the boundary layer) on a map of no incident."""
    provinces = layers.get("provinces", {"features": []})["features"]
    if site is not None:
        point = shapely.geometry.Point(site["geometry"]["coordinates"][:2])
        chosen = {f["properties"]["id"] for f in provinces if shape_of(f).covers(point)}
    else:
        chosen = {f["properties"]["id"] for f in layers.get("boundary", {"features": []})["features"]}
    geometries = display_geometries(provinces, simplify_m=15000, decimals=2)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {KEY.highlight: int(f["properties"]["id"] in chosen)}, "geometry": g}
            for f, g in zip(provinces, geometries)
        ],
    }
