"""The data contract (docs/architecture.md, "The layer-kind registry"), as data.

Each layer kind says which geometry types it accepts and which properties
every feature must carry.  `geo.validate` reads this table; nothing else
hard-codes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# How exact a time is: "minute" 12:55; "approximate" about 08:15 (a source's "about", to the minute it
# gives); "hour" about 13:00; "part_of_day" Wednesday evening; "day" the date only.
TIME_PRECISIONS = ("minute", "approximate", "hour", "part_of_day", "day")
GEOMETRY_QUALITIES = ("surveyed", "schematic")
STOP_VALUES = ("yes", "no", "unconfirmed")
# A claim that later reports overturned is kept and shown as such: superseded by a later claim
# (`superseded_by`), disputed, or withdrawn by whoever made it; each says why (`status_reason`).
CLAIM_STATUSES = ("superseded", "disputed", "withdrawn")

# Pakistan and its borders, generously: coordinates outside this box are
# almost always swapped lat/lon or projected metres.  `geo validate --bbox`
# widens it for an incident elsewhere.
AREA_OF_INTEREST = (60.0, 23.0, 78.0, 38.0)  # west, south, east, north
# The base map under every map (layers/context.geojson) reaches past Pakistan's
# borders: the neighbours, the Arabian Sea coast, the region's capitals.
CONTEXT_AREA = (57.0, 18.0, 83.0, 40.0)
CONTEXT_KINDS = ("country", "province", "province_boundary", "river", "city", "relief")


# What each claimed figure counts, as a reader reads it.  A key may end in `_min` ("at least") or
# `_max` ("up to"); the label is the base key's.  Lists and tables show these, never the raw key.
FIGURES: dict[str, str] = {
    "arrived_quetta": "arrived in Quetta",
    "attackers": "attackers",
    "bodies_arrived": "bodies brought in",
    "coaches": "coaches on the train",
    "coaches_derailed": "coaches derailed",
    "coaches_overturned": "coaches overturned",
    "dead_military_passengers": "dead: soldiers travelling as passengers",
    "dead_police": "dead: police",
    "dead_railway": "dead: railway staff",
    "dead_unidentified": "dead: unidentified",
    "deadline_hours": "deadline (hours)",
    "distance_from_quetta_km": "distance from Quetta as reported (km; road or rail not said)",
    "empty_coffins": "empty coffins sent",
    "empty_coffins_awaited": "more empty coffins expected",
    "empty_coffins_on_platform": "empty coffins on the platform",
    "executed_claimed": "executed (claimed)",
    "hostages": "hostages held",
    "hostages_remaining_claimed": "hostages still held (claimed)",
    "injured": "injured",
    "injured_civil_hospital": "injured at Civil Hospital",
    "injured_cmh": "injured at CMH",
    "injured_hospitalised": "injured in hospital",
    "injured_to_quetta": "injured taken to Quetta",
    "killed": "killed",
    "killed_attackers": "attackers killed",
    "killed_civilians": "civilians killed",
    "killed_claimed_total": "killed in all (claimed)",
    "killed_hostages": "hostages killed",
    "killed_hostages_civilians": "hostages killed: civilians",
    "killed_hostages_officials": "hostages killed: officials",
    "killed_hostages_soldiers": "hostages killed: soldiers",
    "killed_in_combat_claimed_11mar": "killed in combat, 11 March (claimed)",
    "killed_in_combat_claimed_12mar": "killed in combat, 12 March (claimed)",
    "killed_offduty_soldiers": "off-duty soldiers killed",
    "killed_passengers": "passengers killed",
    "killed_security": "security personnel killed",
    "killed_security_in_operation": "security personnel killed in the operation",
    "moved_mach_to_quetta": "moved from Mach to Quetta",
    "passengers_aboard": "passengers aboard",
    "passengers_booked": "passengers booked",
    "remaining_at_mach": "still at Mach",
    "rescued": "rescued",
    "rescued_children": "children rescued",
    "rescued_injured": "injured rescued",
    "rescued_men": "men rescued",
    "rescued_women": "women rescued",
    "rockets_fired": "rockets fired",
    "security_personnel_aboard": "security personnel aboard",
    "shots_fired": "shots fired",
    "siege_hours": "length of the siege (hours)",
    "speed_kmh": "train speed (km/h)",
    "track_damaged_ft": "track damaged (feet)",
    "unidentified": "unidentified",
}


def figure_base(key: str) -> str:
    """The figure a key counts: 'killed_attackers_min' -> 'killed_attackers'."""
    return key.removesuffix("_min").removesuffix("_max")


@dataclass(frozen=True)
class LayerKind:
    name: str
    geometry_types: tuple[str, ...]
    required: dict[str, str] = field(default_factory=dict)  # property -> kind of value
    optional: dict[str, str] = field(default_factory=dict)
    # One file per incident, `<kind>/<incident>.geojson`, each feature's `incident` the file's name;
    # otherwise one file, `<kind>.geojson`.
    per_incident: bool = False
    area: tuple[float, float, float, float] | None = None  # its own area of interest, if wider
    optional_file: bool = False  # a layers directory may go without it
    exported: bool = True  # in geojson/, the GeoPackage, the KML
    place: bool = False  # its points are places other features name with `place`
    chainage: bool = False  # its points without a published km get one computed (`km_from_quetta_source`)
    placeable: bool = False  # may be placed on the line by placement keys, with no geometry (geo.placement)
    records: bool = False  # made by the build from the incidents' own records, not read from a file of its own

    @property
    def has_incident(self) -> bool:
        """Its features belong to an incident: a recipe's `incident` filters them."""
        return "incident" in self.required

    @property
    def properties(self) -> dict[str, str]:
        """Every property a feature of this kind may carry, with the kind of its value."""
        return {**COMMON_REQUIRED, **COMMON_OPTIONAL, **self.required, **self.optional}


