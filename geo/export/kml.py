"""KML for Google Earth and GIS, written by GDAL's LIBKML driver (through pyogrio).

One `<Folder>` per layer; each feature a `<Placemark>` whose `<name>`,
`<description>` (escaped HTML with the sources as links), `<TimeStamp>` or
`<TimeSpan>` come from the columns LIBKML maps to those elements (`name`,
`description`, `timestamp`, `begin`, `end`, `id` for the placemark's id), and
every other column goes into `<ExtendedData>` under a `<Schema>` per layer, so
QGIS or ogr2ogr reads them back as typed fields.

What LIBKML does not do, measured with GDAL 3.12 (pyogrio 0.13), and how it is
made up for here (in the data before GDAL sees it, except the first):

- it writes text holding `<`, `>`, `&` or quotes as a CDATA section without
  splitting a `]]>` inside it (a name `a ]]> <b>` gave malformed XML), and
  there is no option to escape instead (it escapes only text that already holds
  `<![CDATA[`, and then leaves every `&` that starts something entity-like as it
  is, so `&<` came out as the malformed `&&lt;`). This one part is our own:
  `kml_text` puts marks in place of `]]>` and `<![CDATA[`, so libkml always
  writes a CDATA section, and `close_cdata_ends` writes them back properly once
  GDAL is done;
- it writes attribute values unescaped (a field named `a"b` gave
  `<SimpleField name="a"b">`): field names are made attribute-safe, see
  `extended_names`; placemark ids are `<layer>-<id>` of slugs, safe already;
- it passes characters XML 1.0 forbids straight through: they become U+FFFD
  (`geo validate` warns about them);
- it takes a column named like one of its element fields (`visibility`,
  `heading`, `icon`...) for that element: such a property is renamed with a
  trailing `_` so it stays in ExtendedData;
- it writes 64-bit integer columns as `type="string"`: integer columns that
  fit in 32 bits are written as 32-bit integers (figures as nullable ones), so
  they read back as numbers;
- every coordinate gets an altitude of 0 (`67.1,29.2,0`), as libkml always
  writes three.

LIBKML writes no timestamps or random ids: the same layers give the same bytes.  A big layer of points
has its placemarks after the first `FEATURES_A_DOCUMENT` written by `placemarks`, the bytes LIBKML
writes for them in under half its time (see there).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import html
import mmap
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
from shapely.geometry import shape

from geo import fields, timefmt
from geo.contract import URDU_FIELDS
from geo.errors import GeoError
from geo.export import placemarks
from geo.export.tables import FlatTables, integer_figures, sources_text, utc_time
from geo.layers import Layers
from geo.output import out_of_space
from geo.patterns import XML_FORBIDDEN_CHARS

# Characters XML 1.0 forbids; KML gets U+FFFD in their place (`geo validate` warns about them).
# (The marks below, private-use characters, are taken too: they stand for "]]>" and "<![CDATA["
# while GDAL writes.)
XML_FORBIDDEN = re.compile(f"[{XML_FORBIDDEN_CHARS}\U000f0000\U000f0001]")
CDATA_END_MARK = "\U000f0000"
CDATA_START_MARK = "\U000f0001"
CDATA_SECTION = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)
# libkml writes attribute values as they are: these would end or break one.
ATTRIBUTE_UNSAFE = re.compile('["<&]')
# Columns the LIBKML driver maps to KML elements rather than ExtendedData (GDAL's LIBKML
# driver documentation, "Fields": the LIBKML_*_FIELD defaults), compared ignoring case.
LIBKML_FIELDS = frozenset(
    name.casefold()
    for name in (
        "id",
        "name",
        "description",
        "timestamp",
        "begin",
        "end",
        "altitudeMode",
        "tessellate",
        "extrude",
        "visibility",
        "icon",
        "drawOrder",
        "snippet",
        "heading",
        "tilt",
        "roll",
        "model",
        "scale_x",
        "scale_y",
        "scale_z",
        "networklink",
        "networklink_refreshvisibility",
        "networklink_flytoview",
        "networklink_refreshmode",
        "networklink_refreshinterval",
        "networklink_viewrefreshmode",
        "networklink_viewrefreshtime",
        "networklink_viewboundscale",
        "networklink_viewformat",
        "networklink_httpquery",
        "camera_longitude",
        "camera_latitude",
        "camera_altitude",
        "camera_altitudemode",
        "photooverlay",
        "leftfov",
        "rightfov",
        "bottomfov",
        "topfov",
        "near",
        "shape",
        "imagepyramid_tilesize",
        "imagepyramid_maxwidth",
        "imagepyramid_maxheight",
        "imagepyramid_gridorigin",
        "OGR_STYLE",
    )
)
# What the balloon shows besides the name, in this order.
KML_FIELDS = (
    "name_ur",
    "km_from_quetta",
    "time",
    "claimed_by",
    "claimed_by_detail",
    "summary",
    "figures",
    "role",
    "position_accuracy_m",
    "position_basis",
    "notes",
)
INT32 = np.iinfo(np.int32)
LABEL_HTML = {field: html.escape(fields.label(field)) for field in KML_FIELDS}


def kml_text(value: str) -> str:
    """Text for LIBKML: forbidden characters as U+FFFD, "]]>" and "<![CDATA[" as marks that
    `close_cdata_ends` replaces."""
    return XML_FORBIDDEN.sub("\ufffd", value).replace("]]>", CDATA_END_MARK).replace("<![CDATA[", CDATA_START_MARK)


def kml_texts(values: list[str]) -> list[str]:
    """`kml_text` of each value; one look over them all finds the usual case, nothing to change."""
    joined = "\n".join(values)
    if "]]>" not in joined and "<![CDATA[" not in joined and not has_xml_forbidden(joined):
        return values
    return [kml_text(v) for v in values]


# Bytes other than the C0 controls XML forbids: deleting them from UTF-8 text leaves only those.
NOT_FORBIDDEN_BYTES = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 13)))
# How the other characters `XML_FORBIDDEN` matches start in UTF-8: U+FFFE and U+FFFF (with U+FFF0 to
# U+FFFD) and the two marks (with other characters of their plane).
FORBIDDEN_PREFIXES = (b"\xef\xbf", b"\xf3\xb0\x80")
assert all(c.encode().startswith(FORBIDDEN_PREFIXES) for c in ("\ufffe", "\uffff", CDATA_END_MARK, CDATA_START_MARK))


def has_xml_forbidden(text: str) -> bool:
    """Whether `text` holds a character `XML_FORBIDDEN` matches: looked for in its UTF-8 bytes (a byte
    translation for the C0 controls, a search for how the others start), several times quicker than the
    pattern on the megabytes of a year's balloons; the pattern only where one of those starts is found."""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return True
    if data.translate(None, NOT_FORBIDDEN_BYTES):
        return True
    if data.isascii() or not any(prefix in data for prefix in FORBIDDEN_PREFIXES):
        return False
    return XML_FORBIDDEN.search(text) is not None


