"""Load the layer files of a layers directory, validated."""

from __future__ import annotations

from pathlib import Path

from geo.contract import AREA_OF_INTEREST, LAYER_KINDS, PLACEMENT, layer_files
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
        if kind.records:
            continue
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
            if kind.per_incident and "incidents" in LAYER_KINDS:
                layers["incidents"] = incident_features(collections)
    if problems:
        raise LayerError(problems)
    return layers


def incident_features(collections: list[tuple[Path, dict]]) -> dict:
    """The `incidents` layer: each events file's own record as a feature at its site (placed by the build)."""
    features = []
    for path, collection in collections:
        record = collection["incident"]
        site = record["site"]
        props = {
            "id": path.stem,
            "name": record["title"],
            "date": record["date"],
            **({"end_date": record["end_date"]} if "end_date" in record else {}),
            "kind": record["kind"],
            "summary": record["summary"],
            **({"site_name": site["name"]} if site.get("name") else {}),
            **{key: site[key] for key in PLACEMENT if key in site},
            **{key: site[key] for key in ("position_accuracy_m", "position_basis") if key in site},
            "claims": len(collection["features"]),
            **({"notes": record["notes"]} if "notes" in record else {}),
            "sources": record["sources"],
        }
        geometry = {"type": "Point", "coordinates": site["coordinates"]} if "coordinates" in site else None
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    return {"type": "FeatureCollection", "features": features}


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
