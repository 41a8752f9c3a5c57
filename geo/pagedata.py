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
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from typing import Any

import numpy as np
import shapely

from geo import fields
from geo.contract import URDU_FIELDS
from geo.jsonscript import script_json
from geo.recipe import Layer
from geo.shapes import shape_of, story_label_anchors
from geo.text import isolate

PACK_ABOVE_BYTES = 1_000_000  # page data larger than this is shipped compressed
DEFAULT_DECIMALS = 5  # ~1 m: finer than any position in the data
METRES_PER_DEGREE = 111_320


def _key(wire: str, meaning: str):
    return field(default=wire, metadata={"meaning": meaning})


@dataclass(frozen=True)
class PageKeys:
    """The properties a page feature may carry: attribute = what the code says, value = the short key
    in the page, metadata = its one meaning.  geomap.js receives this table (`GeoMap.define`) and reads
    `props[K.name]`, so neither side hard-codes a key the other defines.  `id`, `start` and `end` keep
    their own names: `data-feature-id` and leaflet.timeline read them.
    """

    name: str = _key("_n", "the feature's name: popup heading, list entry, accessible name")
    tooltip: str = _key("_t", "hover text, when it differs from the name")
    tooltip_ur: str = _key("_tu", "the hover text's Urdu part, shown marked as Urdu after the rest")
    label: str = _key("_l", "text of the permanent label on the map")
    label_short: str = _key("_ls", "the label without its details (the name), tried when the full label has no room")
    label_rank: str = _key("_lr", "label priority: when labels collide the higher rank is kept")
    label_at: str = _key("_la", "[[lat, lon], ...] inside an area where its label may go, best first")
    values: str = _key("_v", "popup values: one index into the page's strings per popup field of the layer")
    sources: str = _key("_s", "indexes into the page's sources table")
    rows: str = _key("_p", "popup rows [label, text] of a stack of claims merged at one place")
    count: str = _key("_k", "how many claims a stack holds: the number on its badge")
    style_class: str = _key("_c", "the value of the layer's style_by property")
    emphasis: str = _key("_e", "1 when the feature is one of the layer's emphasis ids")
    radius_m: str = _key("_m", "radius in metres of a position-uncertainty circle")
    highlight: str = _key("_h", "1 for the province the locator inset highlights")
    offset: str = _key("_o", "[dx, dy] px a point is drawn from a place an earlier layer already marks")
    overturned: str = _key("_x", "epoch ms from which a claim is shown overturned (the claim superseding it appears)")


KEY = PageKeys()


def page_keys() -> dict[str, str]:
    """{name: short key} as the page's script receives it."""
    return {f.name: getattr(KEY, f.name) for f in dataclass_fields(PageKeys)}


def key_meanings() -> dict[str, str]:
    """{short key: meaning}, for docs/architecture.md and the tests."""
    return {getattr(KEY, f.name): f.metadata["meaning"] for f in dataclass_fields(PageKeys)}


class PageData:
    """What the page's script needs besides the features: layer metadata and the sources table."""

    def __init__(self) -> None:
        self.sources: list[list[str]] = []
        self._source_index: dict[tuple, int] = {}
        self._string_index: dict[str, int] = {}  # the page's string table, in first-use order
        self.layers: dict[str, dict] = {}

    @property
    def strings(self) -> list[str]:
        return list(self._string_index)

    def popup_values(self, props: list[dict], popup: list[str]) -> list[list[int | None]]:
        """Each feature's popup texts as indexes into the page's string table (repeated texts are carried
        once), worked out a field at a time over all the features."""
        index = self._string_index
        texts = fields.format_columns(popup, props)
        columns = [[None if text is None else index.setdefault(text, len(index)) for text in texts[f]] for f in popup]
        return [list(values) for values in zip(*columns)]

    def source_ids(self, props: dict) -> list[int]:
        ids = []
        for source in fields.sources(props):
            key = tuple(source)
            if key not in self._source_index:
                self._source_index[key] = len(self.sources)
                self.sources.append(source)
            ids.append(self._source_index[key])
        return ids

    def register_layer(self, key: str, spec: Layer, points: bool = False) -> list[str]:
        """Record a layer's popup labels; return the popup fields (sources excluded).

        `focusable`: its features are tab stops (places; claims and the record's incidents are reached
        through their lists).
        `target`: its points answer a 44 px tap (`on_top` layers: the attack site).
        """
        popup = [f for f in spec.popup if f != "sources"]
        self.layers[key] = {
            "fields": popup,
            "labels": [fields.label(f, spec.source) for f in popup],
            "urdu": [int(f in URDU_FIELDS) for f in popup],  # shown lang="ur" dir="rtl"
            "tooltip": bool(spec.tooltip),
            "focusable": points and not spec.timeline and not spec.stack and not spec.symbols,
            "target": points and spec.on_top,
        }
        return popup

    def script(self) -> str:
        """`GeoMap.define(keys, layers, texts)`; texts (sources and strings) travel compressed when large."""
        layers = script_json(self.layers)
        texts = script_json({"sources": self.sources, "strings": self.strings})
        packed = pack_if_large(texts)
        if packed:  # a year of claims: inflated by the browser
            texts = f'GeoMap.inflate("{packed}")'
        return f"GeoMap.define({script_json(page_keys())}, {layers}, {texts});"