def close_cdata_ends(text: str) -> str:
    """Each "]]>" and "<![CDATA[" of the data back in the document: inside libkml's CDATA sections the
    first split over two sections ("]]]]><![CDATA[>", which a reader joins again) and the second as it
    is; elsewhere escaped ("]]&gt;", "&lt;![CDATA[")."""
    if CDATA_END_MARK not in text and CDATA_START_MARK not in text:
        return text
    text = CDATA_SECTION.sub(
        lambda m: m.group(0).replace(CDATA_END_MARK, "]]]]><![CDATA[>").replace(CDATA_START_MARK, "<![CDATA["), text
    )
    return text.replace(CDATA_END_MARK, "]]&gt;").replace(CDATA_START_MARK, "&lt;![CDATA[")


def kml_descriptions(features: list[dict]) -> list[str]:
    """HTML for each balloon, every value escaped: Google Earth shows text and links, never markup from data.

    Built a field at a time over all the features (a year of claims is 100,000 balloons): a column per
    field, each line led by its break, the lines of a balloon joined at once."""
    props = [f["properties"] for f in features]
    held = set().union(*props)
    shown = [field for field in KML_FIELDS if field in held]
    texts = fields.format_columns(shown, props)
    columns = [balloon_lines(field, texts[field], props) for field in shown]
    lines = map("".join, zip(*columns)) if columns else [""] * len(props)
    links = ["<br/><b>Sources</b>: " + text if text else "" for text in source_links(props)]
    return [text[len("<br/>") :] + sources for text, sources in zip(lines, links)]


