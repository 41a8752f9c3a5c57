"""`geo check`: the layers and the recipes together, before anything is built.

Validation (geo.validate) checks each layer file alone and geo.recipe each
recipe alone.  What only shows when they meet is checked here: a popup,
tooltip or label field no feature of that layer has, a filter or incident
that selects nothing, an id in a recipe that no feature has, an event at a
place that does not exist, a figure a table names that no claim counts.
`geo build` runs the same checks (a big build while its workers start on the maps and exports);
what they find is its error, and nothing it made is kept.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from geo import timefmt
from geo.contract import COMMON_OPTIONAL, COMMON_REQUIRED, FIGURES, LAYER_KINDS, figure_base
from geo.describe import texts
from geo.enrich import file_of
from geo.errors import GeoError
from geo.layers import Layers
from geo.recipe import Layer, Recipe
from geo.record import record_problems
from geo.selection import Incident, incidents_of, kept, shown

# Properties the build adds to every point of these kinds (geo.enrich.enrich), and the pseudo-field of popups.
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
    layers_dir = Path(layers_dir)
    findings = [*check_statuses(layers, layers_dir), *check_times(layers, layers_dir)]
    # What every recipe is checked against, worked out once (a year of claims is a lot of features).
    fields = {
        kind: known_fields(kind, collection["features"]) for kind, collection in layers.items() if kind in LAYER_KINDS
    }
    incidents = {f["properties"]["id"] for f in layers.get("incidents", {"features": []})["features"]}
    nears = incidents_of(recipes, layers)
    for recipe in recipes:
        findings += check_recipe(recipe, layers, fields, incidents, nears[recipe.incident])
    if any(not f.warning for f in findings):
        raise CheckError(findings)
    return findings


def where_is(kind: str, feature: dict, layers_dir: Path) -> str:
    return f"{file_of(kind, feature, layers_dir)}: feature {feature['properties']['id']!r}"


def check_statuses(layers: Layers, layers_dir: Path) -> list[Finding]:
    """A claim superseded by another names a claim that exists, of the same incident, made later."""
    claims = {f["properties"]["id"]: f["properties"] for f in layers.get("events", {"features": []})["features"]}
    findings = []
    for feature in layers.get("events", {"features": []})["features"]:
        props = feature["properties"]
        later = props.get("superseded_by")
        if later is None:
            continue
        if later not in claims:
            close = difflib.get_close_matches(later, list(claims), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            findings.append(
                Finding(where_is("events", feature, layers_dir), f"superseded_by {later!r} names no claim{hint}")
            )
        elif claims[later]["incident"] != props["incident"]:
            findings.append(
                Finding(
                    where_is("events", feature, layers_dir), f"superseded_by {later!r} is a claim of another incident"
                )
            )
    return findings


def check_times(layers: Layers, layers_dir: Path) -> list[Finding]:
    """A time not written in Pakistan time is allowed (it is the same moment) but is often a slip: 'Z'
    written for a local time moves it five hours.  Each is a warning saying what it is in Pakistan time."""
    findings = []
    for kind in ("events", "staging"):
        for feature in layers.get(kind, {"features": []})["features"]:
            time = feature["properties"].get("time")
            if isinstance(time, str) and not time.endswith("+05:00"):
                local = timefmt.parse(time)
                findings.append(
                    Finding(
                        where_is(kind, feature, layers_dir),
                        f"time {time} is not written in Pakistan time: it is {local:%H:%M} PKT on "
                        f"{local:%d %b %Y}. If the source gave {time[11:16]} as the local time, write "
                        f"{time[:16]}+05:00",
                        warning=True,
                    )
                )
    return findings


def known_fields(kind: str, features: list[dict]) -> set[str]:
    """The properties a layer kind can show: what the contract declares, the build adds, and the data holds."""
    declared = {*COMMON_REQUIRED, *COMMON_OPTIONAL, *LAYER_KINDS[kind].required, *LAYER_KINDS[kind].optional}
    held = {name for f in features for name in f["properties"]}
    return declared | held | COMPUTED | POPUP_ONLY


def check_recipe(
    recipe: Recipe, layers: Layers, fields: dict[str, set[str]], incidents: set[str], near: Incident
) -> list[Finding]:
    findings = []
    if recipe.incident is not None:
        if recipe.incident not in incidents:
            findings.append(
                Finding(
                    f"{recipe.path}: incident",
                    f"no incident {recipe.incident!r} in layers/events/ (its file would be "
                    f"events/{recipe.incident}.geojson); known incidents: {', '.join(sorted(incidents))}",
                )
            )
    for index, spec in enumerate(recipe.layer):
        findings += check_layer(recipe, index, spec, layers, fields[spec.source])
    if recipe.incident is None or recipe.incident in incidents:
        drawn = shown(recipe, layers, near)
        findings += check_words(recipe, layers, drawn, near)
        findings += check_in_view(recipe, drawn)
    findings += [Finding(f"{recipe.path}: {where}", message) for where, message in record_problems(recipe, layers)]
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


MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
WRITTEN_DATE = re.compile(
    rf"\b(?:(\d{{1,2}})[–-]?\d{{0,2}} )?({MONTH_NAMES}) (\d{{4}})\b|\b(\d{{4}})-(\d{{2}})-(\d{{2}})\b"
)


def check_words(recipe: Recipe, layers: Layers, drawn, near: Incident) -> list[Finding]:
    """A title, standfirst or alt text that names a place the map does not draw, or a month its incident
    (`near`) and claims do not fall in (a recipe copied from another incident's map, with only `incident`
    changed)."""
    words = texts(recipe, layers, near)
    text = " ".join(t for t in (words.title, words.description, recipe.alt_text or "") if t)
    text = re.sub(r"\bfrom Quetta\b", "", text)  # the origin of every km, not a place the map is about
    named_in_text = []  # (name, its pattern) of the places the words name: the map's names are joined only for these
    for kind in ("stations", "tunnels", "staging", "places"):
        for feature in layers.get(kind, {"features": []})["features"]:
            name = feature["properties"]["name"]
            named = rf"(?<!\w){re.escape(name)}(?!\w)"
            if len(name) > 3 and re.search(named, text):
                named_in_text.append((name, named))
    drawn_words = " ".join(
        str(f["properties"].get(key) or "")
        for _, features in (drawn if named_in_text else ())
        for f in features
        for key in ("name", "site_name")
    )
    findings = [
        Finding(f"{recipe.path}: title, description or alt_text", f"names {name!r}, which this map does not draw")
        for name, named in named_in_text
        if not re.search(named, drawn_words)
    ]
    months = near.months
    for match in WRITTEN_DATE.finditer(text) if months else ():
        month = (match[3], MONTH_NAMES.split("|").index(match[2]) + 1) if match[2] else (match[4], int(match[5]))
        if (int(month[0]), month[1]) not in months:
            findings.append(
                Finding(
                    f"{recipe.path}: title, description or alt_text",
                    f"says {match[0]!r}, but the incident and its claims fall in "
                    + ", ".join(f"{MONTH_NAMES.split('|')[m - 1]} {y}" for y, m in sorted(months)),
                )
            )
    return findings


def check_in_view(recipe: Recipe, drawn) -> list[Finding]:
    """With fixed bounds, every claim, staging point and site the map draws lies inside them."""
    if recipe.view.bounds is None:
        return []
    (south, west), (north, east) = recipe.view.bounds
    findings = []
    for spec, features in drawn:
        if not (LAYER_KINDS[spec.source].has_incident or LAYER_KINDS[spec.source].records):
            continue
        for feature in features:
            lon, lat = feature["geometry"]["coordinates"][:2]
            if not (min(south, north) <= lat <= max(south, north) and min(west, east) <= lon <= max(west, east)):
                findings.append(
                    Finding(
                        f"{recipe.path}: [view] bounds",
                        f"{spec.source} {feature['properties']['id']!r} ({lat:.3f}, {lon:.3f}) lies outside the view; "
                        'widen the bounds, or fit the view to the incident (fit = "incident")',
                    )
                )
    return findings


def check_layer(recipe: Recipe, index: int, spec: Layer, layers: Layers, fields: set[str]) -> list[Finding]:
    where = f"{recipe.path}: [[layer]] {index + 1} ({spec.name!r})"
    everything = layers[spec.source]["features"]
    if (spec.where or spec.exclude or spec.range) and not any(kept(f["properties"], spec) for f in everything):
        return [
            Finding(
                where,
                f"its filters (where, exclude, range) select none of the {len(everything)} features of {spec.source}",
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
    named = [("label_ids", spec.label_ids or []), ("emphasis.ids", spec.emphasis.ids if spec.emphasis else [])]
    ids = {f["properties"]["id"] for f in everything} if any(wanted for _, wanted in named) else set()
    for key, wanted in named:
        for fid in wanted:
            if fid not in ids:
                findings.append(Finding(f"{where} {key}", f"no {spec.source} feature has the id {fid!r}"))
    if spec.style_by:
        findings += check_classes(where, spec, everything)
    return findings


def check_classes(where: str, spec: Layer, everything: list[dict]) -> list[Finding]:
    """A class value no feature of the layer has, in any incident, is probably a typo (a class for another
    incident's claimant is not: templates serve every incident)."""
    present = {str(f["properties"].get(spec.style_by.property)) for f in everything}
    return [
        Finding(
            f"{where} style_by",
            f"class {cls.label!r}: no {spec.source} feature has {spec.style_by.property} = {value!r}",
            warning=True,
        )
        for cls in spec.style_by.classes
        for value in cls.values
        if value not in present
    ]
