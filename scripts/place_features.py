"""Put staging points and events where their `place` is, and measure the tunnels.

Staging points and events name the feature they happened at (`place`: the id of
a station, tunnel or staging point) instead of repeating its coordinates, so
when a station's position improves everything that happened there moves with
it.  This script copies each place's position (and its accuracy, unless the
feature states its own) and computes each tunnel's km from Quetta by route
chainage.  `make data` runs it after scripts/derive_route.py.

Run: ``python scripts/place_features.py [LAYERS_DIR]``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.chainage import Route  # noqa: E402


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, collection: dict) -> None:
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def measure_tunnels(tunnels: dict, route: Route) -> None:
    for feature in tunnels["features"]:
        where = route.locate(*feature["geometry"]["coordinates"][:2])
        props = feature["properties"]
        props["km_from_quetta"] = round(where.km_from_quetta, 1)
        props["km_from_quetta_basis"] = ("computed by route chainage from the reported position; "
                                         "uncertain by about the position's accuracy")


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
    measure_tunnels(tunnels, route)
    write(layers / "tunnels.geojson", tunnels)

    places = {f["properties"]["id"]: f for f in stations["features"] + tunnels["features"]}
    staging = read(layers / "staging.geojson")
    place(staging, places, layers / "staging.geojson")
    write(layers / "staging.geojson", staging)

    places.update({f["properties"]["id"]: f for f in staging["features"]})
    events = read(layers / "events.geojson")
    place(events, places, layers / "events.geojson")
    write(layers / "events.geojson", events)
    print(f"{layers}: placed {len(staging['features'])} staging points and {len(events['features'])} events")


if __name__ == "__main__":
    main(*sys.argv[1:])