def balloon_lines(field: str, texts: list[str | None], props: list[dict]) -> list[str]:
    """Each feature's line of `field` (`texts`: its text in each feature) in its balloon, after a break
    ('' where it has none)."""
    if field == "claimed_by_detail":  # shown once: not when it says what claimed_by says
        texts = [None if t is not None and p[field] == p.get("claimed_by") else t for t, p in zip(texts, props)]
    # Urdu marked as Urdu (WCAG 2.2 3.1.2, language of parts): read in an Urdu voice, set right to left.
    open_, close = ('<span lang="ur" dir="rtl">', "</span>") if field in URDU_FIELDS else ("", "")
    head = f"<br/><b>{LABEL_HTML[field]}</b>: {open_}"
    return ["" if text is None else head + text + close for text in escape_all(texts)]


def source_links(props: list[dict]) -> list[str]:
    """Each feature's sources as 'Outlet, date' links (plain text where there is no URL), joined by '; '.

    Sources repeat from feature to feature: each is written once."""
    written: dict[tuple, str] = {}
    out = []
    for p in props:
        links = []
        for source in p.get("sources", ()):
            key = (source["outlet"], source["date"], source.get("url"))
            link = written.get(key)
            if link is None:
                link = written[key] = source_link(*fields.source_parts(source))
            links.append(link)
        out.append("; ".join(links))
    return out


def source_link(outlet: str, date: str, url: str) -> str:
    outlet, date, url = html.escape(outlet), html.escape(date), html.escape(url)
    return f'<a href="{url}">{outlet}, {date}</a>' if url else f"{outlet}, {date}"


def escape_all(texts: list[str | None]) -> list[str | None]:
    """`html.escape` of each text (None stays None): one call over them all, joined by NUL where no text
    holds one."""
    present = [t for t in texts if t is not None]
    if not present:
        return texts
    joined = "\0".join(present)
    if joined.count("\0") == len(present) - 1:
        escaped = html.escape(joined).split("\0")
    else:
        escaped = [html.escape(t) for t in present]
    it = iter(escaped)
    return [None if t is None else next(it) for t in texts]


def kml_times(props: list[dict]) -> dict[str, list[str | None]]:
    """The `timestamp` column for minute precision, else `begin` and `end` of the interval the precision
    covers (only the columns some feature has)."""
    timed = (isinstance(p.get("time"), str) and "time_precision" in p for p in props)
    times = [_kml_time(p["time"], p["time_precision"]) if has else NO_TIME for p, has in zip(props, timed)]
    columns = dict(zip(("timestamp", "begin", "end"), map(list, zip(*times)))) if times else {}
    return {key: column for key, column in columns.items() if any(v is not None for v in column)}


NO_TIME = (None, None, None)


@functools.lru_cache(maxsize=1 << 17)
def _kml_time(time: str, precision: str) -> tuple[str | None, str | None, str | None]:
    start, end = timefmt.interval(time, precision)
    if precision == "minute":
        return start.isoformat(), None, None
    return None, start.isoformat(), end.isoformat()


def extended_names(columns: list[str]) -> dict[str, str]:
    """Each data column's ExtendedData name: attribute-safe, not one LIBKML takes, unique ignoring case."""
    taken = {"feature_id", "sources"}
    names = {}
    for column in columns:
        name = ATTRIBUTE_UNSAFE.sub("_", XML_FORBIDDEN.sub("\ufffd", column)) or "field"
        while name.casefold() in LIBKML_FIELDS or name.casefold() in taken:
            name += "_"
        taken.add(name.casefold())
        names[column] = name
    return names


def extended_data(kind: str, collection: dict, tables: FlatTables) -> pd.DataFrame:
    """The queryable columns: `feature_id`, every property (times as text), each figure, `sources`."""
    data = integer_figures(tables.table(kind), "Int32")
    data = data.drop(columns=[c for c in ("id", "name") if c in data])
    if "time" in data:
        data["time"] = python_texts([utc_time(v) if isinstance(v, str) else v for v in data["time"]])
    for column in data.columns:
        data[column] = _kml_column(data[column])
    data = data.rename(columns=extended_names(list(data.columns)))
    data.insert(0, "feature_id", python_texts([f["properties"]["id"] for f in collection["features"]]))
    data["sources"] = python_texts(kml_texts([sources_text(f["properties"]) for f in collection["features"]]))
    return data


