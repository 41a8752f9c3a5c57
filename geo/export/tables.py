"""Features as table rows, shared by the GeoPackage, KML and CSV writers.

One row per feature, one column per property (lists joined, tables as JSON),
one column per claimed figure, and the columns an analyst reaches for on
every timed or placed row even where the data lacks them.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from datetime import timezone
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from geo import timefmt

# On every event row, in every export, even while no event carries them: an analyst's query
# or join should not depend on whether this build's data happened to have the property.
EVENT_COLUMNS = ("incident", "position_accuracy_m", "position_basis", "notes")


@lru_cache(maxsize=1 << 17)
def local_time(value: str) -> str:
    """The source time in Pakistan time with its offset: '2025-03-11T13:00:00+05:00'.

    GeoPackage and FlatGeobuf datetimes are UTC, so this text column keeps the
    wall-clock time the reports give beside them.
    """
    return timefmt.parse(value).isoformat()


def utc_time(value: str) -> str:
    """The source time in UTC, ISO 8601 with a Z: '2025-03-11T08:00:00Z'."""
    return timefmt.parse(value).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def figure_keys(collection: dict) -> list[str]:
    return sorted({k for f in collection["features"] for k in f["properties"].get("figures", {})})


def flat_value(value: Any) -> Any:
    """A property as one table cell: numbers and text as they are, lists joined, tables as JSON."""
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def property_columns(kind: str, collection: dict) -> list[str]:
    """Every property name in first-seen order, `time_local` right after `time`, no sources or figures."""
    seen = dict.fromkeys(itertools.chain.from_iterable(feature["properties"] for feature in collection["features"]))
    columns = [k for k in seen if k not in ("sources", "figures")]
    if kind == "events":
        columns += [c for c in EVENT_COLUMNS if c not in columns]
    if "time" in columns and "time_local" not in columns:
        columns.insert(columns.index("time") + 1, "time_local")
    return columns


def flat_table(kind: str, collection: dict) -> pd.DataFrame:
    """One row per feature, as a frame of storable columns (`storable`): scalar columns, `time_local`
    beside `time`, one column per figure, no sources (they get their own table).

    Built by pandas from the property dicts, not a dict per row: at 100,000 events that cost each
    export seconds."""
    props = [feature["properties"] for feature in collection["features"]]
    columns = property_columns(kind, collection)
    frame = pd.DataFrame(props, columns=columns, index=range(len(props)))
    for column in columns:
        if column == "time_local":
            frame[column] = [local_time(p["time"]) if isinstance(p.get("time"), str) else p.get(column) for p in props]
        elif frame[column].isna().all():  # no feature has it: text, as an analyst's empty column should be
            frame[column] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        elif _may_hold_containers(frame[column]):
            frame[column] = [flat_value(v) for v in frame[column]]
        elif pd.api.types.is_object_dtype(frame[column]):  # a key some features lack: None, as they give it
            frame[column] = frame[column].where(frame[column].notna(), None)
    keys = figure_keys(collection)
    if keys:
        figures = pd.DataFrame([p.get("figures") or {} for p in props], columns=keys, index=frame.index)
        frame = pd.concat([frame, figures.add_prefix("figure_")], axis=1)
    return storable(frame)


class FlatTables(dict):
    """`flat_table` of each of `layers`, made when first asked for and kept: the KML and the GeoPackage
    share one when a process writes both (a year of claims' table takes most of a second).  A writer
    changes a copy (`table`), never the kept frame."""

    def __init__(self, layers: dict):
        super().__init__()
        self.layers = layers

    def __missing__(self, kind: str) -> pd.DataFrame:
        frame = self[kind] = flat_table(kind, self.layers[kind])
        return frame

    def table(self, kind: str) -> pd.DataFrame:
        """A copy of the layer's table, for a writer to change."""
        return self[kind].copy()


def _may_hold_containers(column: pd.Series) -> bool:
    """Whether a column may hold lists or dicts (pandas' C type inference rules most columns out)."""
    return pd.api.types.is_object_dtype(column) and pd.api.types.infer_dtype(column, skipna=True) not in (
        "string",
        "empty",
        "integer",
        "floating",
        "boolean",
        "mixed-integer-float",
    )


def sources_rows(layers: dict) -> list[dict]:
    return [
        {
            "layer": kind,
            "feature_id": f["properties"]["id"],
            "outlet": s["outlet"],
            "date": s["date"],
            "url": s.get("url"),
        }
        for kind, collection in layers.items()
        for f in collection["features"]
        for s in f["properties"].get("sources", [])
    ]


def sources_text(props: dict) -> str:
    """'Dawn (2025-03-12) https://...; BBC (2025-03-11)': a feature's sources in one cell (`parse_sources`
    reads it back)."""
    return "; ".join(
        f"{s['outlet']} ({s['date']})" + (f" {s['url']}" if s.get("url") else "") for s in props.get("sources", [])
    )


# One source in a cell: its outlet (which may hold parentheses and semicolons of its own), its date in
# parentheses, an optional URL (no spaces), then "; " or the end.
SOURCE_IN_TEXT = re.compile(r"(?P<outlet>.+?) \((?P<date>\d{4}(?:-\d{2}){0,2})\)(?: (?P<url>\S+))?(?:; |$)", re.ASCII)


def parse_sources(text: str) -> list[dict] | None:
    """The sources `sources_text` wrote (None if the text is not in that form)."""
    found, at = [], 0
    while at < len(text):
        match = SOURCE_IN_TEXT.match(text, at)
        if match is None:
            return None
        found.append(
            {"outlet": match["outlet"], "date": match["date"], **({"url": match["url"]} if match["url"] else {})}
        )
        at = match.end()
    return found


def storable(frame: pd.DataFrame) -> pd.DataFrame:
    """Each column with one type a GeoPackage can hold.

    A column is numeric only if every value is a finite number within 64 bits,
    boolean only if every value is; anything else becomes text (JSON for lists
    and objects), so an odd value in the data never stops an export.
    """
    for column in frame.columns:
        if _one_type(frame[column]):  # what pandas inferred is storable: no per-value look
            continue
        values = [v for v in frame[column] if not _missing(v)]
        if all(isinstance(v, bool) for v in values) or all(_storable_number(v) for v in values):
            continue
        frame[column] = [
            None if _missing(v) else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for v in frame[column]
        ]
    return frame


def integer_figures(frame: pd.DataFrame, dtype: str = "Int64") -> pd.DataFrame:
    """Figure columns as nullable integers: counts stay INTEGER where some rows lack the figure
    (pandas would make them floats, and GIS would show 214.0 hostages)."""
    for column in frame.columns:
        if column.startswith("figure_") and pd.api.types.is_float_dtype(frame[column]):
            values = frame[column].dropna()
            limit = np.iinfo(dtype.lower()).max
            if (values == values.round()).all() and (values.abs() <= limit).all():
                frame[column] = frame[column].astype(dtype)
    return frame


def _one_type(column: pd.Series) -> bool:
    """Text, booleans, 64-bit integers, or finite floats (NaN is a missing value): as pandas inferred them."""
    if pd.api.types.is_float_dtype(column):
        return bool(np.isfinite(column.dropna()).all())
    return (
        (pd.api.types.is_string_dtype(column) and not pd.api.types.is_object_dtype(column))
        or pd.api.types.is_bool_dtype(column)
        or pd.api.types.is_integer_dtype(column)
    )


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _storable_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and abs(value) < 2**63
