"""Words for a map: its title and standfirst, alt text and a plain-text description, generated from the
incident's own record and from what the map draws.

A screen-reader user gets what a sighted reader gets from the picture: what is shown, where, at what km
from Quetta, and when.  Every sentence is built from the recipe's incident and the features the recipe
selects, never from the rest of the layers, so adding another incident changes no existing map's words.
Dates always carry the year.  Text from the data is isolated in its direction where it sits inside a
sentence (geo.text.isolate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Callable, Sequence, TypeVar

from geo import timefmt
from geo.contract import INCIDENT_KINDS
from geo.layers import Layers
from geo.recipe import Layer, Recipe
from geo.selection import Incident, Shown, incident_of
from geo.selection import shown as drawn
from geo.text import isolate

T = TypeVar("T")

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
PLACEHOLDER = re.compile(r"\{(title|date|where|site|first_claim|last_claim)\}")


def long_date(value: str) -> str:
    """'2025-03-11' or a time -> '11 March 2025'."""
    moment = timefmt.parse(value if "T" in value else f"{value}T12:00:00+05:00")
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


def date_range(start: str, end: str | None = None) -> str:
    """'11 March 2025', '11–12 March 2025', '30 March – 2 April 2025'."""
    first = long_date(start)
    if not end or end == start:
        return first
    last = long_date(end)
    day, month, year = first.split(" ")
    if last.endswith(f" {month} {year}"):
        return f"{day}–{last}"
    return f"{first.removesuffix(' ' + year) if last.endswith(year) else first} – {last}"


@dataclass(frozen=True)
class Texts:
    title: str
    description: str


def placeholders(near: Incident) -> dict[str, str]:
    """What {title}, {date}, {where}, {site}, {first_claim} and {last_claim} stand for on the map of an
    incident (`near`: the recipe's `incident_of`)."""
    if near.site is None:
        return {}
    props = near.site["properties"]
    timed = list(zip(near.claim_times, near.claims))
    first, last = (pair[1]["properties"] if pair else None for pair in earliest_and_latest(timed, itemgetter(0)))
    when = date_range(props["date"], props.get("end_date"))
    km = props.get("km_from_quetta")
    return {
        "title": isolate(props["name"]),
        "date": when,
        "site": isolate(props["site_name"]),
        "where": isolate(props["site_name"]) + (f", km {km:g} from Quetta" if isinstance(km, (int, float)) else ""),
        "first_claim": timefmt.display(first["time"], first["time_precision"]) if first else when,
        "last_claim": timefmt.display(last["time"], last["time_precision"]) if last else when,
    }


def earliest_and_latest(items: Sequence[T], when: Callable[[T], datetime]) -> tuple[T | None, T | None]:
    """The earliest item and the latest by `when`: the first in order among equal earliest, the last among
    equal latest (None, None for no items)."""
    if not items:
        return None, None
    return min(items, key=when), max(reversed(items), key=when)


def texts(recipe: Recipe, layers: Layers, near: Incident | None = None) -> Texts:
    """The map's title and standfirst: the recipe's (or its template's) with the incident's words filled in;
    by default the incident's title and summary (`near`: the recipe's `incident_of`, if the caller has it)."""
    near = near or incident_of(recipe, layers)
    site = near.site
    values = placeholders(near)

    def fill(text: str | None, fallback: str) -> str:
        chosen = text if text is not None else fallback
        return PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), chosen)

    return Texts(
        fill(recipe.title, "{title}"),
        fill(recipe.description, site["properties"]["summary"] if site else ""),
    )


def features_of(shown: Shown, source: str) -> list[dict]:
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
    times = [f["properties"]["time"] for f in events]
    first, last = long_date(min(times, key=timefmt.parse)), long_date(max(times, key=timefmt.parse))
    return f"on {first}" if first == last else f"from {first} to {last}"


def stations_either_side(km: float, layers: Layers) -> tuple[dict | None, dict | None]:
    stations = sorted((f["properties"] for f in layers["stations"]["features"]), key=lambda s: s["km_from_quetta"])
    before = [s for s in stations if s["km_from_quetta"] <= km]
    after = [s for s in stations if s["km_from_quetta"] > km]
    return (before[-1] if before else None), (after[0] if after else None)