def python_texts(values: list) -> pd.Series:
    """A column of texts the KML makes, kept as Python objects: LIBKML writes only a big layer's first
    placemarks from Arrow, and `placemarks` the rest from these (pandas' copy of each into Arrow and
    back cost a year of claims 0.1 s)."""
    return pd.Series(values, dtype=object)


def _kml_column(column: pd.Series) -> pd.Series:
    if column.dtype == np.int64 and column.between(INT32.min, INT32.max).all():
        return column.astype("int32")  # LIBKML writes 64-bit integers as strings
    if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
        texts = [v for v in column.tolist() if isinstance(v, str)]
        if kml_texts(texts) is texts:  # nothing to change, the common case
            return column
        return column.map(lambda v: kml_text(v) if isinstance(v, str) else v)
    return column


def kml_frame(kind: str, collection: dict, tables: FlatTables | None = None) -> gpd.GeoDataFrame:
    """A layer as LIBKML wants it: element columns first (id, name, description, times), then ExtendedData
    (from `tables`, where another writer shares them)."""
    tables = tables if tables is not None else FlatTables({kind: collection})
    features = collection["features"]
    elements = {
        "id": [f"{kind}-{f['properties']['id']}" for f in features],
        "name": kml_texts([str(f["properties"].get("name") or f["properties"]["id"]) for f in features]),
        "description": kml_texts(kml_descriptions(features)),
        **kml_times([f["properties"] for f in features]),
    }
    elements = pd.DataFrame({name: python_texts(values) for name, values in elements.items()})
    frame = pd.concat([elements, extended_data(kind, collection, tables)], axis=1)
    return gpd.GeoDataFrame(frame, geometry=_geometries(features), crs="EPSG:4326")


def _geometries(features: list[dict]):
    if all(f["geometry"]["type"] == "Point" for f in features):  # most features: no shapely round trip
        return gpd.points_from_xy(
            [f["geometry"]["coordinates"][0] for f in features], [f["geometry"]["coordinates"][1] for f in features]
        )
    return [shape(f["geometry"]) for f in features]


def document_name(layers: Layers, path: Path) -> str:
    """What the layers hold: one incident's title, or how many incidents from when to when; else the file's
    name."""
    from geo.describe import date_range

    records = sorted(
        (f["properties"] for f in layers.get("incidents", {"features": []})["features"]),
        key=lambda p: (p["date"], p["id"]),
    )
    if len(records) == 1:
        return f"{records[0]['name']}, {date_range(records[0]['date'], records[0].get('end_date'))}"
    if records:
        last = records[-1].get("end_date") or records[-1]["date"]
        return f"{len(records)} incidents on the line, {date_range(records[0]['date'])} to {date_range(last)}"
    return path.stem


def writing_order(layers: Layers) -> list[str]:
    """The layers' folders in the document: in their order, the one with most features moved last (the
    order of the KML since it was written by appending to one document, when the big one went last)."""
    biggest = max(layers, key=lambda kind: len(layers[kind]["features"]), default=None)
    return [kind for kind in layers if kind != biggest] + ([biggest] if biggest is not None else [])