COMMON_REQUIRED = {"id": "slug", "name": "text", "sources": "sources"}
COMMON_OPTIONAL = {"position_accuracy_m": "positive_number", "notes": "text"}
# Where a position comes from, and the place's name in Urdu script (the ground
# of an Urdu edition): optional on every kind of place.
PLACE_OPTIONAL = {"position_basis": "text", "name_ur": "urdu_text"}
# A time whose part of day or hour the source does not give is stored at the
# day, or says where the finer time comes from (`time_basis`).
TIMED_OPTIONAL = {"time": "time", "time_precision": "time_precision", "time_basis": "text"}
# What happened at one incident (a slug like jaffar-express-2025-03-11) is kept apart from the next.
INCIDENT = {"incident": "slug"}
# Where a feature is on the line, as reports say it (geo.placement): with these, its geometry may be null.
PLACEMENT = {
    "place": "slug",
    "place_km": "non_negative_number",
    "place_between": "slug_pair",
    "place_offset_km": "positive_number",
    "place_towards": "slug",
}


def is_placed_on_the_line(props: dict) -> bool:
    """Whether a feature says where it is with placement keys (geo.placement works out the point)."""
    return any(key in props for key in PLACEMENT)


# Written by the build into every placed or measured feature; a layer file may carry them too.
MEASURED = {"km_from_quetta": "non_negative_number", "position_basis": "text"}
AREA = {"kind": "text", "area_km2_geodesic": "non_negative_number", "area_km2_official": "non_negative_number"}

LAYER_KINDS: dict[str, LayerKind] = {
    kind.name: kind
    for kind in (
        LayerKind(
            "boundary",
            ("Polygon", "MultiPolygon"),
            optional={"name_ur": "urdu_text", **AREA, "derivation": "text"},
        ),
        LayerKind("provinces", ("Polygon", "MultiPolygon"), optional={"name_ur": "urdu_text", **AREA}),
        LayerKind(
            "railway",
            ("LineString", "MultiLineString"),
            {"geometry_quality": "geometry_quality"},
            {
                "from_station": "slug",
                "to_station": "slug",
                "line": "text",
                "km_from_quetta_start": "non_negative_number",
                "km_from_quetta_end": "non_negative_number",
                "via": "slug_list",
            },
        ),
        LayerKind(
            "stations",
            ("Point",),
            {"km_from_quetta": "non_negative_number"},
            {
                **PLACE_OPTIONAL,
                "official_name": "text",
                "km_posts": "km_posts",
                "jaffar_express_stop": "stop",
                "alt_names": "text_list",
            },
            place=True,
        ),
        LayerKind(
            "tunnels",
            ("Point", "LineString"),
            optional={
                **PLACE_OPTIONAL,
                "km_from_quetta": "non_negative_number",
                "km_from_quetta_start": "non_negative_number",
                "km_from_quetta_end": "non_negative_number",
                "km_uncertainty": "non_negative_number",
                "km_from_quetta_basis": "text",
                "number": "positive_number",
                # A tunnel a source places only between two stations, or at a distance from one, side unknown.
                "between_stations": "slug_pair",
                "near_station": "slug",
                "distance_from_station_km": "positive_number",
                "reported_locations": "text_list",
                "tunnel_counts_reported": "text_list",
            },
            place=True,
            chainage=True,
        ),
        # Places off the line that claims and staging points name: hospitals, towns, cantonments.
        LayerKind(
            "places",
            ("Point",),
            optional={**PLACE_OPTIONAL, "kind": "text"},
            optional_file=True,
            place=True,
            chainage=True,
        ),
        LayerKind(
            "staging",
            ("Point",),
            INCIDENT,
            optional={**PLACE_OPTIONAL, **TIMED_OPTIONAL, **PLACEMENT, **MEASURED, "role": "text", "time_note": "text"},
            place=True,
            chainage=True,
            placeable=True,
        ),
        LayerKind(
            "events",
            ("Point",),
            {**INCIDENT, "time": "time", "time_precision": "time_precision", "claimed_by": "text"},
            {
                "figures": "figures",
                "time_basis": "text",
                "claimed_by_detail": "text",
                "summary": "text",
                "place_reported": "text",
                "place_note": "text",
                **PLACEMENT,
                **MEASURED,
                "status": "claim_status",
                "superseded_by": "slug",
                "status_reason": "text",
                "status_sources": "sources",
            },
            per_incident=True,
            chainage=True,
            placeable=True,
        ),
        # One feature per incident at its site, made from the records in the events files: what the
        # record map and every export join to the claims by `id` (the incident's slug).
        LayerKind(
            "incidents",
            ("Point",),
            {"date": "date", "kind": "incident_kind", "summary": "text"},
            {
                "end_date": "date",
                "site_name": "text",
                "claims": "non_negative_number",
                "tolls": "text",  # the figures its claims give, each with who gave it (geo.enrich)
                **PLACEMENT,
                **MEASURED,
            },
            records=True,
            chainage=True,
            placeable=True,
        ),
        # The base map drawn under every map where no tiles load: countries, Pakistan's provinces, rivers,
        # cities, shaded relief (an image over its area; scripts/derive_context.py).  Background, not story
        # data: not exported.
        LayerKind(
            "context",
            ("Polygon", "MultiPolygon", "LineString", "MultiLineString", "Point"),
            {"context_kind": "context_kind"},
            {
                "label_at": "label_anchors",
                "population": "non_negative_number",
                "geonameid": "positive_number",
                "country_code": "text",
                "capital": "text",
                "iso_a3": "text",
                "subject": "bool",
                "image": "image_data_uri",
            },
            area=CONTEXT_AREA,
            optional_file=True,
            exported=False,
        ),
    )
}


