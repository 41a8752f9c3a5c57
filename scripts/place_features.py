"""Place and measure the tunnels (`make data`, after scripts/derive_route.py).

* a tunnel with a coordinate from a source stays that Point; its km from Quetta
  is computed by route chainage, and its `km_uncertainty` adds the point's own
  accuracy to that of the stations either side, whose positions calibrate the
  chainage there (an interpolated station may be 8-15 km off);
* a tunnel a source places only between two stations (`between_stations`) is
  drawn as the whole stretch of line between them, a LineString from the one
  station's published km to the other's: the tunnel is somewhere on it;
* a tunnel a source places only at a distance from a station, without saying
  on which side (`near_station`, `distance_from_station_km`), is drawn as the
  stretch of line that distance either side of the station's published km.

Claims, staging points and incident sites that say where they are in words
(`place`, `place_km`, `place_between`) are placed by the build (geo.placement),
not here: their files are the editors' own.

Run: ``python scripts/place_features.py [LAYERS_DIR]``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from derived import refuse_hand_edits, with_record  # noqa: E402  (scripts/ is on the path when run)

from geo.chainage import Route  # noqa: E402


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_all(files: list[tuple[Path, dict, object, str]]) -> None:
    """Write files whose derived values are recorded, after checking that none holds a hand edit:
    (path, collection, what is derived per feature, where an edit belongs).  All are checked first,
    so a refusal writes nothing."""
    for path, collection, values_of, belongs in files:
        refuse_hand_edits(path, values_of, belongs, fresh=collection["features"])
    for path, collection, values_of, _ in files:
        text = json.dumps(with_record(collection, values_of), ensure_ascii=False, indent=1)
        path.write_text(text + "\n", encoding="utf-8")


def tunnel_values(feature: dict):
    """What measuring derives for a tunnel: its km, their basis and uncertainty, a stretch's line."""
    props = feature["properties"]
    derived = {
        k: props.get(k)
        for k in (
            "km_from_quetta",
            "km_from_quetta_start",
            "km_from_quetta_end",
            "km_uncertainty",
            "km_from_quetta_basis",
        )
    }
    if feature["geometry"]["type"] != "Point":
        derived.update(geometry=feature["geometry"], accuracy=props.get("position_accuracy_m"))
    return derived


TUNNEL_BELONGS = (
    "a tunnel's km, and a stretch's line and accuracy, come from its stations (between_stations, "
    "near_station) and scripts/data/route.toml"
)


def measure_tunnels(tunnels: dict, route: Route, stations: dict[str, dict]) -> None:
    for feature in tunnels["features"]:
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point":
            measure_point_tunnel(feature, route, stations)
        elif "near_station" in feature["properties"]:
            draw_near_station_tunnel(feature, route, stations)
        else:
            draw_stretch_tunnel(feature, route, stations)


def measure_point_tunnel(feature: dict, route: Route, stations: dict[str, dict]) -> None:
    props = feature["properties"]
    where = route.locate(*feature["geometry"]["coordinates"][:2])
    by_name = {s["properties"]["name"]: s["properties"] for s in stations.values()}
    either_side = [by_name[n] for n in (where.previous_station, where.next_station) if n in by_name]
    station_m = max(s.get("position_accuracy_m", 0) for s in either_side)
    own_m = props.get("position_accuracy_m", 0)
    props["km_from_quetta"] = round(where.km_from_quetta, 1)
    props["km_uncertainty"] = round((own_m + station_m) / 1000, 1)
    names = " and ".join(s["name"] for s in either_side)
    props["km_from_quetta_basis"] = (
        f"computed by route chainage from the reported point, between the km posts of {names}; "
        f"uncertain by ± {props['km_uncertainty']:g} km: the point's own ± {own_m / 1000:g} km plus "
        f"± {station_m / 1000:g} km for the positions of {names}, which calibrate the chainage here "
        "(added, not combined in quadrature, as the errors need not be independent)"
    )


def draw_near_station_tunnel(feature: dict, route: Route, stations: dict[str, dict]) -> None:
    props = feature["properties"]
    station = stations[props["near_station"]]["properties"]
    reach = props["distance_from_station_km"]
    near_km, far_km = station["km_from_quetta"] - reach, station["km_from_quetta"] + reach
    feature["geometry"] = stretch(route, near_km, far_km)
    props["km_from_quetta_start"] = round(near_km, 1)
    props["km_from_quetta_end"] = round(far_km, 1)
    props["position_accuracy_m"] = station["position_accuracy_m"]
    props["km_from_quetta_basis"] = (
        f"{reach:g} km either side of the published km of {station['name']} ({station['km_from_quetta']:g}): "
        "the source gives the distance from the station but not the side"
    )


def stretch(route: Route, near_km: float, far_km: float) -> dict:
    """The route line from one km from Quetta to another, as a GeoJSON LineString."""
    line = route.line
    lons, lats = zip(*[c[:2] for c in line.coords])
    kms, _ = route.locate_many(lons, lats)
    inside = [(round(lon, 6), round(lat, 6)) for lon, lat, km in zip(lons, lats, kms) if near_km < km < far_km]
    coords = [route.point_at(near_km), *inside, route.point_at(far_km)]
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def draw_stretch_tunnel(feature: dict, route: Route, stations: dict[str, dict]) -> None:
    props = feature["properties"]
    ends = [stations[i]["properties"] for i in props["between_stations"]]
    (near_km, far_km) = sorted(s["km_from_quetta"] for s in ends)
    feature["geometry"] = stretch(route, near_km, far_km)
    props["km_from_quetta_start"] = near_km
    props["km_from_quetta_end"] = far_km
    props["position_accuracy_m"] = max(s["position_accuracy_m"] for s in ends)
    names = " and ".join(s["name"] for s in sorted(ends, key=lambda s: s["km_from_quetta"]))
    props["km_from_quetta_basis"] = (
        f"the published km of {names}; the source gives no finer place, so the tunnel may be anywhere between them"
    )


def main(layers_dir: str = "layers") -> None:
    layers = Path(layers_dir)
    stations, tunnels = read(layers / "stations.geojson"), read(layers / "tunnels.geojson")
    route = Route.from_files(layers / "railway.geojson", layers / "stations.geojson")
    measure_tunnels(tunnels, route, {f["properties"]["id"]: f for f in stations["features"]})
    write_all([(layers / "tunnels.geojson", tunnels, tunnel_values, TUNNEL_BELONGS)])
    print(f"{layers}: measured {len(tunnels['features'])} tunnels")


if __name__ == "__main__":
    main(*sys.argv[1:])
