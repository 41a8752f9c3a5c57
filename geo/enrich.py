"""The layers as maps and exports use them: validated, then enriched with what the build works out.

A point without a published km gets one computed by route chainage, marked as computed
(`km_from_quetta_source`), so it is never mistaken for a published km post.
"""

from __future__ import annotations

import functools
from pathlib import Path

from geo import timefmt
from geo.chainage import Route
from geo.contract import LAYER_KINDS
from geo.errors import LayerError, Problem
from geo.fields import STATUS_WORDS, figure_label, figure_value
from geo.jobs import background
from geo.layers import Layers, load_layers
from geo.placement import place_features


def enrich(layers: Layers, route: Route, in_place: bool = False, layers_dir: str | Path = "layers") -> Layers:
    """Place the features that say where they are in words (geo.placement), then add computed chainage to
    point features that do not publish their own.

    A computed value is marked as such (`km_from_quetta_source: computed`) so
    it is never mistaken for a published km post.  The given layers are left
    as they are unless `in_place` (layers just read, which nothing else holds).
    A feature that cannot be placed is a LayerError naming its file (under `layers_dir`).
    """
    # Copies of the properties only: geometries are shared, never changed.
    enriched = (
        layers
        if in_place
        else {
            kind: {**c, "features": [{**f, "properties": dict(f["properties"])} for f in c["features"]]}
            for kind, c in layers.items()
        }
    )
    problems = place_features(enriched, route)
    if problems:
        raise LayerError(
            [
                Problem(str(file_of(kind, feature, Path(layers_dir))), message, None, feature["properties"]["id"])
                for kind, feature, message in problems
            ]
        )
    todo = {  # the points that do not publish their km, by kind
        kind: [
            f
            for f in enriched[kind]["features"]
            if f["geometry"]["type"] == "Point" and "km_from_quetta" not in f["properties"]
        ]
        for kind in enriched
        if kind in LAYER_KINDS and LAYER_KINDS[kind].chainage
    }
    # A year of claims: the line is measured in a forked worker while this process adds up the tolls.
    measuring = functools.partial(measure, route, todo)
    with background(measuring, parallel=sum(map(len, todo.values())) > MEASURED_APART_ABOVE) as measured:
        if "incidents" in enriched and "events" in enriched:
            add_tolls(enriched["incidents"]["features"], enriched["events"]["features"])
        for kind, (kms, offsets) in measured().items():
            for feature, km, offset in zip(todo[kind], kms, offsets):
                feature["properties"]["km_from_quetta"] = km
                feature["properties"]["km_from_quetta_source"] = "computed"
                feature["properties"]["offset_from_route_m"] = offset
    return enriched


MEASURED_APART_ABOVE = 5000  # points; below this a fork costs more than it saves


def measure(route: Route, todo: dict[str, list[dict]]) -> dict[str, tuple[list[float], list[int]]]:
    """(km from Quetta to 0.1 km, offset from the line in whole metres) of each point, by kind."""
    measured = {}
    for kind, features in todo.items():
        if features:
            kms, offsets = route.locate_many(
                [f["geometry"]["coordinates"][0] for f in features], [f["geometry"]["coordinates"][1] for f in features]
            )
            measured[kind] = ([round(km, 1) for km in kms.tolist()], [round(offset) for offset in offsets.tolist()])
    return measured


def load_enriched(layers_dir: str | Path = "layers") -> Layers:
    """The validated layers, placed on the line where they say so in words (geo.placement), with computed
    chainage, as maps and exports use them."""
    layers = load_layers(layers_dir)
    route = Route.from_layers(
        layers, str(Path(layers_dir) / "railway.geojson"), str(Path(layers_dir) / "stations.geojson")
    )
    return enrich(layers, route, in_place=True, layers_dir=layers_dir)


def file_of(kind: str, feature: dict, layers_dir: Path) -> Path:
    """The layer file a feature was read from (an incident's record: its events file)."""
    if kind == "incidents":
        return layers_dir / "events" / f"{feature['properties']['id']}.geojson"
    if LAYER_KINDS[kind].per_incident:
        return layers_dir / kind / f"{feature['properties']['incident']}.geojson"
    return layers_dir / f"{kind}.geojson"


def add_tolls(incidents: list[dict], events: list[dict]) -> None:
    """Each incident's tolls as claimed, one text: every figure its claims give, each with who gave it
    ("injured: 7 (deputy commissioner), 4+ (police); coaches derailed: 4 (...)"), in the claims' time order;
    a claim's status beside its party ("10 (railway officials, overturned)")."""
    by_incident: dict[str, dict[str, dict[str, None]]] = {}  # the claims of each figure: an ordered set
    counted = [event["properties"] for event in events if event["properties"].get("figures")]  # the rest add none
    for props in sorted(counted, key=lambda p: (timefmt.parse(p["time"]), p["id"])):
        tolls = by_incident.setdefault(props["incident"], {})
        status = f", {STATUS_WORDS[props['status']].lower()}" if props.get("status") else ""  # overturned, ...
        for key, value in props["figures"].items():
            claim = f"{figure_value(key, value)} ({props['claimed_by']}{status})"
            tolls.setdefault(figure_label(key), {})[claim] = None
    for incident in incidents:
        tolls = by_incident.get(incident["properties"]["id"], {})
        if tolls:
            incident["properties"]["tolls"] = "; ".join(f"{label}: {', '.join(c)}" for label, c in tolls.items())
