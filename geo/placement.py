"""Placing claims, staging points and incident sites on the line by what reports say.

Reports say "at Sibi station", "near km 320", "between Jacobabad and Shikarpur" or "1 km from Sultan
Kot station"; a feature says the same with placement keys and no geometry, and the build works out
the point:

    place = "sibi"                              at a place (a station, tunnel, staging point or place
                                                off the line: `geo places` lists them)
    place_km = 320                              on the line at a km from Quetta, as reported
    place_between = ["jacobabad", "shikarpur"]  somewhere between two stations: the middle, ± half
    place = "sultan-kot", place_offset_km = 1   that far along the line from a place, side unknown
      (+ place_towards = "jacobabad")           ... or towards a station, when the report says which way

Each sets `km_from_quetta`, `position_accuracy_m` and `position_basis` (what the position rests on,
in words).  An accuracy a person entered is never narrowed: the larger of theirs and the derived one
is kept.  Given coordinates are kept as given; `geo check` says when they disagree with the place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.chainage import GEOD, Route
from geo.contract import LAYER_KINDS, is_placed_on_the_line
from geo.layers import Layers

KM_AS_REPORTED_M = 500  # a km post as reported is rounded to the km: half a km either way


class PlacementError(ValueError):
    """A placement the layers cannot resolve; the message says which key and why."""


@dataclass(frozen=True)
class Place:
    """Something a feature can name as its `place`."""

    id: str
    name: str
    kind: str  # the layer kind it comes from
    lon: float
    lat: float
    accuracy_m: float
    km: float | None  # from Quetta along the line, where the place is on it
    basis: str | None = None  # where the place's own position comes from

    @property
    def searchable(self) -> str:
        return f"{self.id} {self.name}".casefold()


@dataclass(frozen=True)
class Placed:
    lon: float
    lat: float
    km: float | None
    accuracy_m: float
    basis: str  # what the position rests on, in a sentence
    label: str = ""  # where, in a few words: "Sultan Kot", "1 km from Sultan Kot", "km 320"


def place_index(layers: Layers, kinds: tuple[str, ...] | None = None) -> dict[str, Place]:
    """Every point of the place kinds (stations, tunnels drawn as points, staging points, places), by id."""
    found: dict[str, Place] = {}
    for kind in kinds or tuple(k for k, spec in LAYER_KINDS.items() if spec.place):
        for feature in layers.get(kind, {"features": []})["features"]:
            geometry, props = feature.get("geometry"), feature["properties"]
            if not geometry or geometry["type"] != "Point":
                continue  # a tunnel drawn as a stretch of line is somewhere along it: not a position
            lon, lat = geometry["coordinates"][:2]
            km = props.get("km_from_quetta")
            accuracy = float(props.get("position_accuracy_m", 0))
            basis = props.get("position_basis")
            found[props["id"]] = Place(props["id"], props["name"], kind, lon, lat, accuracy, km, basis)
    return found


def locate(props: dict, places: dict[str, Place], route: Route) -> Placed:
    """Where a feature's placement keys put it (raises `PlacementError` naming the key at fault)."""
    if "place_km" in props:
        return at_km(float(props["place_km"]), route, f"km {props['place_km']:g} from Quetta as reported", places)
    if "place_between" in props:
        return between(props["place_between"], places, route)
    place = known(props.get("place"), places, "place")
    if "place_offset_km" in props:
        return offset_from(place, float(props["place_offset_km"]), props.get("place_towards"), places, route)
    if "place_towards" in props:
        raise PlacementError("place_towards needs place_offset_km: how far from the place, towards that station")
    own = f"; {place.name}'s position: {place.basis}" if place.basis else ""
    basis = f"at {place.name} (place {place.id}){own}"
    return Placed(place.lon, place.lat, place.km, place.accuracy_m, basis, place.name)


