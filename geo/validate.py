"""Check layer files against the contract in `geo.contract`.

Every check returns `Problem`s rather than raising, so one run reports every
problem in every file, each naming the file, the feature and what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import heapq
import io
import itertools
import json
import math
import re
import warnings
from datetime import date
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
import PIL.Image
import shapely

from geo import timefmt
from geo.contract import (
    AREA_OF_INTEREST,
    CLAIM_STATUSES,
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    CONTEXT_KINDS,
    GEOMETRY_QUALITIES,
    INCIDENT_KINDS,
    INCIDENT_RECORD_OPTIONAL,
    INCIDENT_RECORD_REQUIRED,
    LAYER_KINDS,
    SITE_KEYS,
    STOP_VALUES,
    TIME_PRECISIONS,
    LayerKind,
    is_placed_on_the_line,
    kind_for_path,
)
from geo.errors import GeoError, Problem
from geo.inputs import LAYER_MAX_BYTES, read_regular
from geo.patterns import DATE, FIGURE_KEY, ISO_TIME, NAIVE_TIME, SLUG, SOURCE_DATE, XML_FORBIDDEN, whole
from geo.shapes import shape_of
from geo.text import visible_problem

Bbox = tuple[float, float, float, float]


def validate_file(path: str | Path, bbox: Bbox = AREA_OF_INTEREST) -> tuple[dict | None, list[Problem]]:
    """Read and check one layer file; return (FeatureCollection or None, problems)."""
    path = str(path)
    kind = kind_for_path(path)
    if kind is None:
        expected = ", ".join(
            f"{k}/<incident>.geojson" if LAYER_KINDS[k].per_incident else f"{k}.geojson" for k in LAYER_KINDS
        )
        return None, [Problem(path, f"cannot tell the layer kind from the file name; expected one of {expected}")]
    try:
        raw = read_regular(path, LAYER_MAX_BYTES)
    except FileNotFoundError:
        return None, [Problem(path, "file not found")]
    except GeoError as exc:
        return None, [Problem(path, str(exc).removeprefix(f"{path}: "))]
    except OSError as exc:
        return None, [Problem(path, f"cannot read file: {exc.strerror or exc}")]
    try:
        data = orjson.loads(raw)  # several times faster than json on a year of events
    except json.JSONDecodeError as exc:  # orjson's error is a json.JSONDecodeError
        return None, [Problem(path, f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    if kind.area:  # a base map reaches past the story's area
        bbox = (
            min(bbox[0], kind.area[0]),
            min(bbox[1], kind.area[1]),
            max(bbox[2], kind.area[2]),
            max(bbox[3], kind.area[3]),
        )
    problems = list(check_collection(path, data, kind, bbox, scan_strings=may_hold_xml_forbidden(raw)))
    if kind.per_incident and not errors_only(problems):
        problems += list(check_incident_file(path, data))
    return (None if errors_only(problems) else data), problems


def check_incident_file(path: str, data: dict) -> Iterator[Problem]:
    """`<kind>/<incident>.geojson` holds the incident's record, and every feature belongs to it."""
    incident = Path(path).name.split(".", 1)[0]
    if not whole(SLUG, incident):
        yield Problem(path, f"the file name {incident!r} must be the incident's slug, like jaffar-express-2025-03-11")
        return
    for message in check_incident_record(data.get("incident")):
        yield Problem(path, f"incident record: {message}")
    for index, feature in enumerate(data["features"]):
        found = feature["properties"]["incident"]
        if found != incident:
            yield Problem(
                path,
                f"incident {found!r} is not this file's incident {incident!r}; an incident's "
                f"events go in {Path(path).parent.name}/{found}.geojson",
                index,
                _feature_id(feature),
            )


def check_incident_record(record: Any) -> Iterator[str]:
    """The incident's own record (geo.contract INCIDENT_RECORD_*): title, date, kind, site, summary, sources."""
    if not isinstance(record, dict):
        yield (
            'missing: the file needs an "incident" object beside "features" with its title, date, kind, site, '
            "summary and sources (`geo new` writes one)"
        )
        return
    yield from check_keys(record, INCIDENT_RECORD_REQUIRED, INCIDENT_RECORD_OPTIONAL)
    if isinstance(record.get("site"), dict):
        yield from (f"site: {m}" for m in check_site(record["site"]))
    start, end = record.get("date"), record.get("end_date")
    if whole(DATE, start) and whole(DATE, end) and end < start:
        yield f"end_date {end} is before date {start}"


