"""Which features each layer of a recipe draws: the recipe's incident and each layer's filters.

Drawing, describing, placing the base map and `geo check` all ask the same question, so a build
answers it once per recipe (`shown`) and hands the answer on.  No folium here: `geo check` imports
this, not the map composer.

A layer keeps the features of the recipe's incident (for kinds that belong to one), then those
near it on the line (`near_site_km`, `near_claims_km`), then those its own `where`, `exclude` and
`range` keep.  A layer left empty by the incident is simply not drawn (a new incident may have no
staging points yet); filters of its own that match nothing in the whole layer are a recipe error.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime

from geo import timefmt
from geo.contract import LAYER_KINDS
from geo.layers import Layers
from geo.recipe import Layer, Recipe, RecipeError

Shown = list[tuple[Layer, list[dict]]]  # each [[layer]] of a recipe with the features it draws
METRES_PER_DEGREE = 111_320


@dataclass(frozen=True)
class Incident:
    """Where a recipe's incident lies on the line: its site's km, and the km its site and claims span."""

    site: dict | None  # the incidents layer's feature
    site_km: float | None
    claims_span: tuple[float, float] | None
    # Its claims in the layer's order, found once: each layer, title and check of a recipe asks for them,
    # and a year of claims is 100,000 features to look through (None: the recipe has no incident).
    claims: list[dict] | None = None

    @functools.cached_property
    def claim_times(self) -> list[datetime]:
        """When each of its claims was made, in the claims' order."""
        return [timefmt.parse(f["properties"]["time"]) for f in self.claims or ()]

    @functools.cached_property
    def months(self) -> set[tuple[int, int]]:
        """(year, month) of the incident's dates and of each of its claims."""
        found = set()
        if self.site is not None:
            props = self.site["properties"]
            for day in (props["date"], props.get("end_date") or props["date"]):
                found.add((int(day[:4]), int(day[5:7])))
        return found | {(moment.year, moment.month) for moment in set(self.claim_times)}

    def window(self, spec: Layer) -> tuple[float, float] | None:
        """The km from Quetta a layer keeps features within, if it keeps only those near the incident."""
        if spec.near_site_km is not None and self.site_km is not None:
            return self.site_km - spec.near_site_km, self.site_km + spec.near_site_km
        if spec.near_claims_km is not None and self.claims_span is not None:
            return self.claims_span[0] - spec.near_claims_km, self.claims_span[1] + spec.near_claims_km
        return None


def incident_of(recipe: Recipe, layers: Layers) -> Incident:
    if recipe.incident is None:
        return Incident(None, None, None)
    site = next(
        (f for f in layers.get("incidents", {"features": []})["features"] if f["properties"]["id"] == recipe.incident),
        None,
    )
    claims = of_incident(layers.get("events", {"features": []})["features"], "events", recipe.incident)
    kms = [  # where its claims are (its staging points may be far off: a train's destination)
        f["properties"]["km_from_quetta"]
        for f in claims
        if isinstance(f["properties"].get("km_from_quetta"), (int, float))
    ]
    site_km = site["properties"].get("km_from_quetta") if site else None
    if site_km is not None:
        kms.append(site_km)
    return Incident(site, site_km, (min(kms), max(kms)) if kms else None, claims)


def incidents_of(recipes: list[Recipe], layers: Layers) -> dict[str | None, Incident]:
    """`incident_of` every recipe, by its incident: found once for the maps of one incident."""
    found: dict[str | None, Incident] = {}
    for recipe in recipes:
        if recipe.incident not in found:
            found[recipe.incident] = incident_of(recipe, layers)
    return found


def of_incident(features: list[dict], kind: str, incident: str | None) -> list[dict]:
    """The features of one incident, for kinds that belong to one (the incidents layer: its own feature)."""
    if incident is None:
        return features
    if LAYER_KINDS[kind].has_incident:
        return [f for f in features if f["properties"]["incident"] == incident]
    if LAYER_KINDS[kind].records:
        return [f for f in features if f["properties"]["id"] == incident]
    return features


def within(props: dict, window: tuple[float, float]) -> bool:
    """Whether a feature lies in a km window: a point's km, or any part of a stretch's [start, end]."""
    lo, hi = window
    if isinstance(props.get("km_from_quetta_start"), (int, float)):
        return (
            props["km_from_quetta_start"] <= hi and props.get("km_from_quetta_end", props["km_from_quetta_start"]) >= lo
        )
    km = props.get("km_from_quetta")
    return isinstance(km, (int, float)) and lo <= km <= hi


