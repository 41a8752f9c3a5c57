"""The corridor's record (a recipe's [record]): every incident of the incidents layer in a list beside the
map, filters by year and kind, and the strip diagram, the line drawn straight as a km axis from Quetta
with each incident a mark at its km and date.

The strip is laid out here, in Python, as SVG with its coordinates worked out: it is in the page without
a script, prints, and is in the PNGs as it is on screen.  Two layouts are in the page: km across and time
down (wide screens, print, pictures) and the reverse (phones); the stylesheet shows one.  The page's
script (record.js) filters and links the list, the strip and the map by each incident's id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from geo import fields
from geo.contract import INCIDENT_KINDS
from geo.describe import date_range
from geo.layers import Layers
from geo.recipe import Recipe, RecipeError, Record
from geo.symbols import kind_path, kind_svg

WIDE, TALL = "wide", "tall"


@dataclass(frozen=True)
class Row:
    """One incident as the list, the strip and its table show it."""

    id: str
    name: str
    date: dt.date
    end_date: dt.date | None
    kind: str
    km: float | None
    uncertainty_km: float  # its stated position accuracy, as km either way along the line
    site: str
    claims: int
    tolls: str

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def when(self) -> str:
        return date_range(self.date.isoformat(), self.end_date.isoformat() if self.end_date else None)

    @property
    def where(self) -> str:
        if self.km is None:
            return self.site
        km = fields.format_value("km_from_quetta", {"km_from_quetta": self.km})
        spread = f" ± {self.uncertainty_km:g} km" if self.uncertainty_km else ""
        site = "" if self.site.startswith("km ") else f"{self.site}, "  # a site named by its km alone
        return f"{site}{km}{spread}"

    @property
    def spoken(self) -> str:
        """The mark's accessible name: when, what, which kind, where."""
        return f"{self.when}: {self.name}. {INCIDENT_KINDS[self.kind].label}, {self.where}."


def record_rows(features: list[dict]) -> list[Row]:
    """The incidents in date order (then by id, so a build is the same every time)."""
    rows = []
    for feature in features:
        p = feature["properties"]
        rows.append(
            Row(
                id=p["id"],
                name=p["name"],
                date=dt.date.fromisoformat(p["date"]),
                end_date=dt.date.fromisoformat(p["end_date"]) if p.get("end_date") else None,
                kind=p["kind"],
                km=p.get("km_from_quetta"),
                uncertainty_km=round(p.get("position_accuracy_m", 0) / 1000, 1),
                site=p.get("site_name") or p["name"],
                claims=int(p.get("claims", 0)),
                tolls=p.get("tolls", ""),
            )
        )
    return sorted(rows, key=lambda r: (r.date, r.id))


# --- the strip's layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """One layout's fixed measures, in SVG user units (the wide one is drawn about 1:1 on a desktop, the tall
    one on a 360-px phone)."""

    width: float
    km_from: float  # where km 0 is drawn along the km axis
    km_to: float  # where the line's end is
    time_from: float  # where the first month starts along the time axis
    per_month: float  # units per month along it
    mark: float  # a mark's radius
    target: float  # the side of the square a mark answers a tap or click in
    margin_end: float  # after the time axis


WIDE_GEOMETRY = Geometry(width=900, km_from=70, km_to=884, time_from=64, per_month=18, mark=5, target=26, margin_end=30)
TALL_GEOMETRY = Geometry(
    width=360, km_from=56, km_to=872, time_from=118, per_month=20, mark=5.5, target=48, margin_end=10
)


@dataclass
class Mark:
    row: Row
    along: float  # position on the km axis
    at: float  # on the time axis, where its date is
    drawn_at: float  # where it is drawn: moved on along the time axis when it would cover another
    low: float  # its uncertainty bar's ends on the km axis
    high: float
    path: dict = field(default_factory=dict)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of each month from `first`'s to the one after `last`'s."""
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    months.append(day)
    return months


def time_position(day: dt.date, months: list[dt.date], g: Geometry) -> float:
    """Where a date is on the time axis: its month's row, and the day within it."""
    index = next(i for i in range(len(months) - 1) if months[i] <= day < months[i + 1])
    length = (months[index + 1] - months[index]).days
    return g.time_from + g.per_month * (index + (day - months[index]).days / length)


def dodge(marks: list[Mark], g: Geometry) -> None:
    """Marks that would cover each other: each later one moved on along the time axis until it is clear
    (its date stays marked by a dot and a line back to it)."""
    gap = 2 * g.mark + 2
    placed: list[Mark] = []
    for mark in marks:
        mark.drawn_at = mark.at
        while any(abs(p.along - mark.along) < gap and abs(p.drawn_at - mark.drawn_at) < gap for p in placed):
            mark.drawn_at += gap
        placed.append(mark)


NOT_A_STATION = "is not a station with a km from Quetta; `geo places WORDS` finds one"


