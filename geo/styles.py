"""Styles from recipes: Leaflet path options per feature, and the legend entries that explain them."""

from __future__ import annotations

from dataclasses import dataclass

from geo.contract import INCIDENT_KINDS
from geo.pagedata import KEY
from geo.recipe import Layer
from geo.symbols import STROKE, kind_svg

LEAFLET_STYLE = {
    "color": "color",
    "weight": "weight",
    "opacity": "opacity",
    "fill_color": "fillColor",
    "fill_opacity": "fillOpacity",
    "radius": "radius",
    "dash_array": "dashArray",
}
DEFAULT_STYLE = {
    "color": "#333333",
    "weight": 2,
    "opacity": 1,
    "fill_color": "#999999",
    "fill_opacity": 0.6,
    "radius": 5,
}
# A claim that a later one overturned, from the moment that one appears (timeline.js), and in the legend.
OVERTURNED_STYLE = {"fillColor": "#ffffff", "dashArray": "3 2", "weight": 2}  # hollow, dashed


@dataclass
class LegendEntry:
    label: str
    stroke: str
    fill: str
    shape: str  # point, line or area
    dashed: bool = False
    svg: str | None = None  # a drawn mark (geo.symbols) in place of the swatch


def kind_entries(features: list[dict]) -> list[LegendEntry]:
    """A layer drawn by incident kind: one entry per kind it has, with its mark."""
    present = {f["properties"]["kind"] for f in features}
    return [
        LegendEntry(spec.label, STROKE, spec.color, "point", svg=kind_svg(kind, 16))
        for kind, spec in INCIDENT_KINDS.items()
        if kind in present
    ]


def geometry_shape(features: list[dict]) -> str:
    types = {f["geometry"]["type"] for f in features}
    if types <= {"Point", "MultiPoint"}:
        return "point"
    if types <= {"LineString", "MultiLineString"}:
        return "line"
    return "area"


def style_for(page_props: dict, spec: Layer, kind: str = "point") -> dict:
    """Leaflet path options for one page feature of a layer drawn as points, lines or areas."""
    style = {**DEFAULT_STYLE, **spec.style.given()}
    if spec.style_by:
        style.update(color="#333333", fill_color=spec.style_by.class_of(page_props.get(KEY.style_class))[1])
    if page_props.get(KEY.emphasis) and spec.emphasis:
        style.update(spec.emphasis.style.given())
    leaflet = {LEAFLET_STYLE[k]: v for k, v in style.items()}
    leaflet["fill"] = kind != "line" and style["fill_opacity"] > 0  # folium's CircleMarker defaults to no fill
    if spec.on_top and kind == "point":
        leaflet["pane"] = "geo-top"  # created by GeoMap.setup: above claims and stations
    if kind != "point" and spec.simplify_m:
        # Shapes the build simplified for display are small enough to draw whole, as they are:
        # Leaflet clipping and simplifying them again on every redraw was a sixth of a phone's
        # load of the corridor map.
        leaflet.update(smoothFactor=0, noClip=True)
    if page_props.get(KEY.count):
        leaflet["radius"] = 3  # a stack marks its place with a dot; its numbered badge sits beside it
    return leaflet


def legend_entries(features: list[dict], spec: Layer) -> list[LegendEntry]:
    if not features:
        return []
    style = {**DEFAULT_STYLE, **spec.style.given()}
    kind = geometry_shape(features)
    fill = style["fill_color"] if kind != "line" else style["color"]
    style_by = spec.style_by
    name = spec.legend_name
    entries = []
    if spec.symbols:
        entries += kind_entries(features)
    elif style_by:
        values = {str(f["properties"].get(style_by.property)) for f in features}  # a few, over many claims
        present = {style_by.class_of(value) for value in values}
        order = [(c.label, c.color) for c in style_by.classes] + [(style_by.default_label, style_by.default)]
        entries += [
            LegendEntry(f"{name}: {label}", "#333333", color, kind)
            for label, color in order
            if (label, color) in present
        ]
    elif spec.stack:  # numbered badges beside the places (geomap.js)
        entries.append(LegendEntry(name, "#ffffff", fill, "badge"))
    else:
        entries.append(LegendEntry(name, style["color"], fill, kind, dashed="dash_array" in style))
    if spec.timeline and any(f["properties"].get("status") == "superseded" for f in features):
        hollow = OVERTURNED_STYLE["fillColor"]
        entries.append(LegendEntry(f"{name} overturned by a later claim", "#333333", hollow, kind, dashed=True))
    if spec.timeline:  # the counts beside places where claims are drawn on top of each other (geomap.js)
        entries.append(LegendEntry(f"{name} shown so far at one place", "#1a1a1a", "#ffffff", "tally"))
    emphasis = spec.emphasis
    if emphasis and any(f["properties"]["id"] in emphasis.ids for f in features):
        strong = {**style, **emphasis.style.given()}
        entries.append(LegendEntry(emphasis.legend, strong["color"], strong["fill_color"], kind))
    return entries