def pack_if_large(text: str) -> str | None:
    """Text over PACK_ABOVE_BYTES as base64 gzip, which the page inflates (GeoMap.inflate); else None.

    mtime=0: the same text gives the same bytes, so builds stay byte-identical.
    """
    if len(text) <= PACK_ABOVE_BYTES:
        return None
    return base64.b64encode(gzip.compress(text.encode(), compresslevel=6, mtime=0)).decode()


def round_coordinates(coords: Any, decimals: int = DEFAULT_DECIMALS) -> Any:
    if isinstance(coords, (int, float)):
        return round(coords, decimals)
    return [round_coordinates(c, decimals) for c in coords]


def display_geometries(features: list[dict], simplify_m: float = 0, decimals: int = DEFAULT_DECIMALS) -> list[dict]:
    """Geometries simplified for display (`simplify_m`), shared edges kept, rounded (`decimals`)."""
    if all(f["geometry"]["type"] == "Point" for f in features):  # the common case, kept cheap
        return [
            {"type": "Point", "coordinates": [round(c, decimals) for c in f["geometry"]["coordinates"][:2]]}
            for f in features
        ]
    geoms = [shape_of(f) for f in features]
    tolerance = simplify_m / METRES_PER_DEGREE
    if tolerance and geoms:
        if all(g.geom_type in ("Polygon", "MultiPolygon") for g in geoms):
            geoms = list(shapely.coverage_simplify(geoms, tolerance))  # neighbours keep one shared edge
        else:
            geoms = [shapely.simplify(g, tolerance, preserve_topology=True) for g in geoms]
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return [json.loads(text) for text in shapely.to_geojson(rounded)]


def page_features(
    features: list[dict], spec: Layer, key: str, page: PageData, site_km: float | None = None
) -> list[dict]:
    """The features of one layer as the page carries them (`site_km`: the incident's, for label ranks)."""
    popup = page.register_layer(key, spec, points=all(f["geometry"]["type"] == "Point" for f in features))
    geometries = display_geometries(features, spec.simplify_m, spec.decimals)
    props = [f["properties"] for f in features]
    values = page.popup_values(props, popup) if popup else [None] * len(features)
    texts = zip(
        joined(props, [f for f in spec.tooltip if f not in URDU_FIELDS]),
        joined(props, [f for f in spec.tooltip if f in URDU_FIELDS]),
        joined(props, spec.label),
        joined(props, spec.label[:1]),  # the label's first field alone (a station's name, a site's)
    )
    return [page_feature(f, g, v, spec, page, site_km, *t) for f, g, v, t in zip(features, geometries, values, texts)]


def joined(props: list[dict], names: list[str]) -> list[str | None]:
    """Each feature's texts of several fields on one line, each isolated (geo.text): one alone is its
    element's whole text, which the page isolates (`dir="auto"`).  Formatted a field at a time
    (`fields.format_columns`)."""
    if names == ["name"]:  # the usual tooltip: no formatting to do
        return [p.get("name") for p in props]
    if not names:
        return [None] * len(props)
    lines = []
    columns = fields.format_columns(names, props)
    for found in zip(*(columns[name] for name in names)):
        texts = [t for t in found if t]
        if len(texts) > 1:
            texts = [isolate(t) for t in texts]
        lines.append(" · ".join(texts) if texts else None)
    return lines


