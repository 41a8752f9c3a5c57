"""Words for a map: alt text and a plain-text description, generated from what the map draws.

A screen-reader user gets what a sighted reader gets from the picture: what
is shown, where, at what km from Quetta, and when.  Every sentence is built
from the features the recipe selects (its incident and filters), never from
the rest of the layers, so adding another incident's events changes no
existing map's words.  Dates always carry the year.
"""

from __future__ import annotations

from geo import timefmt
from geo.compose import select
from geo.layers import Layers
from geo.recipe import Layer, Recipe
from geo.text import isolate

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(value: str) -> str:
    moment = timefmt.parse(value)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def drawn(recipe: Recipe, layers: Layers) -> list[tuple[Layer, list[dict]]]:
    """(layer, the features it draws) for every layer of the recipe."""
    return [(spec, select(layers[spec.source]["features"], spec, recipe.incident)) for spec in recipe.layer]


def features_of(shown: list[tuple[Layer, list[dict]]], source: str) -> list[dict]:
    """The distinct features of one layer kind the map draws, in any of its layers."""
    seen: dict[str, dict] = {}
    for spec, features in shown:
        if spec.source == source:
            seen.update((f["properties"]["id"], f) for f in features)
    return list(seen.values())


def date_span(events: list[dict]) -> str | None:
    """ "on 11 March 2025" or "from 11 March 2025 to 3 April 2025"."""
    if not events:
        return None
    times = sorted((f["properties"]["time"] for f in events), key=timefmt.parse)
    first, last = long_date(times[0]), long_date(times[-1])
    return f"on {first}" if first == last else f"from {first} to {last}"


def incident_events(recipe: Recipe, shown: list[tuple[Layer, list[dict]]], layers: Layers) -> list[dict]:
    """The claims the map is about: its incident's (drawn or not), else the ones it draws."""
    if recipe.incident is None:
        return features_of(shown, "events")
    return [f for f in layers["events"]["features"] if f["properties"]["incident"] == recipe.incident]


def attack_sentence(recipe: Recipe, shown: list[tuple[Layer, list[dict]]], layers: Layers) -> str | None:
    """Where the train was stopped, if the map shows the attack site: its chainage, uncertainty and date."""
    site = next((f["properties"] for f in features_of(shown, "tunnels") if f["properties"].get("attack_site")), None)
    if site is None:
        return None
    stations = {f["properties"]["id"]: f["properties"] for f in layers["stations"]["features"]}
    either_side = sorted(
        (stations[s] for s in site.get("between_stations", []) if s in stations), key=lambda s: s["km_from_quetta"]
    )
    events = [f for f in incident_events(recipe, shown, layers) if f["properties"].get("place") == site["id"]]
    when = f" on {long_date(min((f['properties']['time'] for f in events), key=timefmt.parse))}" if events else ""
    text = (
        f"{isolate(site['name'])}, where the train was stopped{when}, "
        f"is about {site['km_from_quetta']:g} km from Quetta by rail"
    )
    if len(either_side) == 2:
        a, b = either_side
        text += (
            f", between {isolate(a['name'])} (km {a['km_from_quetta']:g}) and {isolate(b['name'])} "
            f"(km {b['km_from_quetta']:g})"
        )
    if site.get("km_uncertainty"):
        text += f"; its km is uncertain by about {site['km_uncertainty']:g} km"
    elif site.get("position_accuracy_m"):
        text += f"; its reported position is uncertain by about {site['position_accuracy_m'] / 1000:g} km"
    return text + "."


def places_sentence(shown: list[tuple[Layer, list[dict]]], layers: Layers) -> str | None:
    """Where and when the map's claims are: the places they name, with km from Quetta, and their dates."""
    events = features_of(shown, "events")
    if not events:
        return None
    places = {
        f["properties"]["id"]: f["properties"]
        for kind in ("stations", "tunnels", "staging")
        for f in layers[kind]["features"]
    }
    named = []
    for place_id in dict.fromkeys(f["properties"].get("place") for f in events):
        place = places.get(place_id)
        if place is not None:
            km = place.get("km_from_quetta")
            named.append(isolate(place["name"]) + (f" (km {km:g} from Quetta)" if isinstance(km, (int, float)) else ""))
    where = ""
    if named:
        more = len(named) - 4
        shown_names = named[:4] + ([f"{more} other place{'s' if more > 1 else ''}"] if more > 0 else [])
        where = " at " + (
            ", ".join(shown_names[:-1]) + " and " + shown_names[-1] if len(shown_names) > 1 else shown_names[0]
        )
    noun = "claim" if len(events) == 1 else "claims"
    return f"It shows {len(events)} {noun}{where}, {date_span(events)}."


def in_sentence(name: str) -> str:
    """A legend name inside a sentence: "Stations" -> "stations", "Jaffar Express stops" as it is."""
    first, *rest = name.split()
    return name if any(word[:1].isupper() for word in rest) else first.lower() + name[len(first) :]


def layer_sentence(shown: list[tuple[Layer, list[dict]]]) -> str:
    parts = []
    for spec, features in shown:
        if spec.source == "stations":
            kms = [f for f in features if isinstance(f["properties"].get("km_from_quetta"), (int, float))]
            if kms:
                first = min(kms, key=lambda f: f["properties"]["km_from_quetta"])["properties"]
                last = max(kms, key=lambda f: f["properties"]["km_from_quetta"])["properties"]
                parts.append(
                    f"{len(features)} {isolate(in_sentence(spec.legend_name))} from {isolate(first['name'])} "
                    f"(km {first['km_from_quetta']:g}) to {isolate(last['name'])} (km {last['km_from_quetta']:g})"
                )
        elif spec.source == "staging":
            parts.append(f"{len(features)} {isolate(in_sentence(spec.legend_name))}")
    return ("The map shows " + ", ".join(parts) + ".") if parts else ""


def time_sentence(shown: list[tuple[Layer, list[dict]]]) -> str | None:
    timed = [f for spec, features in shown if spec.timeline for f in features]
    if not timed:
        return None
    times = sorted(timed, key=lambda f: timefmt.parse(f["properties"]["time"]))
    first, last = times[0]["properties"], times[-1]["properties"]
    return (
        f"A time control and a list run from {timefmt.display(first['time'], first['time_precision'])} "
        f"to {timefmt.display(last['time'], last['time_precision'])} (Pakistan time); each claim names "
        "who made it, and a table keeps disputed figures side by side."
    )


def alt_text(recipe: Recipe, layers: Layers) -> str:
    """One short paragraph for an image's alt attribute: the recipe's own, or generated."""
    if recipe.alt_text:
        return recipe.alt_text
    shown = drawn(recipe, layers)
    where = attack_sentence(recipe, shown, layers) or places_sentence(shown, layers)
    return " ".join(p for p in (f"Map: {isolate(recipe.title)}.", where) if p)


def description(recipe: Recipe, layers: Layers) -> str:
    """The full plain-text description for screen readers."""
    shown = drawn(recipe, layers)
    parts = [
        f"Map: {isolate(recipe.title)}.",
        isolate(recipe.description),
        attack_sentence(recipe, shown, layers),
        places_sentence(shown, layers),
        layer_sentence(shown),
        time_sentence(shown),
        "Positions marked approximate say how approximate; every feature lists its sources.",
    ]
    return " ".join(p for p in parts if p)