def unknown_stations(record: Record, stations: dict[str, dict]) -> list[tuple[str, str]]:
    """(where in the recipe, what is wrong) for each station the record names that has no km from Quetta."""
    problems = []

    def known(station: str) -> bool:
        return station in stations and stations[station].get("km_from_quetta") is not None

    for index, section in enumerate(record.section):
        for key in ("from_station", "to_station"):
            if not known(getattr(section, key)):
                problems.append(
                    (
                        f"[[record.section]] {index + 1} ({section.name!r}) {key}",
                        f"{getattr(section, key)!r} {NOT_A_STATION}",
                    )
                )
    for station in record.station_names:
        if not known(station):
            problems.append(
                (
                    "[record] station_names",
                    f"{station!r} {NOT_A_STATION}",
                )
            )
    return problems


def record_problems(recipe: Recipe, layers: Layers) -> list[tuple[str, str]]:
    """What `geo check` reports of a recipe's [record]: stations it names that the layers lack."""
    if recipe.record is None:
        return []
    stations = {f["properties"]["id"]: f["properties"] for f in layers.get("stations", {"features": []})["features"]}
    return unknown_stations(recipe.record, stations)


def keep_apart(items: list[dict], width_per_char: float, gap: float = 6) -> list[dict]:
    """Labels along an axis, each dropped where it would overlap one kept before it ({at, text})."""
    kept: list[tuple[float, float]] = []
    out = []
    for item in items:
        half = len(item["text"]) * width_per_char / 2
        span = (item["at"] - half - gap, item["at"] + half + gap)
        if all(span[1] <= a or span[0] >= b for a, b in kept):
            kept.append(span)
            out.append(item)
    return out


def strip_layout(rows: list[Row], record: Record, layers: Layers, recipe_path: str, orientation: str) -> dict:
    """Everything the strip template draws for one orientation, in SVG user units."""
    g = WIDE_GEOMETRY if orientation == WIDE else TALL_GEOMETRY
    stations = {f["properties"]["id"]: f["properties"] for f in layers.get("stations", {"features": []})["features"]}
    line_km = max((p.get("km_from_quetta") or 0 for p in stations.values()), default=0) or 1

    def along(km: float) -> float:
        return g.km_from + (g.km_to - g.km_from) * max(0.0, min(km, line_km)) / line_km

    placed = [r for r in rows if r.km is not None]
    months = months_between(min(r.date for r in rows), max(r.end_date or r.date for r in rows)) if rows else []
    marks = [
        Mark(
            row=r,
            along=along(r.km),
            at=time_position(r.date, months, g),
            drawn_at=0,
            low=along(r.km - r.uncertainty_km),
            high=along(r.km + r.uncertainty_km),
        )
        for r in placed
    ]
    dodge(marks, g)
    time_end = max([g.time_from + g.per_month * (len(months) - 1)] + [m.drawn_at + g.mark + 2 for m in marks])
    for m in marks:
        x, y = (m.along, m.drawn_at) if orientation == WIDE else (m.drawn_at, m.along)
        m.path = kind_path(m.row.kind, x, y, g.mark)
    problems = unknown_stations(record, stations)
    if problems:
        raise RecipeError("\n".join(f"{recipe_path}: {where}: {message}" for where, message in problems))
    sections = []
    for index, section in enumerate(record.section):
        ends = sorted(stations[key]["km_from_quetta"] for key in (section.from_station, section.to_station))
        sections.append({"name": section.name, "start": along(ends[0]), "end": along(ends[1]), "shade": index % 2 == 0})
    names = [
        {"at": along(stations[station]["km_from_quetta"]), "text": stations[station]["name"]}
        for station in record.station_names
    ]
    month_labels = [
        {
            "at": time_position(day, months, g) + (g.per_month / 2 if orientation == WIDE else 0),
            "month": day.strftime("%b"),
            "year": str(day.year),
        }
        for day in months[:-1]
    ]
    if orientation == TALL:  # across a phone: every other month named, its year where the year changes
        month_labels = month_labels[:: 1 if g.per_month >= 28 else 2]
        years = [label["year"] for label in month_labels]
        for index, label in enumerate(month_labels):
            if index and years[index - 1] == years[index]:
                label["year"] = ""
    km_ticks = [{"at": along(km), "text": f"{km:,}"} for km in range(0, int(line_km) + 1, 200)]
    return {
        "orientation": orientation,
        "width": g.width,
        "height": (time_end + g.margin_end) if orientation == WIDE else g.km_to + 34,
        "g": g,
        "time_end": time_end,
        "months": [g.time_from + g.per_month * i for i in range(len(months))],
        "month_labels": month_labels,
        "stations": [along(p["km_from_quetta"]) for p in stations.values() if p.get("km_from_quetta") is not None],
        "station_names": keep_apart(clamped(names, g, STATION_CHAR), STATION_CHAR, 4)
        if orientation == WIDE
        else keep_apart_tall(names, sections),
        "sections": sections,
        "section_rows": (
            section_rows(sections, SECTION_CHAR, g) if orientation == WIDE else tall_section_names(sections)
        ),
        "km_ticks": km_ticks,
        "marks": marks,
        "line_km": line_km,
    }