def write_kml(layers: Layers, path: Path, title: str | None = None, tables: FlatTables | None = None) -> list[Path]:
    """A folder per layer in one KML document named `title` (default: `document_name`); `tables`: the
    layers' tables, where another writer shares them.

    pyogrio writes one layer a call, and LIBKML reads a whole document again for each layer appended to
    it: each layer is written as documents of its own instead (`layer_documents`), and the documents are
    joined (`write_joined`: the same bytes as appending gave; the shipped layers' KML in 0.3 s, not 0.65,
    and 100,000 events' in 7 s, not 16)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    name = kml_text(title or document_name(layers, path))
    kinds = writing_order(layers)
    tables = tables if tables is not None else FlatTables(layers)
    with tempfile.TemporaryDirectory(prefix=".kml-", dir=path.parent) as parts:
        documents = [layer_documents(kind, layers[kind], Path(parts), path, tables) for kind in kinds]
        write_joined(documents, kinds, name, path)
    return [path]


DOCUMENT_START = b'  <Document id="root_doc">\n'
DOCUMENT_END = b"  </Document>\n</kml>\n"
FOLDER_END = b"    </Folder>\n"
# Features LIBKML writes as one document.  It holds a whole document in memory until it is closed:
# 100,000 claims in one document took 520,000 page faults (2 s of the kernel's time handing it fresh
# memory); 5,000 a document, each reusing the memory of the one before, 135,000 (0.7 s).
FEATURES_A_DOCUMENT = 5_000


def layer_documents(kind: str, collection: dict, parts: Path, whole: Path, tables: FlatTables) -> list[Path]:
    """One layer as LIBKML writes it, in `parts`: one document, or a big layer's features
    `FEATURES_A_DOCUMENT` at a time, each document the layer's folder with those placemarks (`whole`:
    the document they go into, named by an error).

    A big layer of points is LIBKML's first document and one more of the other placemarks, written by
    `placemarks` once it has written the first document's placemarks as LIBKML did."""
    frame = kml_frame(kind, collection, tables)
    starts = range(0, len(frame), FEATURES_A_DOCUMENT)
    if len(starts) > 1:
        pieces = [frame.iloc[start : start + FEATURES_A_DOCUMENT] for start in starts]
        first = layer_document(kind, pieces[0], parts / f"{kind}.0.kml", whole)
        if placemarks.writable(frame) and placemarks_as_written(kind, pieces[0], first):
            return [first, placemarks_document(kind, frame.iloc[FEATURES_A_DOCUMENT:], first, parts / f"{kind}.1.kml")]
        later = [layer_document(kind, piece, parts / f"{kind}.{i}.kml", whole) for i, piece in enumerate(pieces[1:], 1)]
        documents = [first, *later]
        if len({schema_of(document, kind) for document in documents}) == 1:
            return documents
        for document in documents:  # a column LIBKML typed otherwise in one piece: the layer is written whole
            document.unlink()
    return [layer_document(kind, frame, parts / f"{kind}.kml", whole)]


def placemarks_as_written(kind: str, frame: gpd.GeoDataFrame, document: Path) -> bool:
    """Whether `placemarks` writes the placemarks of `frame` byte for byte as LIBKML wrote them in `document`."""
    with mapped_alone(document) as text:
        start, end = placemarks_range(text)
        written = text[start:end]
    return "".join(placemarks.placemark_chunks(kind, frame)).encode() == written


def placemarks_range(text: mmap.mmap) -> tuple[int, int]:
    """Where a one-layer LIBKML document's placemarks start (its first placemark's line) and end (where the
    folder's closing line starts)."""
    return text.find(b"\n      <Placemark ") + 1, len(text) - len(FOLDER_END) - len(DOCUMENT_END)


def placemarks_document(kind: str, frame: gpd.GeoDataFrame, first: Path, part: Path) -> Path:
    """The placemarks of `frame`, written by `placemarks`, as a document like LIBKML's `first` of the layer."""
    with mapped_alone(first) as text:
        head = text[: placemarks_range(text)[0]]
    with part.open("wb") as out:
        out.write(head)
        for chunk in placemarks.placemark_chunks(kind, frame):
            out.write(chunk.encode())
        out.write(FOLDER_END + DOCUMENT_END)
    return part


def layer_document(kind: str, frame: gpd.GeoDataFrame, part: Path, whole: Path) -> Path:
    """Features of one layer as a KML document of its own, as LIBKML writes it."""
    try:
        pyogrio.write_dataframe(
            frame,
            part,
            layer=kind,
            driver="LIBKML",
            geometry_type="Unknown",
            layer_options={"FOLDER": "YES"},
            use_arrow=True,
        )
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise GeoError(f"{whole}: cannot write the KML's {kind} layer: {exc}", path=whole) from None
    with part.open("rb") as document:
        document.seek(max(0, part.stat().st_size - len(DOCUMENT_END)))
        whole_document = document.read() == DOCUMENT_END
    if not whole_document:  # LIBKML reports no failed write: a document cut short is one
        error = OSError(errno.EIO, f"LIBKML stopped writing the {kind} layer before the document's end", str(whole))
        if out_of_space(error, part.parent):  # measured while the cut document still takes its space
            error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(whole))
        raise error
    return part


def schema_of(document: Path, kind: str) -> bytes:
    """A LIBKML document's head and `<Schema>`: everything before its folder."""
    with mapped_alone(document) as text:
        return text[: text.find(folder_line(kind))]


def folder_line(kind: str) -> bytes:
    """The line, with the line break before it, that starts a LIBKML document's folder of `kind`."""
    return f'\n    <Folder id="{kind}">\n'.encode()


MARKS_START = CDATA_END_MARK.encode("utf-8")[:3]  # the first three bytes of either mark
assert CDATA_START_MARK.encode("utf-8").startswith(MARKS_START)