# --- incidents ---------------------------------------------------------------------------------
# Each events file `events/<incident>.geojson` holds the incident's own record as a foreign member
# (RFC 7946 6.1) of its FeatureCollection, `"incident": {...}`: what the recipes and texts are made from.


@dataclass(frozen=True)
class IncidentKind:
    label: str  # in legends and popups
    what_happened: str  # "where ... on <date>" in generated text
    symbol: str  # the mark on the record map and the strip diagram (geomap.js draws each)
    color: str  # Okabe-Ito, told apart by colour-blind readers; the symbol tells them apart without colour


INCIDENT_KINDS: dict[str, IncidentKind] = {
    "hijacking": IncidentKind("Hijacking", "where the train was stopped and its passengers held", "star", "#D55E00"),
    "ied-derailment": IncidentKind(
        "Blast that derailed the train", "where a blast derailed the train", "triangle", "#0072B2"
    ),
    "bombing": IncidentKind("Blast on or by the line", "where a bomb went off on or by the line", "diamond", "#CC79A7"),
    "gunfire": IncidentKind("Gunfire at the train", "where the train was fired on", "square", "#009E73"),
    "station-attack": IncidentKind("Attack on a station", "where the station was attacked", "pentagon", "#E69F00"),
    "other": IncidentKind("Other incident on the line", "where it happened", "circle", "#555555"),
}
# The record's keys, with the kind of each value (checked by geo.validate like a feature's properties).
INCIDENT_RECORD_REQUIRED = {
    "title": "text",
    "date": "date",
    "kind": "incident_kind",
    "summary": "text",
    "site": "site",
    "sources": "sources",
}
INCIDENT_RECORD_OPTIONAL = {"end_date": "date", "notes": "text"}
# Where it happened: placement keys as a claim's, or coordinates for a site off the line.
SITE_KEYS = {
    "name": "text",
    "coordinates": "lon_lat",
    "position_accuracy_m": "positive_number",
    "position_basis": "text",
    "sources": "sources",
    **PLACEMENT,
}


# Properties in Urdu script: pages mark them lang="ur" dir="rtl" (WCAG 2.2 3.1.2, language of parts).
URDU_FIELDS = frozenset(
    name
    for kind in LAYER_KINDS.values()
    for name, value in {**kind.required, **kind.optional}.items()
    if value == "urdu_text"
)


def kind_for_path(path: str) -> LayerKind | None:
    """The layer kind a file holds, from its name (`stations.geojson` -> stations) or, for a kind kept
    per incident, its folder (`events/<incident>.geojson` -> events)."""
    *folders, name = path.replace("\\", "/").split("/")
    folder = LAYER_KINDS.get(folders[-1]) if folders else None
    if folder is not None and folder.per_incident:
        return folder
    kind = LAYER_KINDS.get(name.split(".", 1)[0])
    return None if kind is None or kind.per_incident or kind.records else kind


def layer_files(directory: Path, kind: LayerKind) -> list[Path]:
    """The files that hold a kind's features in a layers directory (none for a kind made from records)."""
    if kind.records:
        return []
    if kind.per_incident:
        return sorted((directory / kind.name).glob("*.geojson"))
    return [directory / f"{kind.name}.geojson"]
