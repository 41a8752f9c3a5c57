"""Point placemarks as GDAL's LIBKML driver writes them, written without it, for a big layer.

LIBKML builds a tree of libkml objects for every placemark before it writes a byte: 100,000 claims
took 3.7 s of the KML job's 9.  `kml.layer_documents` has LIBKML write a big point layer's first
`FEATURES_A_DOCUMENT` placemarks, and this module the rest, once it has written those first ones
byte for byte as LIBKML did (else LIBKML writes them all).  LIBKML stays the authority: the
document, its schema, every small layer and every line or polygon are its own, and the tests hold
this module to it over classes of values (hypothesis), not only over the shipped layers.

What LIBKML writes for a point (GDAL 3.12, through pyogrio 0.13), as measured:
- the elements in the order name, description, TimeStamp or TimeSpan, ExtendedData (a SimpleData for
  each column with a value, in the frame's order; none where no column has one), Point; an indent of
  two spaces a level;
- text holding `&`, `'`, `<`, `>` or `"` in a CDATA section, any other text as it is (`kml_text`
  has already put marks for `]]>` and U+FFFD for what XML forbids);
- integers in decimal, floats as C's `%.15g`, a missing value (null, NaN, empty text) left out;
- coordinates as `%.15g` with an altitude of 0.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype, is_object_dtype

ELEMENT_COLUMNS = ("id", "name", "description", "timestamp", "begin", "end")
QUOTED = re.compile("[&'<>\"]")


def writable(frame: pd.DataFrame) -> bool:
    """Whether every placemark of `frame` (a `kml_frame`) is a point and every column of a type written here."""
    columns = [c for c in frame.columns if c != "geometry"]
    return bool((frame.geometry.geom_type == "Point").all()) and all(_format(frame[c]) is not None for c in columns)


def placemark_chunks(kind: str, frame: pd.DataFrame, rows: int = 5_000) -> Iterator[str]:
    """The placemarks of `frame` (`writable`), `rows` at a time, each chunk the text LIBKML writes for them
    inside the layer's folder."""
    for start in range(0, len(frame), rows):
        yield "".join(placemarks(kind, frame.iloc[start : start + rows]))


def placemarks(kind: str, frame: pd.DataFrame) -> list[str]:
    """Each feature's placemark, joined from columns of lines: a column's line where the feature has a value."""
    n = len(frame)
    columns = [[f'      <Placemark id="{fid}">\n' for fid in frame["id"].tolist()]]
    for name in ("name", "description"):
        if name in frame:
            columns.append(_lines(n, frame[name], f"        <{name}>", f"</{name}>\n"))
    if "timestamp" in frame:
        columns.append(
            _lines(n, frame["timestamp"], "        <TimeStamp>\n          <when>", "</when>\n        </TimeStamp>\n")
        )
    if "begin" in frame or "end" in frame:
        columns.append(_time_spans(n, frame))
    data = [
        _lines(n, frame[c], f'            <SimpleData name="{c}">', "</SimpleData>\n")
        for c in frame.columns
        if c not in ELEMENT_COLUMNS and c != "geometry"
    ]
    data = [lines for lines in data if lines is not None]
    if data:  # ExtendedData only around a feature's data, where it has any
        held = [any(lines) for lines in zip(*data)]
        head = f'        <ExtendedData>\n          <SchemaData schemaUrl="#{kind}.schema">\n'
        columns.append([head * h for h in held])
        columns += data
        columns.append(["          </SchemaData>\n        </ExtendedData>\n" * h for h in held])
    points = zip(frame.geometry.x.tolist(), frame.geometry.y.tolist())
    columns.append([POINT.format(real(x), real(y)) for x, y in points])
    return list(map("".join, zip(*(column for column in columns if column is not None))))


POINT = (
    "        <Point>\n          <coordinates>\n            {},{},0\n          </coordinates>\n        </Point>\n"
    "      </Placemark>\n"
)


def _lines(n: int, column: pd.Series, before: str, after: str) -> list[str] | None:
    """Each of the `n` features' line of `column`: its value between `before` and `after`, '' where it has
    none; None where no feature has one."""
    rows, values = _values(column)
    if not rows:
        return None
    lines = [""] * n
    for row, value in zip(rows, values):
        lines[row] = before + value + after
    return lines


def _time_spans(n: int, frame: pd.DataFrame) -> list[str]:
    """Each feature's TimeSpan, '' where it has neither a begin nor an end."""
    empty = [""] * n
    begins = _lines(n, frame["begin"], "          <begin>", "</begin>\n") if "begin" in frame else None
    ends = _lines(n, frame["end"], "          <end>", "</end>\n") if "end" in frame else None
    return [
        f"        <TimeSpan>\n{begin}{end}        </TimeSpan>\n" if begin or end else ""
        for begin, end in zip(begins or empty, ends or empty)
    ]


def _values(column: pd.Series) -> tuple[list[int], list[str]]:
    """The rows with a value, and each value as LIBKML writes it."""
    format_ = _format(column)
    if format_ is libkml_text:  # text: most features have most texts, and a look for the quoted marks is quick
        values = column.tolist()
        rows = [row for row, value in enumerate(values) if value.__class__ is str and value]  # "": as missing
        texts = [values[row] for row in rows]
        if not QUOTED.search("\n".join(texts)):  # one look over a column of ids or times
            return rows, texts
        if is_object_dtype(column.dtype):  # the element columns (a balloon's first mark is at its start)
            return rows, list(map(libkml_text, texts))
        quoted = column.str.contains(QUOTED.pattern).to_numpy(dtype=bool, na_value=False)  # by Arrow, in C++
        return rows, [libkml_text(text) if quoted[row] else text for row, text in zip(rows, texts)]
    present = column.notna().to_numpy()
    return np.flatnonzero(present).tolist(), list(map(format_, column[present].tolist()))


def libkml_text(text: str) -> str:
    """Text as LIBKML writes it: in a CDATA section when it holds `QUOTED` characters, else as it is."""
    return f"<![CDATA[{text}]]>" if QUOTED.search(text) else text


def _format(column: pd.Series) -> Callable[[object], str] | None:
    """How LIBKML writes a value of `column`; None for a type not written here."""
    dtype = column.dtype
    # Text, as pandas keeps it or as Python objects (the element columns: `kml_frame`).
    if isinstance(dtype, pd.StringDtype) or (is_object_dtype(dtype) and infer_dtype(column) == "string"):
        return libkml_text
    if dtype in (np.int32, np.int64, pd.Int32Dtype(), pd.Int64Dtype()):
        return str
    if dtype == np.float64:
        return real
    return None


real = "{:.15g}".format  # a float as GDAL hands it to libkml, and a coordinate as libkml writes it
