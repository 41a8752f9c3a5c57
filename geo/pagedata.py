"""The data a page carries: features reduced to what the reader sees.

Each feature keeps its geometry (simplified and rounded to what the map's
zoom needs) and the texts of its tooltip, label and popup.  Texts shared by
many features live once per page: the popup labels once per layer, every
source once in a table that features point into by index.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import numpy as np
import shapely

from geo import fields
from geo.shapes import shape_of

PACK_ABOVE_BYTES = 1_000_000
DEFAULT_DECIMALS = 5  # ~1 m: finer than any position in the data
METRES_PER_DEGREE = 111_320


class PageData:
    """What the page's script needs besides the features: layer metadata and the sources table."""

    def __init__(self) -> None:
        self.sources: list[list[str]] = []
        self._source_index: dict[tuple, int] = {}
        self.strings: list[str] = []
        self._string_index: dict[str, int] = {}
        self.layers: dict[str, dict] = {}

    def text(self, value: str | None) -> int | None:
        """A popup text as an index into the page's string table: repeated texts are carried once."""
        if value is None:
            return None
        if value not in self._string_index:
            self._string_index[value] = len(self.strings)
            self.strings.append(value)
        return self._string_index[value]

    def source_ids(self, props: dict) -> list[int]:
        ids = []
        for source in fields.sources(props):
            key = tuple(source)
            if key not in self._source_index:
                self._source_index[key] = len(self.sources)
                self.sources.append(source)
            ids.append(self._source_index[key])
        return ids

    def register_layer(self, key: str, spec: dict) -> list[str]:
        """Record a layer's popup labels; return the popup fields (sources excluded)."""
        popup = [f for f in spec.get("popup", []) if f != "sources"]
        self.layers[key] = {"fields": popup, "labels": [fields.label(f) for f in popup],
                            "tooltip": bool(spec.get("tooltip"))}
        return popup

    def script(self) -> str:
        """`GeoMap.define(layers, texts)`; texts (sources and strings) travel compressed when large."""
        layers = json.dumps(self.layers, ensure_ascii=False, separators=(",", ":"))
        texts = json.dumps({"sources": self.sources, "strings": self.strings}, ensure_ascii=False,
                           separators=(",", ":"))
        if len(texts) > PACK_ABOVE_BYTES:  # a year of claims: inflated by the browser
            packed = base64.b64encode(gzip.compress(texts.encode(), compresslevel=6, mtime=0)).decode()
            texts = f'GeoMap.inflate("{packed}")'
        # Like folium's tojson: no "<" at all inside the script element, so no
        # "</script>" or "<!--" that would end or confuse it.
        return f"GeoMap.define({layers}, {texts});".replace("<", "\\u003c")


def round_coordinates(coords: Any, decimals: int = DEFAULT_DECIMALS) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, decimals)
    return [round_coordinates(c, decimals) for c in coords]


def display_geometries(features: list[dict], spec: dict) -> list[dict]:
    """Geometries simplified for display (`simplify_m`), shared edges kept, rounded (`decimals`)."""
    decimals = spec.get("decimals", DEFAULT_DECIMALS)
    if all(f["geometry"]["type"] == "Point" for f in features):  # the common case, kept cheap
        return [{"type": "Point", "coordinates": [round(c, decimals) for c in f["geometry"]["coordinates"][:2]]}
                for f in features]
    geoms = [shape_of(f) for f in features]
    tolerance = spec.get("simplify_m", 0) / METRES_PER_DEGREE
    if tolerance and geoms:
        if all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms):
            geoms = list(shapely.coverage_simplify(geoms, tolerance))  # neighbours keep one shared edge
        else:
            geoms = [shapely.simplify(g, tolerance, preserve_topology=True) for g in geoms]
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return [json.loads(text) for text in shapely.to_geojson(rounded)]


def page_features(features: list[dict], spec: dict, key: str, page: PageData) -> list[dict]:
    """The features of one layer as the page carries them."""
    popup = page.register_layer(key, spec)
    geometries = display_geometries(features, spec)
    return [page_feature(f, g, spec, popup, page) for f, g in zip(features, geometries)]


def joined(props: dict, names: list[str]) -> str | None:
    if names == ["name"]:  # the usual tooltip: no formatting to do
        return props.get("name")
    texts = [t for t in (fields.format_value(f, props) for f in names) if t]
    return " · ".join(texts) if texts else None


def page_feature(feature: dict, geometry: dict, spec: dict, popup: list[str], page: PageData) -> dict:
    props = feature["properties"]
    name = props.get("name", props["id"])
    out: dict[str, Any] = {"id": props["id"], "_n": name}
    tooltip = joined(props, spec.get("tooltip", []))
    if tooltip and tooltip != name:
        out["_t"] = tooltip
    label = joined(props, spec.get("label", []))
    if label:
        out["_l"] = label
    if popup:
        out["_v"] = [page.text(fields.format_value(f, props)) for f in popup]
    if "sources" in spec.get("popup", []):
        out["_s"] = page.source_ids(props)
    if "style_by" in spec:
        out["_c"] = str(props.get(spec["style_by"]["property"]))
    if props["id"] in spec.get("emphasis", {}).get("ids", []):
        out["_e"] = 1
    return {"type": "Feature", "properties": out, "geometry": geometry}


def stacked(items: list[dict], originals: list[dict], page: PageData) -> list[dict]:
    """Features at one position merged into one marker that lists them all.

    Many claims share a place (the attack site); drawn apart they would hide
    each other, and moving them apart would invent positions.
    """
    groups: dict[tuple, list[tuple[dict, dict]]] = {}
    for item, original in zip(items, originals):
        groups.setdefault(tuple(item["geometry"]["coordinates"]), []).append((item, original))
    merged = []
    for members in groups.values():
        if len(members) == 1:
            merged.append(members[0][0])
            continue
        members.sort(key=lambda m: (m[1]["properties"].get("time", ""), m[1]["properties"]["id"]))
        rows, source_ids = [], []
        for _, original in members:
            props = original["properties"]
            who = props.get("claimed_by")
            rows.append([fields.format_value("time", props) or "",
                         props["name"] + (f" (claimed by {who})" if who else "")])
            source_ids += [i for i in page.source_ids(props) if i not in source_ids]
        first = members[0][0]
        title = f"{len(members)} claims at this place"
        merged.append({"type": "Feature", "geometry": first["geometry"], "properties": {
            "id": f"{first['properties']['id']}-and-{len(members) - 1}-more", "_n": title, "_r": rows,
            "_s": source_ids, "_k": len(members)}})
    return merged
