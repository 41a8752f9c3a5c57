"""Compose a Folium map from a recipe and the layers.

`compose(recipe, layers)` returns a `folium.Figure` ready to render.  The
recipe decides everything a reader sees; this module only reads it.
"""

from __future__ import annotations

import folium
import markupsafe
from folium.utilities import JsCode, camelize
from jinja2 import Template

from geo.assets import links, own_file
from geo.context import inset_countries, page_context
from geo.contract import LAYER_KINDS
from geo.elements import (
    ContextLayer,
    HtmlControl,
    InlineScript,
    InlineStyle,
    LocatorInset,
    MapOpening,
    MapSetup,
    OpeningTileLayer,
    PageFigure,
    PageScript,
    RenderedText,
    render_panel,
    stabilise_ids,
)
from geo.jsonscript import script_json
from geo.layers import Layers
from geo.offline import pin_assets
from geo.pagedata import KEY, PageData, display_geometries, offset_shared, page_features, round_coordinates, stacked
from geo.recipe import Basemap, Layer, Recipe, RecipeError, View, tile_provider
from geo.shapes import features_bounds
from geo.styles import DEFAULT_STYLE, LegendEntry, geometry_shape, legend_entries, style_for
from geo.text import control_label, isolate
from geo.timeline import add_time_control, add_timeline_layer

PAKISTAN_CENTER = [30.0, 69.5]
INSET_CENTER = [29.5, 68.0]  # Pakistan whole, with room for Iran's name west of it
DEFAULT_PADDING = [20, 20, 20, 20]  # top, right, bottom, left


class LeanMap(folium.Map):
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


def compose(recipe: Recipe, layers: Layers) -> folium.Figure:
    """The figure for one recipe (see geo.recipe for the keys)."""
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
        skip_to="geo-events" if timeline_list else "geo-credits",
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
    context = page_context(layers, recipe, marked_points(recipe, layers))
    if context:
        ContextLayer(context).add_to(m)
    add_basemaps(m, recipe.basemap)

    legend: list[LegendEntry] = []
    bounds = {}
    occupied: set[tuple] = set()  # places earlier point layers mark
    for index, spec in enumerate(recipe.layer):
        features = selected(recipe, index, layers)
        key = f"{recipe.slug}-{index}"
        bounds[spec.name] = features_bounds(features)
        if spec.accuracy_circles:
            legend += add_accuracy_circles(m, features, spec, key)
        if spec.timeline:
            window = recipe.timeline.window_hours if recipe.timeline else None
            timeline = add_timeline_layer(m, features, spec, key, page, window)
            add_time_control(m, timeline, key, recipe, features)
        else:
            add_geojson_layer(m, features, spec, key, page, occupied)
        legend += legend_entries(features, spec)

    HtmlControl(render_panel("legend.html", entries=legend), controls.legend_position).add_to(m)
    if controls.locator:
        countries, names = inset_countries(layers, INSET_CENTER, 3, LocatorInset.SIZE_PX)
        LocatorInset(locator_data(layers), center=INSET_CENTER, zoom=3, countries=countries, names=names).add_to(m)
    setup.options["fit"] = fit_target(view, bounds)
    m.opens_fitted = setup.options["fit"] is not None
    MapOpening().add_to(m)  # once every layer is in, and every control the opening view makes room for
    if controls.layer_control:
        # After the opening, which draws the layers: a layer control already on the map would rebuild its
        # list for each layer drawn (a tenth of the opening on a phone).
        folium.LayerControl(collapsed=controls.layer_control_collapsed).add_to(m)

    figure = m.get_root()
    figure.header.add_child(RenderedText(f"<title>{markupsafe.escape(isolate(recipe.title))}</title>"), name="title")
    # Title and description above the map, as in a news graphic, not over it.
    header = render_panel("title.html", title=recipe.title, description=recipe.description)
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


def marked_points(recipe: Recipe, layers: Layers) -> list[tuple[float, float]]:
    """(lon, lat) of every point the recipe's layers draw: the context leaves these places to them."""
    return [
        tuple(f["geometry"]["coordinates"][:2])
        for spec in recipe.layer
        for f in select(layers[spec.source]["features"], spec, recipe.incident)
        if f["geometry"]["type"] == "Point"
    ]