def label_rank(props: dict, spec: Layer, site_km: float | None) -> float:
    """Which labels are kept first when they collide: the layer's rank, then earlier in `label_ids`, or those
    `label_first_where` picks, then with `label_near_site_first` the nearer the incident's site along the line
    (all within the layer's rank: below the next whole rank)."""
    if spec.label_ids:
        return spec.label_rank + (len(spec.label_ids) - spec.label_ids.index(props["id"])) / 100
    rank = spec.label_rank
    if spec.label_first_where and all(props.get(k) in values for k, values in spec.label_first_where.items()):
        rank += 0.5
    km = props.get("km_from_quetta")
    if spec.label_near_site_first and site_km is not None and isinstance(km, (int, float)):
        rank += 0.4 / (1 + abs(km - site_km))
    return rank


def page_feature(
    feature: dict,
    geometry: dict,
    values: list[int | None] | None,
    spec: Layer,
    page: PageData,
    site_km: float | None,
    tooltip: str | None,
    urdu: str | None,
    label: str | None,
    short: str | None,
) -> dict:
    """One feature as the page carries it, with its tooltip, Urdu tooltip, label and the label's first
    field (`joined`)."""
    props = feature["properties"]
    name = props.get("name", props["id"])
    out: dict[str, Any] = {"id": props["id"], KEY.name: name}
    if urdu:
        out[KEY.tooltip_ur] = urdu
    if tooltip and tooltip != name:
        out[KEY.tooltip] = tooltip
    label_ids = spec.label_ids
    labelled = (label_ids is None or props["id"] in label_ids) and all(
        props.get(k) in values for k, values in spec.label_where.items()
    )
    if labelled and label:
        out[KEY.label] = label
        if short and label != short:
            out[KEY.label_short] = short
        out[KEY.label_rank] = label_rank(props, spec, site_km)
        if feature["geometry"]["type"] in ("Polygon", "MultiPolygon"):
            out[KEY.label_at] = [[lat, lon] for lon, lat in story_label_anchors(shape_of(feature))]
    elif tooltip is None and spec.label and name:
        out[KEY.tooltip] = name  # unlabelled features of a labelled layer still name themselves on hover
    if values is not None:
        out[KEY.values] = values
    if "sources" in spec.popup:
        out[KEY.sources] = page.source_ids(props)
    if spec.style_by:
        out[KEY.style_class] = str(props.get(spec.style_by.property))
    if spec.emphasis and props["id"] in spec.emphasis.ids:
        out[KEY.emphasis] = 1
    return {"type": "Feature", "properties": out, "geometry": geometry}


OFFSETS = ((9, -9), (9, 9), (-9, 9), (-9, -9), (13, 0), (-13, 0))  # px, around a shared place


def offset_shared(items: list[dict], occupied: set) -> None:
    """Points at a place an earlier layer marks are drawn a few pixels away from it, each its own way.

    Rescue staging points share their coordinates with stations; drawn on top they hide them.
    """
    seen: dict[tuple, int] = {}
    for item in items:
        if item["geometry"]["type"] != "Point":
            continue
        at = tuple(item["geometry"]["coordinates"])
        if at in occupied or at in seen:
            n = seen.get(at, 0)
            item["properties"][KEY.offset] = list(OFFSETS[n % len(OFFSETS)])
            seen[at] = n + 1
        else:
            seen[at] = 0


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
            rows.append(
                [
                    fields.format_value("time", props) or "",
                    isolate(props["name"]) + (f" (claimed by {isolate(who)})" if who else ""),
                ]
            )
            source_ids += [i for i in page.source_ids(props) if i not in source_ids]
        first = members[0][0]
        title = f"{len(members)} claims at this place"
        merged.append(
            {
                "type": "Feature",
                "geometry": first["geometry"],
                "properties": {
                    "id": f"{first['properties']['id']}-and-{len(members) - 1}-more",
                    KEY.name: title,
                    KEY.rows: rows,
                    KEY.sources: source_ids,
                    KEY.count: len(members),
                },
            }
        )
    return merged
