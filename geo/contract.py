"""The data contract of DESIGN.md "Layers", as data.

Each layer kind says which geometry types it accepts and which properties
every feature must carry.  `geo.validate` reads this table; nothing else
hard-codes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TIME_PRECISIONS = ("minute", "hour", "part_of_day", "day")
GEOMETRY_QUALITIES = ("surveyed", "schematic")

# Pakistan and its borders, generously: coordinates outside this box are
# almost always swapped lat/lon or projected metres.  `geo validate --bbox`
# widens it for an incident elsewhere.
AREA_OF_INTEREST = (60.0, 23.0, 78.0, 38.0)  # west, south, east, north


@dataclass(frozen=True)
class LayerKind:
    name: str
    geometry_types: tuple[str, ...]
    required: dict[str, str] = field(default_factory=dict)  # property -> kind of value
    optional: dict[str, str] = field(default_factory=dict)


COMMON_REQUIRED = {"id": "slug", "name": "text", "sources": "sources"}
COMMON_OPTIONAL = {"position_accuracy_m": "positive_number", "notes": "text"}
# Where a position comes from, and the place's name in Urdu script (the ground
# of an Urdu edition): optional on every kind of place.
PLACE_OPTIONAL = {"position_basis": "text", "name_ur": "urdu_text"}
# A time whose part of day or hour the source does not give is stored at the
# day, or says where the finer time comes from (`time_basis`).
TIMED_OPTIONAL = {"time": "time", "time_precision": "time_precision", "time_basis": "text"}

LAYER_KINDS: dict[str, LayerKind] = {
    kind.name: kind
    for kind in (
        LayerKind("boundary", ("Polygon", "MultiPolygon"), optional={"name_ur": "urdu_text"}),
        LayerKind("provinces", ("Polygon", "MultiPolygon"), optional={"name_ur": "urdu_text"}),  # corridor context
        LayerKind("railway", ("LineString", "MultiLineString"), {"geometry_quality": "geometry_quality"}),
        LayerKind("stations", ("Point",), {"km_from_quetta": "non_negative_number"}, PLACE_OPTIONAL),
        LayerKind("tunnels", ("Point", "LineString"), optional={
            **PLACE_OPTIONAL, "km_from_quetta": "non_negative_number",
            "km_from_quetta_start": "non_negative_number", "km_from_quetta_end": "non_negative_number",
            "km_uncertainty": "non_negative_number"}),
        LayerKind("staging", ("Point",), optional={**PLACE_OPTIONAL, **TIMED_OPTIONAL}),
        LayerKind(
            "events",
            ("Point",),
            {"time": "time", "time_precision": "time_precision", "claimed_by": "text"},
            {"figures": "figures", "time_basis": "text"},
        ),
    )
}


def kind_for_path(path: str) -> LayerKind | None:
    """The layer kind a file holds, from its name (`stations.geojson` -> stations)."""
    stem = path.replace("\\", "/").rsplit("/", 1)[-1].split(".", 1)[0]
    return LAYER_KINDS.get(stem)
