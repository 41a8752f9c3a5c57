"""Put staging points and events where their `place` is, and place and measure the tunnels.

Staging points and events name the feature they happened at (`place`: the id of
a station, tunnel or staging point) instead of repeating its coordinates, so
when a station's position improves everything that happened there moves with
it.  This script copies each place's position (and its accuracy, unless the
feature states its own) and places the tunnels:

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

`make data` runs it after scripts/derive_route.py.

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
from geo.contract import LAYER_KINDS, layer_files  # noqa: E402


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


def placed_values(feature: dict):
    """What placing derives: the position and its accuracy, for features that name a `place`."""
    props = feature["properties"]
    return {"geometry": feature["geometry"], "accuracy": props.get("position_accuracy_m")} if "place" in props else None


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


PLACED_BELONGS = (
    "a placed feature's position comes from its `place`; to change it, change `place` (or drop "
    "`place` and give your own coordinates), and put a wider uncertainty in `place_spread_m`"
)
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


def place(collection: dict, places: dict[str, dict], path: Path) -> None:
    for index, feature in enumerate(collection["features"]):
        props = feature["properties"]
        if "place" not in props:
            continue
        target = places.get(props["place"])
        if target is None:
            raise SystemExit(f"{path}: feature {index} ({props['id']}): unknown place {props['place']!r}")
        feature["geometry"] = {"type": "Point", "coordinates": list(target["geometry"]["coordinates"])}
        # A feature is as uncertain as its place, or more where it spreads
        # beyond the place's point (`place_spread_m`: the hospitals of a city).
        accuracy = target["properties"].get("position_accuracy_m", 0)
        props["position_accuracy_m"] = max(accuracy, props.get("place_spread_m", 0))


def main(layers_dir: str = "layers") -> None:
    layers = Path(layers_dir)
    stations, tunnels = read(layers / "stations.geojson"), read(layers / "tunnels.geojson")
    route = Route.from_files(layers / "railway.geojson", layers / "stations.geojson")
    measure_tunnels(tunnels, route, {f["properties"]["id"]: f for f in stations["features"]})
    files = [(layers / "tunnels.geojson", tunnels, tunnel_values, TUNNEL_BELONGS)]

    # Only points can be places: a tunnel drawn as a stretch of line is not a position.
    places = {
        f["properties"]["id"]: f for f in stations["features"] + tunnels["features"] if f["geometry"]["type"] == "Point"
    }
    staging = read(layers / "staging.geojson")
    place(staging, places, layers / "staging.geojson")
    files.append((layers / "staging.geojson", staging, placed_values, PLACED_BELONGS))

    places.update({f["properties"]["id"]: f for f in staging["features"]})
    placed = 0
    for path in layer_files(layers, LAYER_KINDS["events"]):  # one file per incident
        events = read(path)
        place(events, places, path)
        files.append((path, events, placed_values, PLACED_BELONGS))
        placed += len(events["features"])
    write_all(files)
    print(f"{layers}: placed {len(staging['features'])} staging points and {placed} events")


if __name__ == "__main__":
    main(*sys.argv[1:])