# (features, layer, incident) -> the features it keeps: drawing, describing and placing the context
# each ask for a layer's selection, so a build works it out once.  Emptied by `forget_selections`.
_SELECTIONS: dict[tuple[int, int, str | None], tuple[list[dict], Layer, list[dict]]] = {}


def select(features: list[dict], spec: Layer, incident: str | None = None) -> list[dict]:
    """The features a layer shows: the recipe's `incident` (for kinds that belong to one), `where`
    (values to keep), `exclude` (values to drop) and `range` ([min, max]).  Callers share the list."""
    key = (id(features), id(spec), incident)
    cached = _SELECTIONS.get(key)
    if cached is None or cached[0] is not features or cached[1] is not spec:
        cached = _SELECTIONS[key] = (features, spec, _select(features, spec, incident))
    return cached[2]


def forget_selections() -> None:
    """Each build starts afresh, so a long-running process does not grow."""
    _SELECTIONS.clear()


def _select(features: list[dict], spec: Layer, incident: str | None) -> list[dict]:
    if incident is not None and LAYER_KINDS[spec.source].has_incident:
        features = [f for f in features if f["properties"]["incident"] == incident]
    if not (spec.where or spec.exclude or spec.range):
        return list(features)
    chosen = []
    for feature in features:
        props = feature["properties"]
        if any(props.get(k) not in allowed for k, allowed in spec.where.items()):
            continue
        if any(props.get(k) in dropped for k, dropped in spec.exclude.items()):
            continue
        if any(
            not (isinstance(props.get(k), (int, float)) and lo <= props[k] <= hi) for k, (lo, hi) in spec.range.items()
        ):
            continue
        chosen.append(feature)
    return chosen


def selected(recipe: Recipe, index: int, layers: Layers) -> list[dict]:
    """The features of the recipe's `index`th layer; a filter that keeps none is a recipe error."""
    spec = recipe.layer[index]
    features = select(layers[spec.source]["features"], spec, recipe.incident)
    if not features:
        raise RecipeError(
            f"{recipe.path}: [[layer]] {index + 1} ({spec.name!r}): its filters (incident, where, "
            f"exclude, range) select none of the {len(layers[spec.source]['features'])} features of "
            f"{spec.source}; check the property names and values"
        )
    return features


def on_each_feature(key: str) -> JsCode:
    return JsCode(f"function (feature, layer) {{ GeoMap.bind(feature, layer, {script_json(key)}); }}")


def add_geojson_layer(
    m: folium.Map, features: list[dict], spec: Layer, key: str, page: PageData, occupied: set
) -> None:
    items = page_features(features, spec, key, page)
    if spec.stack:
        items = stacked(items, features, page)
    if spec.offset_shared:
        offset_shared(items, occupied)
    occupied.update(tuple(i["geometry"]["coordinates"]) for i in items if i["geometry"]["type"] == "Point")
    kind = geometry_shape(features) if features else "point"
    marker = folium.CircleMarker(radius=spec.style.radius or DEFAULT_STYLE["radius"]) if kind == "point" else None
    folium.GeoJson(
        {"type": "FeatureCollection", "features": items},
        name=control_label(spec.name),
        show=spec.show,
        marker=marker,
        style_function=lambda f: style_for(f["properties"], spec, kind),
        on_each_feature=on_each_feature(key),
    ).add_to(m)


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
    folium.GeoJson(
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
    target = view.bounds or bounds.get(view.fit)
    return {"bounds": target, "padding": view.padding or DEFAULT_PADDING} if target else None


def locator_data(layers: Layers) -> dict:
    """Provinces, simplified for a 130-pixel inset, Balochistan highlighted."""
    provinces = layers.get("provinces", {"features": []})["features"]
    geometries = display_geometries(provinces, simplify_m=15000, decimals=2)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {KEY.highlight: int(f["properties"]["id"] == "balochistan")},
                "geometry": g,
            }
            for f, g in zip(provinces, geometries)
        ],
    }
