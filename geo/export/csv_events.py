"""events.csv: one row per claim, for a spreadsheet.

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

from geo import timefmt
from geo.export.geojson import DECIMALS
from geo.export.tables import figure_keys, flat_value, local_time, sources_text, utc_time
from geo.layers import Layers

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
# Columns only written when some event has the property (the others are always there).
WHERE_PRESENT = ("time_basis", "name_ur")


def csv_cell(value: Any) -> Any:
    """A cell no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a leading '.

    Numbers, and text that is a plain number (a negative figure), stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def csv_columns(events: dict) -> tuple[list[str], list[str]]:
    """(the columns before the figures, the columns after): figure keys come from the data, in between."""
    present = {c for c in WHERE_PRESENT if any(c in f["properties"] for f in events["features"])}
    before = [
        "id",
        "incident",
        "time",
        "time_local",
        "time_precision",
        "time_pkt",
        *(["time_basis"] if "time_basis" in present else []),
        "claimed_by",
        "claimed_by_detail",
        "name",
        *(["name_ur"] if "name_ur" in present else []),
        "summary",
    ]
    after = [
        "lon",
        "lat",
        "position_accuracy_m",
        "position_basis",
        "km_from_quetta",
        "place",
        "place_reported",
        "notes",
        "sources",
    ]
    return before, after


def csv_row(feature: dict, before: list[str], figures: list[str], after: list[str]) -> list:
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"][:2]
    computed = {
        "time": utc_time(props["time"]),
        "time_local": local_time(props["time"]),
        "time_pkt": timefmt.display(props["time"], props["time_precision"]),
        "lon": round(lon, DECIMALS),
        "lat": round(lat, DECIMALS),
        "sources": sources_text(props),
    }

    def cell(name: str):
        value = computed[name] if name in computed else flat_value(props.get(name))
        return "" if value is None else value

    counts = props.get("figures", {})
    return [*map(cell, before), *(counts.get(k, "") for k in figures), *map(cell, after)]


def write_events_csv(layers: Layers, path: Path) -> list[Path]:
    """One row per claim: UTC and local time, precision, who, each figure, position, chainage, sources."""
    events = layers["events"]
    before, after = csv_columns(events)
    figures = figure_keys(events)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; a CR inside a cell is then quoted too
    writer.writerow([csv_cell(name) for name in (*before, *figures, *after)])
    for feature in sorted(
        events["features"], key=lambda f: (timefmt.parse(f["properties"]["time"]), f["properties"]["id"])
    ):
        writer.writerow([csv_cell(cell) for cell in csv_row(feature, before, figures, after)])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return [path]
