"""Styles from recipes: Leaflet path options per feature, and the legend entries that explain them."""

from __future__ import annotations

from dataclasses import dataclass

from geo.pagedata import KEY

LEAFLET_STYLE = {"color": "color", "weight": "weight", "opacity": "opacity", "fill_color": "fillColor",
                 "fill_opacity": "fillOpacity", "radius": "radius", "dash_array": "dashArray"}
DEFAULT_STYLE = {"color": "#333333", "weight": 2, "opacity": 1, "fill_color": "#999999", "fill_opacity": 0.6,
                 "radius": 5}


@dataclass
class LegendEntry:
    label: str
    stroke: str
    fill: str
    shape: str  # point, line or area
    dashed: bool = False


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


def style_for(page_props: dict, spec: dict, kind: str = "point") -> dict:
    """Leaflet path options for one page feature of a layer drawn as points, lines or areas."""
    style = {**DEFAULT_STYLE, **spec.get("style", {})}
    style_by = spec.get("style_by")
    if style_by:
        style.update(color="#333333", fill_color=class_of(page_props.get(KEY.style_class), style_by)[1])
    if page_props.get(KEY.emphasis):
        style.update(spec["emphasis"].get("style", {}))
    leaflet = {LEAFLET_STYLE[k]: v for k, v in style.items()}
    leaflet["fill"] = kind != "line" and style["fill_opacity"] > 0  # folium's CircleMarker defaults to no fill
    if spec.get("on_top") and kind == "point":
        leaflet["pane"] = "geo-top"  # created by GeoMap.setup: above claims and stations
    if page_props.get(KEY.count):
        leaflet["radius"] = 3  # a stack marks its place with a dot; its numbered badge sits beside it
    return leaflet


def legend_entries(features: list[dict], spec: dict) -> list[LegendEntry]:
    if not features:
        return []
    style = {**DEFAULT_STYLE, **spec.get("style", {})}
    kind = geometry_shape(features)
    fill = style["fill_color"] if kind != "line" else style["color"]
    style_by = spec.get("style_by")
    name = spec.get("legend", spec["name"])
    entries = []
    if style_by:
        present = {class_of(str(f["properties"].get(style_by["property"])), style_by) for f in features}
        order = [(c["label"], c["color"]) for c in style_by["class"]]
        order.append((style_by.get("default_label", "Other"), style_by.get("default", "#999999")))
        entries += [LegendEntry(f"{name}: {label}", "#333333", color, kind)
                    for label, color in order if (label, color) in present]
    elif spec.get("stack"):  # numbered badges beside the places (geomap.js)
        entries.append(LegendEntry(name, "#ffffff", fill, "badge"))
    else:
        entries.append(LegendEntry(name, style["color"], fill, kind, dashed="dash_array" in style))
    emphasis = spec.get("emphasis")
    if emphasis and any(f["properties"]["id"] in emphasis["ids"] for f in features):
        strong = {**style, **emphasis.get("style", {})}
        entries.append(LegendEntry(emphasis.get("legend", "Highlighted"), strong["color"], strong["fill_color"], kind))
    return entries