def along_the_width(at: float, half: float, g: Geometry) -> dict:
    """Where a name centred on `at` (half as wide as estimated) is written so that it stays inside the wide
    strip: near an end it is anchored to that end, so no font's real width can push it out."""
    if at - half < 2:
        return {"x": 2, "anchor": "start", "middle": 2 + half}
    if at + half > g.width - 2:
        return {"x": g.width - 2, "anchor": "end", "middle": g.width - 2 - half}
    return {"x": at, "anchor": "middle", "middle": at}


def clamped(names: list[dict], g: Geometry, width_per_char: float) -> list[dict]:
    """Names centred on their place along the wide strip, anchored to its ends where they would be cut."""
    out = []
    for name in names:
        placed = along_the_width(name["at"], len(name["text"]) * width_per_char / 2, g)
        out.append({**name, **placed, "at": placed["middle"]})
    return out


SECTION_CHAR = 7.8  # units per character of a section's name (12 px semibold italic, a wide font's)
STATION_CHAR = 7.2  # of a station's name (11 px, semibold; a wide font's, so that estimates err apart)
TALL_MARGIN_TEXT = 106  # where the tall strip's station names end (right-aligned), left of the axis


def tall_section_names(sections: list[dict]) -> list[dict]:
    """Each section's name in the tall strip's left margin, level with the middle of its stretch."""
    return [{**s, "middle": (s["start"] + s["end"]) / 2} for s in sections]


def keep_apart_tall(names: list[dict], sections: list[dict], line_height: float = 13) -> list[dict]:
    """Station names down the tall strip's km axis, each dropped where it would touch a section's name or
    a station name kept before it."""
    taken = [
        (s["middle"], 4 + len(s["name"]) * SECTION_CHAR) for s in tall_section_names(sections)
    ]  # (level, right end) of each section's name, written from the margin's left edge
    kept: list[dict] = []
    for name in names:
        left = TALL_MARGIN_TEXT - len(name["text"]) * STATION_CHAR
        if any(abs(name["at"] - level) < line_height and left < right + 4 for level, right in taken):
            continue
        if all(abs(name["at"] - k["at"]) >= line_height for k in kept):
            kept.append(name)
    return kept


def section_rows(sections: list[dict], width_per_char: float, g: Geometry) -> list[dict]:
    """Each section's name centred over its stretch (anchored to the strip's ends where it would be cut),
    on the first of two rows where it overlaps no other."""
    rows: list[list[tuple[float, float]]] = [[], []]
    out = []
    for section in sections:
        half = len(section["name"]) * width_per_char / 2 + 4
        placed = along_the_width((section["start"] + section["end"]) / 2, half, g)
        span = (placed["middle"] - half, placed["middle"] + half)
        for row_index, row in enumerate(rows):
            if all(span[1] <= a or span[0] >= b for a, b in row):
                row.append(span)
                out.append({**section, **placed, "row": row_index})
                break
    return out


# --- the panels -------------------------------------------------------------------------------------


def record_context(recipe: Recipe, features: list[dict], layers: Layers) -> dict:
    """What record.html (the list and its filters) and strip.html draw."""
    record = recipe.record
    rows = record_rows(features)
    kinds = [k for k in INCIDENT_KINDS if any(r.kind == k for r in rows)]
    symbols = {k: kind_svg(k, 16) for k in kinds}
    years = sorted({r.year for r in rows})
    context = {
        "rows": rows,
        "years": [{"year": y, "count": sum(r.year == y for r in rows)} for y in years],
        "kinds": [
            {"kind": k, "label": INCIDENT_KINDS[k].label, "svg": symbols[k], "count": sum(r.kind == k for r in rows)}
            for k in kinds
        ],
        "symbols": symbols,
        "kind_labels": {k: INCIDENT_KINDS[k].label for k in kinds},
        "strip": None,
    }
    if record.strip and rows:
        wide = strip_layout(rows, record, layers, recipe.path, WIDE)
        context["strip"] = {
            "wide": wide,
            "tall": strip_layout(rows, record, layers, recipe.path, TALL),
            "summary": strip_summary(rows, wide),
            "unplaced": [r for r in rows if r.km is None],
        }
    return context


def strip_summary(rows: list[Row], layout: dict) -> str:
    """The strip's description: its axes, how many incidents, and where along the line they fall."""
    placed = [r for r in rows if r.km is not None]
    text = (
        f"The line drawn straight from Quetta (km 0) to its end (km {layout['line_km']:,g}), with each incident "
        f"at its km from Quetta and its date, from {rows[0].when} to {rows[-1].when}. "
    )
    if placed:
        text += f"All {len(placed)} placed incidents fall between km {min(r.km for r in placed):g} and km "
        text += f"{max(r.km for r in placed):g}"
        counts = []
        for section in layout["sections"]:
            low, high = section["start"], section["end"]
            n = sum(1 for m in layout["marks"] if low <= m.along <= high)
            if n:
                counts.append(f"{section['name']}: {n}")
        text += (": " + ", ".join(counts) if counts else "") + "."
    return text