def check_site(site: dict) -> Iterator[str]:
    yield from check_keys(site, {}, SITE_KEYS)
    if "coordinates" in site and "name" not in site and not is_placed_on_the_line(site):
        yield "a site given by coordinates needs a name (how reports name the place)"
    if "coordinates" not in site and not any(key in site for key in ("place", "place_km", "place_between")):
        yield (
            "say where it happened: place (a place id), place_km (km from Quetta), place_between (two stations), "
            "or coordinates [lon, lat] for a site off the line"
        )
    yield from check_placement(site)


def check_keys(values: dict, required: dict[str, str], optional: dict[str, str]) -> Iterator[str]:
    """Required keys present, every value of its kind, no key the contract does not know (did you mean?)."""
    known = {**required, **optional}
    for name in values:
        if name not in known:
            yield unknown_property(name, known)
    for name, kind in known.items():
        value = values.get(name)
        if value is None:
            if name in required:
                yield f"missing required key {name!r}"
        elif message := _VALUE_CHECKS[kind](value):
            yield f"{name!r} {message}"


def unknown_property(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else " (docs/EDITING.md lists the properties of each layer)"
    return f"unknown property {name!r}{hint}"


def check_placement(props: dict) -> Iterator[str]:
    """One way of saying where: a place (with an offset), a km, or two stations."""
    given = [key for key in ("place", "place_km", "place_between") if key in props]
    if len(given) > 1:
        yield f"{' and '.join(given)} say where twice: keep the one the report gives"
    if "place_offset_km" in props and "place" not in props:
        yield "place_offset_km needs place: the place it is measured from"
    if "place_towards" in props and "place_offset_km" not in props:
        yield "place_towards needs place_offset_km: how far from the place, towards that station"


def errors_only(problems: list[Problem]) -> list[Problem]:
    """The problems that stop a build (warnings are only reported)."""
    return [p for p in problems if not p.warning]


def check_collection(path: str, data: Any, kind: LayerKind, bbox: Bbox, scan_strings: bool = True) -> Iterator[Problem]:
    """Problems of a parsed layer; `scan_strings=False` when its JSON text cannot hold a character XML forbids."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        yield Problem(path, f"expected a GeoJSON FeatureCollection, found {found!r}")
        return
    if "crs" in data:
        yield Problem(path, "has a 'crs' member; RFC 7946 GeoJSON is always WGS84 lon/lat and has none")
    features = data.get("features")
    if not isinstance(features, list) or (not features and not kind.per_incident):  # a new incident has no claims yet
        yield Problem(path, "'features' must be a non-empty list")
        return
    whole: dict[str, Any] = {}

    def across_features() -> None:
        """What needs all the features at once: worked out while the workers check each feature of a big file."""
        whole["warnings"] = list(xml_forbidden_warnings(path, data)) if scan_strings else []
        whole["duplicates"] = duplicate_ids(path, features)
        whole["columns"] = export_columns(features)

    own = feature_problems(path, features, kind, bbox, meanwhile=across_features)
    yield from whole["warnings"]
    # Each feature's own problems, then its id's (a merge by feature keeps that order).
    yield from heapq.merge(own, whole["duplicates"], key=lambda p: p.index)
    columns = whole["columns"]
    if len(columns) > MAX_PROPERTY_NAMES:
        yield Problem(
            path,
            f"its features use {len(columns):,} different property and figure names; an export table holds "
            f"at most {MAX_PROPERTY_NAMES:,} (a GeoPackage stops at 2,000 columns)",
        )


CHECKED_APART_ABOVE = 5000  # features; a file with more has its halves checked by two forked workers


def feature_problems(
    path: str, features: list, kind: LayerKind, bbox: Bbox, meanwhile: Callable[[], Any] | None = None
) -> list[Problem]:
    """Every feature's own problems, in feature order; a big file's halves in two forked workers (`run_jobs`),
    so that both cores check a year of claims, while this process runs `meanwhile` (a small file: first)."""
    if len(features) <= CHECKED_APART_ABOVE:  # no fork, and `geo validate` imports no process pool
        if meanwhile is not None:
            meanwhile()
        return _features_problems(path, features, kind, bbox, 0, len(features))
    from geo.jobs import run_jobs

    middle = len(features) // 2
    halves = [(0, middle), (middle, len(features))]
    jobs = [partial(_features_problems, path, features, kind, bbox, *half) for half in halves]
    return run_jobs(jobs, parallel=True, meanwhile=meanwhile)


def duplicate_ids(path: str, features: list) -> list[Problem]:
    """An id a feature takes that an earlier one has, as a problem of the later feature."""
    seen: dict[str, int] = {}
    duplicates = []
    for index, feature in enumerate(features):
        fid = _feature_id(feature)
        if isinstance(fid, str):
            if fid in seen:
                message = f"duplicate id {fid!r} (first used by feature {seen[fid]})"
                duplicates.append(Problem(path, message, index, fid))
            seen.setdefault(fid, index)
    return duplicates


def _features_problems(path: str, features: list, kind: LayerKind, bbox: Bbox, start: int, end: int) -> list[Problem]:
    return [
        Problem(path, message, index, _feature_id(feature))
        for index, feature in enumerate(features[start:end], start)
        for message in check_feature(feature, kind, bbox)
    ]


def export_columns(features: list) -> set[str]:
    """The names the features add as export columns: their properties, and each figure (its own column)."""
    props = [f["properties"] for f in features if isinstance(f, dict) and isinstance(f.get("properties"), dict)]
    figures = set(itertools.chain.from_iterable(p["figures"] for p in props if isinstance(p.get("figures"), dict)))
    return set(itertools.chain.from_iterable(props)) | {f"figure_{key}" for key in figures}


def _feature_id(feature: Any) -> str | None:
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        fid = feature["properties"].get("id")
        return fid if isinstance(fid, str) else None
    return None


def check_feature(feature: Any, kind: LayerKind, bbox: Bbox) -> Iterator[str]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        yield "not a GeoJSON Feature"
        return
    props = feature.get("properties")
    if not isinstance(props, dict):
        yield "has no 'properties' object"
        props = {}
    if feature.get("geometry") is not None or not (kind.placeable and is_placed_on_the_line(props)):
        yield from check_geometry(feature.get("geometry"), kind, bbox)
    yield from check_properties(props, kind)
    if kind.name == "context" and props.get("context_kind") == "relief":
        yield from check_relief(feature.get("geometry"), props)


def check_relief(geometry: Any, props: dict) -> Iterator[str]:
    """A relief is an image laid over the box its geometry spans."""
    if "image" not in props:
        yield "is a relief (context_kind 'relief') with no 'image'"
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        yield "is a relief (context_kind 'relief'): its geometry must be the Polygon of the area its image covers"


# --- geometry -------------------------------------------------------------


def check_geometry(geometry: Any, kind: LayerKind, bbox: Bbox) -> Iterator[str]:
    if not isinstance(geometry, dict):
        yield "has no geometry" + (
            ": give coordinates, or say where it is on the line (place, place_km or place_between)"
            if kind.placeable
            else ""
        )
        return
    gtype = geometry.get("type")
    if gtype not in kind.geometry_types:
        yield f"geometry is {gtype!r}; a {kind.name} layer takes {' or '.join(kind.geometry_types)}"
        return
    coords = geometry.get("coordinates")
    structure = _structure_problem(gtype, coords)
    if structure:
        yield structure
        return
    position_problem = _first_bad_position(coords, bbox)
    if position_problem:
        yield position_problem
        return
    if gtype == "Point":
        return  # a point with good coordinates is always valid
    geom = shape_of({"geometry": geometry})
    if not geom.is_valid:
        yield f"invalid geometry: {shapely.is_valid_reason(geom)}"


_DEPTH = {"Point": 0, "LineString": 1, "MultiPoint": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


def _structure_problem(gtype: str, coords: Any) -> str | None:
    """Shape of the coordinate arrays: positions, line lengths, closed rings."""

    def positions(node: Any, depth: int) -> bool:
        if depth == 0:
            return (
                isinstance(node, list)
                and len(node) in (2, 3)
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in node)
            )
        return isinstance(node, list) and all(positions(child, depth - 1) for child in node)

    if not positions(coords, _DEPTH[gtype]):
        return "coordinates are malformed: each position must be [lon, lat] numbers"
    lines = [coords] if gtype == "LineString" else coords if gtype == "MultiLineString" else []
    for line in lines:
        if len(line) < 2:
            return "a line needs at least 2 positions"
    rings = coords if gtype == "Polygon" else [r for poly in coords for r in poly] if gtype == "MultiPolygon" else []
    for ring in rings:
        if len(ring) < 4:
            return "a polygon ring needs at least 4 positions"
        if ring[0] != ring[-1]:
            return f"polygon ring is not closed: first position {ring[0]} differs from last {ring[-1]}"
    return None


def _iter_positions(coords: Any) -> Iterator[list]:
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for child in coords:
            yield from _iter_positions(child)


def _first_bad_position(coords: Any, bbox: Bbox) -> str | None:
    west, south, east, north = bbox
    for lon, lat, *_ in _iter_positions(coords):
        if abs(lon) > 180 or abs(lat) > 90:
            if abs(lon) > 1000 or abs(lat) > 1000:
                return (
                    f"position [{lon}, {lat}] looks like projected metres; "
                    "layers must be WGS84 longitude/latitude (EPSG:4326)"
                )
            return f"position [{lon}, {lat}] is out of range (longitude -180..180, latitude -90..90)"
        if not (west <= lon <= east and south <= lat <= north):
            if west <= lat <= east and south <= lon <= north:
                return (
                    f"position [{lon}, {lat}] looks like latitude/longitude swapped; "
                    "GeoJSON positions are [longitude, latitude]"
                )
            return f"position [{lon}, {lat}] is outside the area of interest {list(bbox)} (west, south, east, north)"
    return None


# --- properties -----------------------------------------------------------


@cache
def _property_checks(kind_name: str) -> tuple[tuple, tuple]:
    """(required, optional) as (name, checker) pairs, worked out once per layer kind."""
    kind = LAYER_KINDS[kind_name]
    required = tuple((n, _VALUE_CHECKS[k]) for n, k in {**COMMON_REQUIRED, **kind.required}.items())
    optional = tuple((n, _VALUE_CHECKS[k]) for n, k in {**COMMON_OPTIONAL, **kind.optional}.items())
    return required, optional


def check_properties(props: dict, kind: LayerKind) -> Iterator[str]:
    yield from _name_problems(tuple(props))
    for name, value in props.items():
        if isinstance(value, (list, dict)) and not _shallow(value) and _depth(value) > MAX_NESTING:
            yield f"property {name!r} is nested more than {MAX_NESTING} levels deep"
    known = kind.properties
    for name in props:
        if name not in known:
            yield unknown_property(name, known)
    if kind.placeable:
        yield from check_placement(props)
    if kind.name == "events":
        yield from check_status(props)
    required, optional = _property_checks(kind.name)
    for name, checker in required:
        value = props.get(name)
        if value is None:
            yield f"missing required property {name!r}"
        elif message := checker(value):
            yield f"property {name!r} {message}"
    for name, checker in optional:
        value = props.get(name)
        if value is not None and (message := checker(value)):
            yield f"property {name!r} {message}"


def check_status(props: dict) -> Iterator[str]:
    """An overturned claim says how (`status`) and why (`status_reason`); superseded names its successor."""
    status = props.get("status")
    if "superseded_by" in props and status != "superseded":
        yield "superseded_by needs status 'superseded'"
    if status == "superseded" and "superseded_by" not in props:
        yield "status 'superseded' needs superseded_by: the id of the claim that overturned it"
    if status is not None and "status_reason" not in props:
        yield f"status {status!r} needs status_reason: why, in a sentence, with its source"


# Names a GeoPackage table cannot take as columns (its own id and geometry columns).
RESERVED_PROPERTY_NAMES = ("fid", "geom", "geometry")
MAX_NESTING = 20
MAX_PROPERTY_NAMES = 500  # columns of one layer's export table: far beyond any hand-made layer
# How such a character can appear in JSON text (raw control characters are not valid JSON): an
# escape (\b, \f, \u0000-\u001f, a surrogate, \ufffe, \uffff) or U+FFFE/U+FFFF as UTF-8.  Text
# without one skips the walk over every string; a false alarm only costs that walk.  Two patterns,
# each starting with one fixed byte, which `re` looks for by a fast search (one pattern of both
# took 0.34 s over a year of claims, the two take 0.04).
XML_FORBIDDEN_IN_JSON = (
    re.compile(rb"\\(?:[bf]|u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F]|[fF]{3}[eEfF]))"),
    re.compile(rb"\xef\xbf[\xbe\xbf]"),
)


def may_hold_xml_forbidden(raw: bytes) -> bool:
    """Whether JSON text can hold a character XML forbids (`XML_FORBIDDEN_IN_JSON`)."""
    return any(pattern.search(raw) for pattern in XML_FORBIDDEN_IN_JSON)


@lru_cache(maxsize=1024)  # features of a layer share a few sets of names
def _name_problems(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(check_property_names(names))


def check_property_names(props: dict | tuple[str, ...]) -> Iterator[str]:
    """Names every export can take: GeoPackage columns are case-insensitive and reserve a few."""
    seen: dict[str, str] = {}
    for name in props:
        folded = name.casefold()
        if folded in RESERVED_PROPERTY_NAMES:
            yield f"property name {name!r} is reserved for the GeoPackage's own columns; rename it"
        elif folded in seen:
            yield f"property names {seen[folded]!r} and {name!r} differ only in case; exports cannot keep both"
        seen.setdefault(folded, name)


def _shallow(value: list | dict) -> bool:
    """Nested two levels at most (a list of sources, a table of figures): the usual case, no count needed."""
    children = value.values() if type(value) is dict else value
    for child in children:
        if type(child) is dict:
            child = child.values()
        elif type(child) is not list:
            continue
        if any(type(v) is list or type(v) is dict for v in child):
            return False
    return True


def _depth(value: Any, level: int = 0) -> int:
    """How deeply lists and objects nest in a value (stops counting past MAX_NESTING)."""
    if level > MAX_NESTING or not isinstance(value, (list, dict)):
        return level
    children = value.values() if isinstance(value, dict) else value
    containers = [child for child in children if isinstance(child, (list, dict))]  # a scalar adds no depth
    return max((_depth(child, level + 1) for child in containers), default=level + 1)


def xml_forbidden_warnings(path: str, data: Any) -> Iterator[Problem]:
    """Warn about characters XML 1.0 forbids (often pasted from word processors); KML drops them."""
    for index, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            continue
        for name, text in _strings(props):
            if match := XML_FORBIDDEN.search(text):
                yield Problem(
                    path,
                    f"property {name!r} holds the control character U+{ord(match[0]):04X}, "
                    "which XML (KML) cannot carry; it is replaced there by U+FFFD",
                    index,
                    _feature_id(feature),
                    warning=True,
                )


def _strings(value: Any, name: str = "", level: int = 0) -> Iterator[tuple[str, str]]:
    """(property name, text) of every string in a property, to MAX_NESTING levels (deeper is an error)."""
    if isinstance(value, str):
        yield name, value
    elif level > MAX_NESTING:
        return
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(key, name or key, level + 1)
            yield from _strings(child, name or key, level + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _strings(child, name, level + 1)


def _slug(value: Any) -> str | None:
    if not whole(SLUG, value):
        return f"must be a slug of lower-case letters, digits and hyphens, got {value!r}"
    return None


def _text(value: Any) -> str | None:
    if type(value) is str and value[:1].isalnum():  # a letter or digit first: visible text, the usual case
        return None
    problem = visible_problem(value)
    return f"must be {problem}, got {value!r}" if problem else None


# Arabic-script letters (the Arabic blocks Urdu is written in).
URDU_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


def _urdu_text(value: Any) -> str | None:
    """Non-empty text in Urdu script: no Latin letters, at least one Arabic-script letter."""
    if message := _text(value):
        return message
    if LATIN_LETTER.search(value) or not URDU_LETTER.search(value):
        return f"must be text in Urdu script, got {value!r}"
    return None


def _number(value: Any, minimum: float, inclusive: bool) -> str | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return f"must be a number, got {value!r}"
    if value < minimum or (value == minimum and not inclusive):
        return f"must be {'>=' if inclusive else '>'} {minimum}, got {value!r}"
    return None


YEARS = (1900, 2100)


def _time(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be an ISO 8601 date-time string, got {value!r}"
    if not whole(ISO_TIME, value):
        if whole(DATE, value):
            return f"must be a date-time, not a date: {value!r} (a claim known only to the day: time_precision 'day')"
        if whole(NAIVE_TIME, value):
            return f"has no UTC offset: {value!r} (Pakistan time is +05:00)"
        return (
            f"is not an ISO 8601 date-time like 2025-03-11T13:00:00+05:00 (calendar date, time, offset "
            f"in hours and minutes), got {value!r}"
        )
    year = int(value[:4])  # as written (Pakistan time can be a year later at midnight), checked first:
    if not YEARS[0] <= year <= YEARS[1]:  # converting year 1 or 9999 to Pakistan time would overflow
        return f"year {year} is outside {YEARS[0]}-{YEARS[1]}: {value!r}"
    try:
        timefmt.parse(value)  # cached where it runs: a big file's times are parsed in forked workers, and again later
    except ValueError:
        return f"is not a possible date-time: {value!r}"
    return None


def _choice(options: tuple[str, ...]):
    def check(value: Any) -> str | None:
        return None if value in options else f"must be one of {', '.join(options)}; got {value!r}"

    return check


def _sources(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "must be a non-empty list of {outlet, date, url?}"
    for i, source in enumerate(value):
        if not isinstance(source, dict):
            return f"entry {i} must be an object with outlet and date"
        if not isinstance(source.get("outlet"), str) or not source["outlet"].strip():
            return f"entry {i} has no outlet"
        when = source.get("date")
        if not whole(SOURCE_DATE, when):
            return f"entry {i} ({source['outlet']}) needs a date as YYYY-MM-DD (or YYYY-MM, YYYY), got {when!r}"
        if len(when) == 10:
            try:
                date.fromisoformat(when)
            except ValueError:
                return f"entry {i} ({source['outlet']}) has an impossible date {when!r}"
        if "url" in source and not isinstance(source["url"], str):
            return f"entry {i} ({source['outlet']}) url must be text"
    return None


def _figures(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f'must be an object of named counts like {{"hostages": 214}}, got {value!r}'
    for key, count in value.items():
        if not whole(FIGURE_KEY, key):
            return (
                f"name {key!r} must be lower-case letters, digits and underscores, starting with a letter "
                "(it becomes a column name)"
            )
        if not isinstance(count, int) or isinstance(count, bool) or count < 0 or count >= 2**53:
            return f"{key!r} must be a whole number >= 0, got {count!r}"
    return None


def _label_anchors(value: Any) -> str | None:
    """Where an area's name may go: a list of [lon, lat] positions, the preferred first."""
    if (
        not isinstance(value, list)
        or not value
        or not all(
            isinstance(p, list)
            and len(p) == 2
            and all(isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in p)
            for p in value
        )
    ):
        return f"must be a non-empty list of [lon, lat] positions, got {str(value)[:60]!r}"
    return None


# An image a page shows as it is: only base64 JPEG, PNG or WebP, never a link or markup.
IMAGE_DATA_URI = re.compile(r"data:image/(?P<type>jpeg|png|webp);base64,(?P<data>[A-Za-z0-9+/]+={0,2})")
IMAGE_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}  # the data URI's type -> Pillow's format name
IMAGE_ENDS = {  # how each format's file ends: bytes after it would be carried, and decoded, for nothing
    "JPEG": lambda b: b.endswith(b"\xff\xd9"),
    "PNG": lambda b: b.endswith(b"IEND\xaeB`\x82"),
    "WEBP": lambda b: int.from_bytes(b[4:8], "little") + 8 == len(b),
}
IMAGE_MAX_BYTES = 500_000  # every page that draws it carries it
# Decoded in full by every browser that shows it: a small file can unpack to gigabytes (a decompression
# bomb).  The shipped relief is 360 x 372 px; 4 million pixels is a 2000 x 2000 image.
IMAGE_MAX_PIXELS = 4_000_000


