"""Load the layer files of a layers directory, validated."""

from __future__ import annotations

from pathlib import Path

from geo.contract import AREA_OF_INTEREST, LAYER_KINDS
from geo.errors import LayerError, Problem
from geo.shapes import shape_of  # noqa: F401  (part of the layer API)
from geo.validate import Bbox, errors_only, validate_file

Layers = dict[str, dict]  # layer kind -> GeoJSON FeatureCollection


def load_layer(path: str | Path, bbox: Bbox = AREA_OF_INTEREST) -> dict:
    """Read one layer file; raise `LayerError` listing every problem in it."""
    collection, problems = validate_file(path, bbox)
    if errors_only(problems):
        raise LayerError(errors_only(problems))
    return collection


def load_layers(directory: str | Path = "layers", kinds=tuple(LAYER_KINDS), bbox: Bbox = AREA_OF_INTEREST) -> Layers:
    """Read and validate `<directory>/<kind>.geojson` for each kind.

    Every file is checked before anything is raised, so the error lists the
    problems of all of them at once.
    """
    directory = Path(directory)
    layers: Layers = {}
    problems: list[Problem] = []
    for kind in kinds:
        if LAYER_KINDS[kind].optional_file and not (directory / f"{kind}.geojson").exists():
            continue
        collection, found = validate_file(directory / f"{kind}.geojson", bbox)
        problems += errors_only(found)
        if collection is not None:
            layers[kind] = collection
    if problems:
        raise LayerError(problems)
    return layers

