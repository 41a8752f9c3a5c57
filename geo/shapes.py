"""Shapely geometries of layer features, made once per geometry.

Validation, map composition and exports all need the shapely form of the
same geometries; this keeps one per GeoJSON geometry dict.
"""

from __future__ import annotations

import shapely.geometry

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
