"""events.csv: one row per claim, for a spreadsheet; incidents.csv: one row per incident, joined to it by
the incident's slug.

`time` is UTC and `time_local` the same moment in Pakistan time with its
offset, as in the GeoPackage; `time_pkt` is the time as a reader reads it.
No cell starts a formula (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from geo import fields, timefmt
from geo.contract import INCIDENT_KINDS
from geo.export.geojson import DECIMALS
from geo.export.tables import figure_keys, flat_value, local_time, sources_text, utc_time
from geo.layers import Layers

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_AT_LINE_START = re.compile(f"^[{re.escape(''.join(FORMULA_START))}]", re.MULTILINE)
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
SCALARS = {str, int, float, bool, type(None)}  # cells as they are


def csv_cell(value: Any) -> Any:
    """A cell no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a leading '.

    Numbers, and text that is a plain number (a negative figure), stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


# The columns of events.csv around the figures (one `figure_<name>` column each, from the data), always
# all of them, in this order: the file `geo import` reads is the file this writes.  `time_pkt`, `lon`,
# `lat`, `km_from_quetta` and `position_basis` are what the build worked out; the rest is the claim's own.
COLUMNS_BEFORE = (
    "id",
    "incident",
    "time",
    "time_local",
    "time_precision",
    "time_pkt",
    "time_basis",
    "claimed_by",
    "claimed_by_detail",
    "name",
    "summary",
)
COLUMNS_AFTER = (
    "status",
    "superseded_by",
    "status_reason",
    "status_sources",
    "place",
    "place_km",
    "place_between",
    "place_offset_km",
    "place_towards",
    "place_reported",
    "place_note",
    "lon",
    "lat",
    "position_accuracy_m",
    "position_basis",
    "km_from_quetta",
    "notes",
    "sources",
)
FIGURE_COLUMN = "figure_"  # + the figure's name: the same column name in every export


def csv_columns_of(events: list[dict], before: list[str], figures: list[str], after: list[str]) -> list[list]:
    """The table a column at a time (a year of claims is 100,000 rows; a cell at a time took seconds).

    The properties a column needs are read from each claim in one pass (`row_values`): the claims are in
    time order, not where they lie in memory, and a pass over all of them for each column took a second
    more at 100,000."""
    props = [f["properties"] for f in events]
    held = set().union(*props)  # a column no claim has is empty, with no look at each claim
    read = [*(n for n in (*before, *after) if n in held), "time", "time_precision", "status_sources", "figures"]
    raw = fields.row_values(props, read)
    times = raw["time"]
    computed = {
        "time": [utc_time(t) for t in times],
        "time_local": [local_time(t) for t in times],
        "time_pkt": [timefmt.display(t, precision) for t, precision in zip(times, raw["time_precision"])],
        "lon": [round(f["geometry"]["coordinates"][0], DECIMALS) for f in events],
        "lat": [round(f["geometry"]["coordinates"][1], DECIMALS) for f in events],
        "sources": [sources_text(p) for p in props],
        "status_sources": [  # most claims have no status
            "" if status is None else sources_text({"sources": status}) for status in raw["status_sources"]
        ],
    }

    def column(name: str) -> list:
        if name in computed:
            return computed[name]
        if name not in held:
            return [""] * len(props)
        values = raw[name]
        kinds = set(map(type, values))
        if not kinds <= SCALARS:  # lists joined, tables as JSON
            values = [flat_value(v) for v in values]
        return ["" if v is None else v for v in values] if type(None) in kinds else values

    counts = {key: [""] * len(props) for key in figures}  # each claim gives a few figures of many
    for row, given in enumerate(raw["figures"]):
        for key, value in (given or {}).items():
            counts[key][row] = value
    return [*map(column, before), *(counts[key] for key in figures), *map(column, after)]


def safe_column(values: list) -> list:
    """`csv_cell` of each value; a column none of whose texts starts like a formula comes back as it is."""
    try:
        texts = "\n".join(values)  # a column of texts, the usual case
    except TypeError:
        texts = "\n".join(v for v in values if type(v) is str)
    if not FORMULA_AT_LINE_START.search(texts):  # a false alarm (a newline inside a cell) only costs the look
        return values
    return [csv_cell(v) for v in values]


# incidents.csv: one row per incident at its site, joined to events.csv by `id` = events' `incident`.
INCIDENT_COLUMNS = (
    "id",
    "name",
    "date",
    "end_date",
    "kind",
    "kind_label",
    "summary",
    "site_name",
    "place",
    "place_km",
    "place_between",
    "place_offset_km",
    "place_towards",
    "lon",
    "lat",
    "position_accuracy_m",
    "position_basis",
    "km_from_quetta",
    "claims",
    "tolls",
    "notes",
    "sources",
)


def incidents_csv_path(events_path: Path) -> Path:
    """incidents.csv beside events.csv; `<name>-incidents.csv` beside any other name."""
    name = "incidents.csv" if events_path.name == "events.csv" else f"{events_path.stem}-incidents.csv"
    return events_path.with_name(name)


def write_csv(path: Path, header: list[str], columns: list[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; a CR inside a cell is then quoted too
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows(zip(*map(safe_column, columns)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_incidents_csv(incidents: dict, path: Path) -> Path:
    """One row per incident: its record, its site, its km, its claims' count and tolls as claimed."""
    ordered = sorted(incidents["features"], key=lambda f: (f["properties"]["date"], f["properties"]["id"]))
    props = [f["properties"] for f in ordered]
    computed = {
        "kind_label": [INCIDENT_KINDS[p["kind"]].label for p in props],
        "lon": [round(f["geometry"]["coordinates"][0], DECIMALS) for f in ordered],
        "lat": [round(f["geometry"]["coordinates"][1], DECIMALS) for f in ordered],
        "sources": [sources_text(p) for p in props],
    }
    columns = [
        computed[name] if name in computed else ["" if p.get(name) is None else flat_value(p[name]) for p in props]
        for name in INCIDENT_COLUMNS
    ]
    write_csv(path, list(INCIDENT_COLUMNS), columns)
    return path


def write_events_csv(layers: Layers, path: Path) -> list[Path]:
    """One row per claim: UTC and local time, precision, who, each figure, position, chainage, sources; and
    incidents.csv beside it when the layers hold the incidents."""
    written = [write_claims_csv(layers, path)]
    if "incidents" in layers:
        written.append(write_incidents_csv(layers["incidents"], incidents_csv_path(path)))
    return written


def write_claims_csv(layers: Layers, path: Path) -> Path:
    """events.csv: one row per claim, in time order."""
    events = layers["events"]
    figures = figure_keys(events)
    ordered = sorted(events["features"], key=lambda f: (timefmt.parse(f["properties"]["time"]), f["properties"]["id"]))
    header = [*COLUMNS_BEFORE, *(FIGURE_COLUMN + f for f in figures), *COLUMNS_AFTER]
    write_csv(path, header, csv_columns_of(ordered, COLUMNS_BEFORE, figures, COLUMNS_AFTER))
    return path