def known(place_id, places: dict[str, Place], key: str) -> Place:
    if place_id not in places:
        from difflib import get_close_matches

        close = get_close_matches(str(place_id), list(places), n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else "; `geo places WORDS` finds one"
        raise PlacementError(f"{key} {place_id!r} is not a place id{hint}")
    return places[place_id]


def on_the_line(place: Place, key: str) -> float:
    """A place's km, for measuring along the line from it: only stations and tunnels are on the line (a
    town or staging point beside it has a km of the nearest point of the line, but is not on it)."""
    if place.km is None or place.kind not in ("stations", "tunnels"):
        raise PlacementError(f"{key} {place.id!r} is off the line: measure from a station or tunnel")
    return float(place.km)


def stations_either_side(route: Route, km: float) -> tuple[str, str]:
    """The stations before and after a km; before the first, the line's origin (the station km are counted
    from, in the data: Quetta on this line)."""
    before = [p for p in route.posts if p.km <= km] or route.posts[:1]
    after = [p for p in route.posts if p.km > km]
    return (before[-1].name if before else "the start of the line"), (after[0].name if after else "the end of the line")


def line_accuracy(route: Route, km: float, stations: dict[str, Place]) -> float:
    """How far the drawn line may be from the track at a km: the position accuracy of the stations either
    side, whose positions calibrate the line there."""
    names = set(stations_either_side(route, km))
    return max((p.accuracy_m for p in stations.values() if p.name in names and p.kind == "stations"), default=0.0)


def at_km(km: float, route: Route, said: str, places: dict[str, Place], extra_m: float = KM_AS_REPORTED_M) -> Placed:
    first, last = route.posts[0].km, route.posts[-1].km
    if not first <= km <= last:
        raise PlacementError(f"place_km {km:g} is off the line, which runs from km {first:g} to km {last:g}")
    lon, lat = route.point_at(km)
    previous, following = stations_either_side(route, km)
    accuracy = extra_m + line_accuracy(route, km, places)
    basis = f"{said}: on the line between {previous} and {following}"
    return Placed(lon, lat, round(km, 1), accuracy, basis, f"km {km:g} from Quetta")


def between(ids, places: dict[str, Place], route: Route) -> Placed:
    if not (isinstance(ids, list) and len(ids) == 2):
        raise PlacementError('place_between must name two stations, like ["jacobabad", "shikarpur"]')
    ends = sorted((known(i, places, "place_between") for i in ids), key=lambda p: p.km if p.km is not None else -1)
    near, far = (on_the_line(p, "place_between") for p in ends)
    middle = (near + far) / 2
    half_m = (far - near) / 2 * 1000
    lon, lat = route.point_at(middle)
    accuracy = half_m + max(p.accuracy_m for p in ends)
    basis = (
        f"between {ends[0].name} (km {near:g}) and {ends[1].name} (km {far:g}) as reported: drawn midway, "
        f"anywhere within ± {half_m / 1000:g} km of it"
    )
    return Placed(lon, lat, round(middle, 1), accuracy, basis, f"between {ends[0].name} and {ends[1].name}")


def offset_from(place: Place, offset_km: float, towards, places: dict[str, Place], route: Route) -> Placed:
    start = on_the_line(place, "place")
    if towards is None:  # the side is not known: at the place, as uncertain as the distance
        return Placed(
            place.lon,
            place.lat,
            round(start, 1),
            offset_km * 1000 + place.accuracy_m,
            f"{offset_km:g} km from {place.name} as reported, side not reported: drawn at {place.name}, "
            f"anywhere within ± {offset_km:g} km of it",
            f"{offset_km:g} km from {place.name}",
        )
    target = on_the_line(known(towards, places, "place_towards"), "place_towards")
    km = start + math.copysign(offset_km, target - start)
    said = f"{offset_km:g} km from {place.name} towards {places[towards].name} as reported"
    placed = at_km(km, route, said, places, extra_m=place.accuracy_m)
    return Placed(
        placed.lon, placed.lat, placed.km, placed.accuracy_m, placed.basis, f"{offset_km:g} km from {place.name}"
    )


def place_features(layers: Layers, route: Route) -> list[tuple[str, dict, str]]:
    """Give every feature placed by keys a point, km, accuracy and basis, in place.  Staging points first
    (claims may name them), then claims.  Returns (kind, feature, message) for each that cannot be placed."""
    problems = []
    for kind in ("staging", "events", "incidents"):
        if kind not in layers:
            continue
        places = place_index(layers)
        for feature in layers[kind]["features"]:
            props = feature["properties"]
            if not is_placed_on_the_line(props):
                continue
            try:
                placed = locate(props, places, route)
            except PlacementError as exc:
                problems.append((kind, feature, str(exc)))
                continue
            if disagreement := disagrees(feature, placed):
                problems.append((kind, feature, disagreement))
                continue
            apply(feature, placed)
            if kind == "incidents":  # the site's name, where the record does not give one
                props.setdefault("site_name", placed.label)
    return problems


def apply(feature: dict, placed: Placed) -> None:
    """A placed feature's point (unless it gives its own), km, accuracy (never narrower than entered) and basis."""
    props = feature["properties"]
    if not feature.get("geometry"):
        feature["geometry"] = {"type": "Point", "coordinates": [round(placed.lon, 6), round(placed.lat, 6)]}
        if placed.km is not None:  # a place off the line is measured like any point (geo.enrich)
            props["km_from_quetta"] = placed.km
        props.setdefault("position_basis", placed.basis)
    entered = props.get("position_accuracy_m", 0)
    props["position_accuracy_m"] = round(max(entered, placed.accuracy_m))


def disagrees(feature: dict, placed: Placed) -> str | None:
    """Given coordinates further from the placed point than either accuracy allows: one of them is wrong."""
    if not feature.get("geometry"):
        return None
    given = feature["geometry"]["coordinates"][:2]
    off = distance_m(given, (placed.lon, placed.lat))
    allowed = max(feature["properties"].get("position_accuracy_m", 0), placed.accuracy_m)
    if off <= allowed:
        return None
    return (
        f"its coordinates are {off / 1000:,.1f} km from where its placement puts it ({placed.basis}), beyond "
        f"its accuracy of ± {allowed / 1000:g} km: correct the coordinates or the placement, or drop the "
        "coordinates and let the placement give the point"
    )


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]
