"""GeoJSON (RFC 7946): one file per layer, WGS84, no `crs`, right-hand rule, 6 decimals.

`rfc7946_layers` also prepares the geometries every other writer starts from.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.contract import LAYER_KINDS
from geo.errors import GeoError
from geo.jsonscript import compact_json_bytes
from geo.layers import Layers

DECIMALS = 6  # RFC 7946 suggests 6: about 0.1 m


def rfc7946_geometry(geometry: dict) -> dict:
    """Counter-clockwise exterior rings, clockwise holes, coordinates to 6 decimals."""
    if geometry["type"] == "Point":  # most features: no shapely round trip
        return {"type": "Point", "coordinates": [round(c, DECIMALS) for c in geometry["coordinates"][:2]]}
    geom = shapely.orient_polygons(shape(geometry), exterior_cw=False)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return json.loads(shapely.to_geojson(geom))


def rfc7946_layers(layers: Layers) -> Layers:
    """The layers with RFC 7946 geometries: computed once, shared by every writer.

    Base-map layers (`LayerKind.exported` false: the context under the maps) are left out.
    """
    return {
        kind: {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": f["properties"], "geometry": rfc7946_geometry(f["geometry"])}
                for f in collection["features"]
            ],
        }
        for kind, collection in layers.items()
        if kind not in LAYER_KINDS or LAYER_KINDS[kind].exported
    }


def write_geojson(layers: Layers, path: Path) -> list[Path]:
    """One RFC 7946 file per layer in directory `path` (or one file when a single layer goes to a .geojson path)."""
    if path.suffix == ".geojson":
        if len(layers) != 1:
            raise GeoError(f"{path}: a single .geojson file holds one layer; give a directory for {len(layers)}")
        targets = {next(iter(layers)): path}
    else:
        path.mkdir(parents=True, exist_ok=True)
        targets = {kind: path / f"{kind}.geojson" for kind in layers}
    for kind, target in targets.items():
        with target.open("wb") as file:  # orjson's bytes as they are: a year of claims is 80 MB
            file.write(compact_json_bytes(layers[kind]))
            file.write(b"\n")
    return list(targets.values())
