"""`geo check`: the layers and the recipes together, before anything is built.

Validation (geo.validate) checks each layer file alone and geo.recipe each
recipe alone.  What only shows when they meet is checked here: a popup,
tooltip or label field no feature of that layer has, a filter or incident
that selects nothing, an id in a recipe that no feature has, an event at a
place that does not exist, a figure a table names that no claim counts.
`geo build` runs the same checks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from geo.compose import select
from geo.contract import COMMON_OPTIONAL, COMMON_REQUIRED, FIGURES, LAYER_KINDS, figure_base, layer_files
from geo.errors import GeoError
from geo.layers import Layers
from geo.recipe import Layer, Recipe

# Properties the build adds to every point of these kinds (geo.build.enrich), and the pseudo-field of popups.
COMPUTED = {"km_from_quetta", "km_from_quetta_source", "offset_from_route_m"}
POPUP_ONLY = {"sources"}


@dataclass(frozen=True)
class Finding:
    where: str  # file, and the key or feature in it
    message: str
    warning: bool = False

    def __str__(self) -> str:
        return ("warning: " if self.warning else "") + f"{self.where}: {self.message}"


class CheckError(GeoError):
    """Layers and recipes that do not fit together; one line per finding."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(map(str, findings)))

    def __reduce__(self):
        return (type(self), (self.findings,))


def check_all(layers: Layers, recipes: list[Recipe], layers_dir: str | Path) -> list[Finding]:
    """Every finding, errors and warnings; raise CheckError when there is an error."""
    findings = list(check_places(layers, Path(layers_dir)))
    # What every recipe is checked against, worked out once (a year of claims is a lot of features).
    fields = {
        kind: known_fields(kind, collection["features"]) for kind, collection in layers.items() if kind in LAYER_KINDS
    }
    incidents = {
        f["properties"]["incident"]
        for kind, collection in layers.items()
        if kind in LAYER_KINDS and LAYER_KINDS[kind].has_incident
        for f in collection["features"]
    }
    for recipe in recipes:
        findings += check_recipe(recipe, layers, fields, incidents)
    if any(not f.warning for f in findings):
        raise CheckError(findings)
    return findings


def check_places(layers: Layers, layers_dir: Path) -> list[Finding]:
    """Every `place` names a station, tunnel or staging point drawn as a point (a tunnel drawn as a stretch
    of line is somewhere along it: not a position)."""
    places = {
        f["properties"]["id"]
        for kind, collection in layers.items()
        if kind in LAYER_KINDS and LAYER_KINDS[kind].place
        for f in collection["features"]
        if f["geometry"]["type"] == "Point"
    }
    findings = []
    for kind in ("staging", "events"):
        files = {path.stem: path for path in layer_files(layers_dir, LAYER_KINDS[kind])}
        for feature in layers.get(kind, {"features": []})["features"]:
            props = feature["properties"]
            if "place" in props and props["place"] not in places:
                path = files.get(props.get("incident"), files.get(kind, layers_dir / f"{kind}.geojson"))
                findings.append(
                    Finding(
                        f"{path}: feature {props['id']!r}",
                        f"place {props['place']!r} is not the id of a station, tunnel or staging "
                        "point drawn as a point (docs/EDITING.md lists the place ids)",
                    )
                )
    return findings


def known_fields(kind: str, features: list[dict]) -> set[str]:
    """The properties a layer kind can show: what the contract declares, the build adds, and the data holds."""
    declared = {*COMMON_REQUIRED, *COMMON_OPTIONAL, *LAYER_KINDS[kind].required, *LAYER_KINDS[kind].optional}
    held = {name for f in features for name in f["properties"]}
    return declared | held | COMPUTED | POPUP_ONLY


def check_recipe(recipe: Recipe, layers: Layers, fields: dict[str, set[str]], incidents: set[str]) -> list[Finding]:
    findings = []
    if recipe.incident is not None:
        if recipe.incident not in incidents:
            findings.append(
                Finding(
                    f"{recipe.path}: incident",
                    f"no events or staging points belong to "
                    f"{recipe.incident!r}; known incidents: {', '.join(sorted(incidents))}",
                )
            )
    for index, spec in enumerate(recipe.layer):
        findings += check_layer(recipe, index, spec, layers, fields[spec.source])
    if recipe.timeline:
        counted = {figure_base(key) for f in layers["events"]["features"] for key in f["properties"].get("figures", {})}
        for label, keys in recipe.timeline.disputed.items():
            for key in keys:
                if figure_base(key) not in FIGURES and figure_base(key) not in counted:
                    findings.append(
                        Finding(
                            f"{recipe.path}: [timeline] disputed {label!r}",
                            f"unknown figure {key!r}; docs/EDITING.md lists the figure names",
                        )
                    )
    return findings


def check_layer(recipe: Recipe, index: int, spec: Layer, layers: Layers, fields: set[str]) -> list[Finding]:
    where = f"{recipe.path}: [[layer]] {index + 1} ({spec.name!r})"
    everything = layers[spec.source]["features"]
    chosen = select(everything, spec, recipe.incident)
    if not chosen:
        return [
            Finding(
                where,
                f"its filters (incident, where, exclude, range) select none of the "
                f"{len(everything)} features of {spec.source}",
            )
        ]
    findings = []
    for key in ("popup", "tooltip", "label"):
        for name in getattr(spec, key):
            if name not in fields:
                findings.append(
                    Finding(
                        f"{where} {key}",
                        f"unknown field {name!r}: no {spec.source} feature has "
                        "it and the data contract does not declare it",
                    )
                )
    filters = {**spec.where, **spec.exclude, **spec.range}
    for name in filters:
        if name not in fields:
            findings.append(Finding(f"{where} where/exclude/range", f"unknown property {name!r}"))
    ids = {f["properties"]["id"] for f in everything}
    named = [("label_ids", spec.label_ids or []), ("emphasis.ids", spec.emphasis.ids if spec.emphasis else [])]
    for key, wanted in named:
        for fid in wanted:
            if fid not in ids:
                findings.append(Finding(f"{where} {key}", f"no {spec.source} feature has the id {fid!r}"))
    if spec.style_by:
        findings += check_classes(where, spec, chosen)
    return findings


def check_classes(where: str, spec: Layer, chosen: list[dict]) -> list[Finding]:
    """A class value no drawn feature has is probably a typo; it may also be a claimant of another incident."""
    present = {str(f["properties"].get(spec.style_by.property)) for f in chosen}
    return [
        Finding(
            f"{where} style_by",
            f"class {cls.label!r}: no feature drawn has {spec.style_by.property} = {value!r}",
            warning=True,
        )
        for cls in spec.style_by.classes
        for value in cls.values
        if value not in present
    ]
