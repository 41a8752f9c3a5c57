"""Words for a map: alt text and a plain-text description, generated from the data.

A screen-reader user gets what a sighted reader gets from the picture: what
is shown, where, at what km from Quetta, and when.
"""

from __future__ import annotations

from geo import timefmt
from geo.compose import select
from geo.layers import Layers
from geo.recipe import Recipe

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def long_date(value: str) -> str:
    moment = timefmt.parse(value)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def attack_sentence(layers: Layers) -> str | None:
    """Where the train was stopped, with its chainage, uncertainty and date."""
    site = next((f["properties"] for f in layers["tunnels"]["features"] if f["properties"].get("attack_site")), None)
    if site is None:
        return None
    stations = {f["properties"]["id"]: f["properties"] for f in layers["stations"]["features"]}
    either_side = sorted((stations[s] for s in site.get("between_stations", []) if s in stations),
                         key=lambda s: s["km_from_quetta"])
    first_event = min((f["properties"]["time"] for f in layers["events"]["features"]), key=timefmt.parse)
    text = (f"{site['name']}, where the Jaffar Express was stopped on {long_date(first_event)}, is about "
            f"{site['km_from_quetta']:g} km from Quetta by rail in the Bolan Pass, Balochistan")
    if len(either_side) == 2:
        a, b = either_side
        text += f", between {a['name']} (km {a['km_from_quetta']:g}) and {b['name']} (km {b['km_from_quetta']:g})"
    accuracy = site.get("position_accuracy_m")
    if accuracy:
        text += f"; its reported position is uncertain by about {accuracy / 1000:g} km"
    return text + "."


def layer_sentence(recipe: Recipe, layers: Layers) -> str:
    parts = []
    for spec in recipe.layer:
        features = select(layers[spec.source]["features"], spec)
        if not features:
            continue
        kms = [f["properties"]["km_from_quetta"] for f in features
               if isinstance(f["properties"].get("km_from_quetta"), (int, float))]
        name = spec.legend_name
        if spec.source == "stations" and kms:
            first = min(features, key=lambda f: f["properties"]["km_from_quetta"])["properties"]
            last = max(features, key=lambda f: f["properties"]["km_from_quetta"])["properties"]
            parts.append(f"{len(features)} {name.lower()} from {first['name']} (km {first['km_from_quetta']:g}) "
                         f"to {last['name']} (km {last['km_from_quetta']:g})")
        elif spec.source in ("staging", "events"):
            parts.append(f"{len(features)} {name.lower()}")
    return ("The map shows " + ", ".join(parts) + ".") if parts else ""


def time_sentence(recipe: Recipe, layers: Layers) -> str | None:
    if not any(spec.timeline for spec in recipe.layer):
        return None
    times = sorted(layers["events"]["features"], key=lambda f: timefmt.parse(f["properties"]["time"]))
    first, last = times[0]["properties"], times[-1]["properties"]
    return (f"A time control and a list run from {timefmt.display(first['time'], first['time_precision'])} "
            f"to {timefmt.display(last['time'], last['time_precision'])} (Pakistan time); each claim names who made "
            "it, and a table keeps disputed figures side by side.")


def alt_text(recipe: Recipe, layers: Layers) -> str:
    """One short paragraph for an image's alt attribute."""
    attack = attack_sentence(layers)
    return " ".join(p for p in (f"Map: {recipe.title}.", attack) if p)


def description(recipe: Recipe, layers: Layers) -> str:
    """The full plain-text description for screen readers."""
    parts = [f"Map: {recipe.title}.", recipe.description, attack_sentence(layers),
             layer_sentence(recipe, layers), time_sentence(recipe, layers),
             "Positions marked approximate say how approximate; every feature lists its sources."]
    return " ".join(p for p in parts if p)