def _image_data_uri(value: Any) -> str | None:
    match = IMAGE_DATA_URI.fullmatch(value) if isinstance(value, str) else None
    if not match:
        return f"must be a base64 data URI of a JPEG, PNG or WebP image, got {str(value)[:60]!r}"
    if len(value) > IMAGE_MAX_BYTES:
        return f"is {len(value):,} bytes: at most {IMAGE_MAX_BYTES:,}"
    try:
        image = base64.b64decode(match["data"], validate=True)
    except binascii.Error:
        return "is not whole base64"
    expected = IMAGE_FORMATS[match["type"]]
    try:  # the header only: Pillow reads the format and size without decoding a pixel
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PIL.Image.DecompressionBombWarning)  # the bound below is tighter
            with PIL.Image.open(io.BytesIO(image), formats=[expected]) as opened:
                width, height = opened.size
    except PIL.Image.DecompressionBombError:
        return f"is an image of far more than {IMAGE_MAX_PIXELS:,} pixels (browsers decode it whole)"
    except (PIL.UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return f"does not hold a {match['type'].upper()} image"
    if width * height > IMAGE_MAX_PIXELS:
        return (
            f"is a {width:,} x {height:,} pixel image: at most {IMAGE_MAX_PIXELS:,} pixels (browsers decode it whole)"
        )
    if not IMAGE_ENDS[expected](image):
        return f"has bytes after the end of its {match['type'].upper()} image"
    return None


def _slug_list(value: Any) -> str | None:
    if not isinstance(value, list) or not all(whole(SLUG, v) for v in value):
        return f"must be a list of slugs, got {str(value)[:60]!r}"
    return None


def _slug_pair(value: Any) -> str | None:
    if _slug_list(value) or len(value) != 2 or value[0] == value[1]:
        return f'must name two different stations, like ["jacobabad", "shikarpur"], got {str(value)[:60]!r}'
    return None


def _text_list(value: Any) -> str | None:
    if not isinstance(value, list) or not value or any(_text(v) for v in value):
        return f"must be a non-empty list of texts, got {str(value)[:60]!r}"
    return None


def _km_posts(value: Any) -> str | None:
    if (
        not isinstance(value, list)
        or not value
        or not all(
            isinstance(p, dict) and set(p) == {"line", "km"} and not _text(p["line"]) and not _number(p["km"], 0, True)
            for p in value
        )
    ):
        return f'must be a list of {{"line": text, "km": number}}, got {str(value)[:60]!r}'
    return None


def _date(value: Any) -> str | None:
    if not whole(DATE, value):
        return f"must be a date written YYYY-MM-DD, got {value!r}"
    try:
        date.fromisoformat(value)
    except ValueError:
        return f"is not a possible date: {value!r}"
    return None


def _lon_lat(value: Any) -> str | None:
    if not (isinstance(value, list) and len(value) == 2) or _first_bad_position([value], AREA_OF_INTEREST):
        return f"must be [longitude, latitude] in Pakistan, got {str(value)[:60]!r}"
    return None


def _site(value: Any) -> str | None:
    return None if isinstance(value, dict) else f"must be an object saying where it happened, got {value!r}"


_VALUE_CHECKS = {
    "slug": _slug,
    "text": _text,
    "urdu_text": _urdu_text,
    "sources": _sources,
    "time": _time,
    "time_precision": _choice(TIME_PRECISIONS),
    "geometry_quality": _choice(GEOMETRY_QUALITIES),
    "figures": _figures,
    "positive_number": lambda v: _number(v, 0, inclusive=False),
    "non_negative_number": lambda v: _number(v, 0, inclusive=True),
    "context_kind": _choice(CONTEXT_KINDS),
    "label_anchors": lambda v: _label_anchors(v),
    "image_data_uri": _image_data_uri,
    "bool": lambda v: None if isinstance(v, bool) else f"must be true or false, got {v!r}",
    "slug_list": _slug_list,
    "slug_pair": _slug_pair,
    "text_list": _text_list,
    "km_posts": _km_posts,
    "stop": _choice(STOP_VALUES),
    "claim_status": _choice(CLAIM_STATUSES),
    "incident_kind": _choice(tuple(INCIDENT_KINDS)),
    "date": _date,
    "lon_lat": _lon_lat,
    "site": _site,
}