def write_joined(documents: list[list[Path]], kinds: list[str], name: str, path: Path) -> None:
    """One document named `name` at `path` from LIBKML's documents of each layer (`layer_documents`): the
    first's head (the XML declaration, the document), the name, then every layer's `<Schema>`, then every
    layer's `<Folder>`, its placemarks from each of its documents in turn.

    The name is written here as LIBKML writes text (a CDATA section when it holds markup characters), so
    the documents hold no data before their folders: only the head and the schema, whose field names are
    attribute-safe (`extended_names`).  The first line `<Folder id="kind">` is the layer's folder, and
    its placemarks end where its closing line starts.  The folders go from file to file as bytes (a year
    of claims is hundreds of megabytes): only a part holding a mark of `kml_text` is read as text, for
    `close_cdata_ends`."""
    with contextlib.ExitStack() as stack:
        maps = [[mapped(stack, document) for document in layer] for layer in documents]
        with path.open("wb", buffering=0) as out:  # unbuffered: `copy_range` writes beside it
            folders = []
            for index, (texts, kind) in enumerate(zip(maps, kinds)):
                text = texts[0]
                folder = text.find(folder_line(kind)) + 1
                schema = text.find(b"\n    <Schema ", 0, folder) + 1 or folder  # a layer with no data columns has none
                if index == 0:
                    shown = placemarks.libkml_text(name)
                    named = DOCUMENT_START + close_cdata_ends(f"    <name>{shown}</name>\n").encode()
                    write_all(out, text[:schema].replace(DOCUMENT_START, named, 1))
                write_all(out, text[schema:folder])
                folders += folder_parts(texts, folder)
            for text, start, end in folders:
                if text.find(MARKS_START, start, end) >= 0:
                    write_all(out, close_cdata_ends(text[start:end].decode("utf-8")).encode("utf-8"))
                else:
                    copy_range(text, start, end, out)
            write_all(out, DOCUMENT_END)


def folder_parts(texts: list[Mapped], folder: int) -> list[tuple[Mapped, int, int]]:
    """(document, start, end) of one layer's folder in its documents: the first's from the folder's first
    line (`folder`), each other's from its first placemark; the last's to the folder's end, each other's
    to its last placemark's end."""
    parts = []
    for index, text in enumerate(texts):
        start, end = placemarks_range(text)
        parts.append((text, folder if index == 0 else start, end + len(FOLDER_END) if text is texts[-1] else end))
    return parts


class Mapped(mmap.mmap):
    """A document's bytes, mapped rather than read, and its file (for `copy_range`)."""

    file: BinaryIO


def mapped(stack: contextlib.ExitStack, document: Path) -> Mapped:
    """A document's bytes, mapped rather than read (closed with `stack`)."""
    file = stack.enter_context(document.open("rb"))
    text = stack.enter_context(Mapped(file.fileno(), 0, access=mmap.ACCESS_READ))
    text.file = file
    return text


@contextlib.contextmanager
def mapped_alone(document: Path) -> Iterator[Mapped]:
    """A document's bytes, mapped rather than read, for the block."""
    with contextlib.ExitStack() as stack:
        yield mapped(stack, document)


def copy_range(text: Mapped, start: int, end: int, out: BinaryIO) -> None:
    """Bytes [start, end) of a mapped document appended to `out`: by the kernel, file to file, where it can
    (a year of claims is hundreds of megabytes)."""
    while start < end and hasattr(os, "copy_file_range"):
        try:
            copied = os.copy_file_range(text.file.fileno(), out.fileno(), end - start, start)
        except OSError as exc:
            if exc.errno not in KERNEL_CANNOT_COPY:
                raise
            break
        if copied == 0:  # the document is shorter than it was when mapped
            raise OSError(errno.EIO, f"{text.file.name}: ended before byte {end}")
        start += copied
    write_all(out, memoryview(text)[start:end])  # what the kernel could not copy, if anything


def write_all(out: BinaryIO, data: bytes | memoryview) -> None:
    """All of `data` to the unbuffered `out`, which may take less than it is given at a time."""
    view = memoryview(data)
    while view:
        view = view[out.write(view) :]


# copy_file_range(2): the file systems or kernel cannot copy between these files (then Python writes).
KERNEL_CANNOT_COPY = {errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}