def select(features: list[dict], spec: Layer, incident: str | None = None, near: Incident | None = None) -> list[dict]:
    """The features a layer shows: the recipe's `incident`, `near_*_km`, then `where` (values to keep),
    `exclude` (values to drop) and `range` ([min, max])."""
    if spec.source == "events" and near is not None and near.claims is not None:
        features = near.claims  # found already, the same as of_incident finds
    else:
        features = of_incident(features, spec.source, incident)
    if spec.except_site and near is not None and near.site is not None:
        at = place_at_site(near.site["properties"])
        features = [f for f in features if f["properties"]["id"] != at]
    window = near.window(spec) if near else None
    if window is not None:
        features = [f for f in features if within(f["properties"], window)]
    if not (spec.where or spec.exclude or spec.range):
        return list(features)
    return [f for f in features if kept(f["properties"], spec)]


def place_at_site(site: dict) -> str | None:
    """The place an incident's site is at (drawn as the site, so not again by `except_site`); a site some
    km off a place leaves the place drawn."""
    return None if site.get("place_offset_km") else site.get("place")


def kept(props: dict, spec: Layer) -> bool:
    """Whether a feature passes a layer's `where`, `exclude` and `range`."""
    if any(props.get(k) not in allowed for k, allowed in spec.where.items()):
        return False
    if any(props.get(k) in dropped for k, dropped in spec.exclude.items()):
        return False
    return all(isinstance(props.get(k), (int, float)) and lo <= props[k] <= hi for k, (lo, hi) in spec.range.items())


def shown(recipe: Recipe, layers: Layers, near: Incident | None = None) -> Shown:
    """(layer, the features it draws) for every layer of the recipe, in the recipe's order (`near`: the
    recipe's `incident_of`, if the caller has it)."""
    near = near or incident_of(recipe, layers)
    return [(spec, select(layers[spec.source]["features"], spec, recipe.incident, near)) for spec in recipe.layer]


def filters_match_nothing(recipe: Recipe, layers: Layers) -> list[str]:
    """Each layer whose own `where`, `exclude` and `range` keep none of its kind's features (a typo, most
    likely), as a message naming it."""
    found = []
    for index, spec in enumerate(recipe.layer):
        everything = layers[spec.source]["features"]
        if (spec.where or spec.exclude or spec.range) and not any(kept(f["properties"], spec) for f in everything):
            found.append(
                f"[[layer]] {index + 1} ({spec.name!r}): its filters (where, exclude, range) select none of the "
                f"{len(everything)} features of {spec.source}; check the property names and values"
            )
    return found


def shown_or_refused(recipe: Recipe, layers: Layers, near: Incident | None = None) -> Shown:
    """`shown`, where filters that match nothing are a recipe error naming the layer."""
    problems = filters_match_nothing(recipe, layers)
    if problems:
        raise RecipeError(f"{recipe.path}: {problems[0]}")
    return shown(recipe, layers, near)


def incident_bounds(recipe: Recipe, layers: Layers, drawn: Shown, near: Incident) -> list[list[float]] | None:
    """[[south, west], [north, east]] of what a view fitted to the incident (`near`) shows: the site with its
    stated uncertainty around it, every drawn claim and staging point of the incident and, with
    `around_site_km`, the stations that far either side of the site."""
    if near.site is None:
        return None
    points = [near.site["geometry"]["coordinates"][:2]]
    points += [  # every claim and staging point of the incident the map draws
        f["geometry"]["coordinates"][:2]
        for spec, features in drawn
        if LAYER_KINDS[spec.source].has_incident
        for f in features
        if f["geometry"]["type"] == "Point"
    ]
    if recipe.view.around_site_km is not None and near.site_km is not None:  # and the line either side
        reach = recipe.view.around_site_km
        points += [
            f["geometry"]["coordinates"][:2]
            for f in layers["stations"]["features"]
            if abs(f["properties"]["km_from_quetta"] - near.site_km) <= reach
        ]
    lon, lat = points[0]
    radius = near.site["properties"].get("position_accuracy_m", 0)
    dlat, dlon = radius / METRES_PER_DEGREE, radius / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    points += [[lon - dlon, lat - dlat], [lon + dlon, lat + dlat]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
