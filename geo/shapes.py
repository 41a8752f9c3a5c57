"""Shapely geometries of layer features, made once per geometry.

Validation, map composition and exports all need the shapely form of the
same geometries; this keeps one per GeoJSON geometry dict.
"""

from __future__ import annotations

import numpy as np
import shapely
import shapely.geometry
import shapely.ops

LABEL_CELL_DEG = 3.0  # one name position per cell of this size that the area mostly fills
LABEL_CELL_FILL = 0.4
# A story's areas are seen closer than the base map's: a finer grid, so a province the view shows
# only a corner of still has a name position in view.
STORY_LABEL_CELL_DEG = 1.0
LABEL_DECIMALS = 2  # about 1 km

_SHAPES: dict[int, tuple[dict, object]] = {}


def shape_of(feature: dict):
    """The feature's geometry as a shapely object, made once per geometry dict."""
    geometry = feature["geometry"]
    cached = _SHAPES.get(id(geometry))
    if cached is None or cached[0] is not geometry:
        cached = _SHAPES[id(geometry)] = (geometry, shapely.geometry.shape(geometry))
    return cached[1]


def forget_shapes() -> None:
    """Drop the cache (each build starts afresh, so a long-running process does not grow)."""
    _SHAPES.clear()


def label_anchors(area, cell_deg: float = LABEL_CELL_DEG) -> list[list[float]]:
    """Where the name of `area` can go: its pole of inaccessibility, then one per grid cell (of `cell_deg`
    degrees) it mostly fills."""

    def pole(geom):
        biggest = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        p = shapely.ops.polylabel(biggest, tolerance=0.02)
        return [round(p.x, LABEL_DECIMALS), round(p.y, LABEL_DECIMALS)]

    anchors = [pole(area)]
    west, south, east, north = (round(v) for v in area.bounds)
    y = south
    while y < north:
        x = west
        while x < east:
            cell = shapely.box(x, y, x + cell_deg, y + cell_deg)
            part = area.intersection(cell)
            if not part.is_empty and part.area >= LABEL_CELL_FILL * cell.area:
                candidate = pole(part.buffer(0))
                if candidate not in anchors:
                    anchors.append(candidate)
            x += cell_deg
        y += cell_deg
    return anchors


def story_label_anchors(area) -> list[list[float]]:
    """`label_anchors` on the finer grid, the roomiest first (farthest from the area's edge): the page
    names an area at the first of them in view and clear of other labels."""
    anchors = label_anchors(area, STORY_LABEL_CELL_DEG)
    edge = area.boundary
    return sorted(anchors, key=lambda at: -edge.distance(shapely.Point(at)))


def mercator_y(lat):
    """Web Mercator's y of a latitude in degrees (of a sphere of radius 1; numbers or arrays)."""
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def mercator_lat(y):
    """The latitude in degrees of a Web Mercator y (the inverse of `mercator_y`)."""
    return np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2)


def features_bounds(features: list[dict]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the features, as Leaflet takes bounds."""
    if not features:
        return None
    if all(f["geometry"]["type"] == "Point" for f in features):
        xy = np.array([f["geometry"]["coordinates"][:2] for f in features], dtype=float)
        (minx, miny), (maxx, maxy) = xy.min(axis=0), xy.max(axis=0)
    else:
        minx, miny, maxx, maxy = shapely.total_bounds([shape_of(f) for f in features])
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]
