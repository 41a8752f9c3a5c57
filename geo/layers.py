"""Load the layer files of a layers directory, validated."""

from __future__ import annotations

from pathlib import Path

from geo.contract import AREA_OF_INTEREST, LAYER_KINDS, layer_files
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
    """Read and validate each kind's files (`<kind>.geojson`, or `<kind>/<incident>.geojson`).

    Every file is checked before anything is raised, so the error lists the
    problems of all of them at once.  A kind kept per incident becomes one
    collection of every incident's features, ids unique across the files.
    """
    directory = Path(directory)
    layers: Layers = {}
    problems: list[Problem] = []
    for name in kinds:
        kind = LAYER_KINDS[name]
        paths = layer_files(directory, kind)
        if kind.optional_file and not any(path.exists() for path in paths):
            continue
        if not paths:
            problems.append(
                Problem(
                    str(directory / name),
                    f"no {name} files: put each incident's {name} in {directory / name}/<incident>.geojson",
                )
            )
        collections = []
        for path in paths:
            collection, found = validate_file(path, bbox)
            problems += errors_only(found)
            collections.append((path, collection))
        if all(c is not None for _, c in collections) and collections:
            layers[name], clashes = merged(collections)
            problems += clashes
    if problems:
        raise LayerError(problems)
    return layers


def merged(collections: list[tuple[Path, dict]]) -> tuple[dict, list[Problem]]:
    """One FeatureCollection of several files' features; an id used in two files is a problem."""
    if len(collections) == 1:
        return collections[0][1], []
    first_file: dict[str, Path] = {}
    problems = []
    for path, collection in collections:
        for index, feature in enumerate(collection["features"]):
            fid = feature["properties"]["id"]
            if fid in first_file:
                problems.append(Problem(str(path), f"id {fid!r} is already used in {first_file[fid]}", index, fid))
            first_file.setdefault(fid, path)
    features = [f for _, collection in collections for f in collection["features"]]
    return {"type": "FeatureCollection", "features": features}, problems