def site_sentence(recipe: Recipe, shown: Shown, layers: Layers) -> str | None:
    """Where the incident happened, if the map draws its site: its km, the stations either side, how
    uncertain, and when."""
    site = next(
        (f["properties"] for f in features_of(shown, "incidents") if f["properties"]["id"] == recipe.incident), None
    )
    if site is None:
        return None
    what = INCIDENT_KINDS[site["kind"]].what_happened
    text = f"The site ({isolate(site['site_name'])}), {what} on {date_range(site['date'], site.get('end_date'))}"
    km = site.get("km_from_quetta")
    if isinstance(km, (int, float)):
        text += f", is about {km:g} km from Quetta by rail"
        a, b = stations_either_side(km, layers)
        if a and b and a["km_from_quetta"] != km:
            text += (
                f", between {isolate(a['name'])} (km {a['km_from_quetta']:g}) and {isolate(b['name'])} "
                f"(km {b['km_from_quetta']:g})"
            )
    if site.get("position_accuracy_m"):
        text += f"; its position is uncertain by about {site['position_accuracy_m'] / 1000:g} km"
    return text + "."


def place_words(props: dict, places: dict[str, dict]) -> str | None:
    """Where a claim says it is, as a reader would say it."""
    if props.get("place") in places:
        place = places[props["place"]]
        km = place.get("km_from_quetta")
        return isolate(place["name"]) + (f" (km {km:g} from Quetta)" if isinstance(km, (int, float)) else "")
    if "place_km" in props:
        return f"km {props['place_km']:g} from Quetta"
    if "place_between" in props and all(i in places for i in props["place_between"]):
        a, b = (places[i] for i in props["place_between"])
        return f"between {isolate(a['name'])} and {isolate(b['name'])}"
    return None


def places_sentence(shown: Shown, layers: Layers) -> str | None:
    """Where and when the map's claims are: the places they name, with km from Quetta, and their dates."""
    events = features_of(shown, "events")
    if not events:
        return None
    places = {
        f["properties"]["id"]: f["properties"]
        for kind in ("stations", "tunnels", "staging", "places")
        for f in layers.get(kind, {"features": []})["features"]
    }
    named = [n for n in dict.fromkeys(place_words(f["properties"], places) for f in events) if n]
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
        if spec.source == "stations" and features:
            kms = [f for f in features if isinstance(f["properties"].get("km_from_quetta"), (int, float))]
            if kms:
                first = min(kms, key=lambda f: f["properties"]["km_from_quetta"])["properties"]
                last = max(kms, key=lambda f: f["properties"]["km_from_quetta"])["properties"]
                parts.append(
                    f"{len(features)} {isolate(in_sentence(spec.legend_name))} from {isolate(first['name'])} "
                    f"(km {first['km_from_quetta']:g}) to {isolate(last['name'])} (km {last['km_from_quetta']:g})"
                )
        elif spec.source == "staging" and features:
            parts.append(f"{len(features)} {isolate(in_sentence(spec.legend_name))}")
    return ("The map shows " + ", ".join(parts) + ".") if parts else ""


def time_sentence(shown: list[tuple[Layer, list[dict]]]) -> str | None:
    timed = [f for spec, features in shown if spec.timeline for f in features]
    if not timed:
        return None
    first, last = earliest_and_latest(timed, lambda feature: timefmt.parse(feature["properties"]["time"]))
    first, last = first["properties"], last["properties"]
    return (
        f"A time control and a list run from {timefmt.display(first['time'], first['time_precision'])} "
        f"to {timefmt.display(last['time'], last['time_precision'])} (Pakistan time); each claim names "
        "who made it, and a table keeps disputed figures side by side."
    )


@dataclass(frozen=True)
class Article:
    """What an article carries beside a map: its title, an image's alt text and the screen-reader text."""

    title: str
    alt_text: str
    description: str


def article(recipe: Recipe, layers: Layers, near: Incident | None = None) -> Article:
    """The map's words for an article, from one selection of what it draws: the alt text is the recipe's
    own or its heading and where; the description says what, where and when, for screen readers (`near`:
    the recipe's `incident_of`, if the caller has it)."""
    near = near or incident_of(recipe, layers)
    shown = drawn(recipe, layers, near)
    words = texts(recipe, layers, near)
    heading = f"Map: {isolate(words.title)}."
    site, places = site_sentence(recipe, shown, layers), places_sentence(shown, layers)
    parts = [
        heading,
        isolate(words.description),
        site,
        places,
        layer_sentence(shown),
        time_sentence(shown),
        "Positions marked approximate say how approximate; every feature lists its sources.",
    ]
    return Article(
        words.title,
        recipe.alt_text or " ".join(p for p in (heading, site or places) if p),
        " ".join(p for p in parts if p),
    )
