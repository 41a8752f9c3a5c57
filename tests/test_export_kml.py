"""The KML (geo/export/kml.py) read back by expat and by GDAL's LIBKML reader, compared with layers/."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo import timefmt
from geo.export.kml import write_kml, writing_order
from geo.export.tables import FlatTables
from tests.conftest import LAYERS, read_layer

KINDS = ("boundary", "railway", "stations", "tunnels", "staging", "events")
KML = "{http://www.opengis.net/kml/2.2}"
PKT = ZoneInfo("Asia/Karachi")


def by_id(collection: dict) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in collection["features"]}


def local_form(value: str) -> str:
    return datetime.fromisoformat(value).astimezone(PKT).isoformat()


@pytest.fixture(scope="module")
def kml(dist):
    return dist / "jaffar-express.kml"


def test_kml_one_folder_per_layer_named_from_the_data(kml):
    root = ET.parse(kml).getroot()  # expat: well-formed, no character XML 1.0 forbids
    document = root.find(f"{KML}Document")
    incidents = sorted(path.stem for path in (LAYERS / "events").glob("*.geojson"))
    name = document.find(f"{KML}name").text
    assert name.startswith(f"{len(incidents)} incidents on the line, ") if len(incidents) > 1 else name
    folders = {f.find(f"{KML}name").text: f for f in document.findall(f"{KML}Folder")}
    assert set(KINDS) <= set(folders)
    for kind in KINDS:
        assert len(folders[kind].findall(f"{KML}Placemark")) == len(read_layer(kind)["features"])
        assert document.find(f"{KML}Schema[@id='{kind}.schema']") is not None


@pytest.mark.parametrize("kind", KINDS)
def test_kml_extended_data_queryable(kml, kind):
    """GDAL reads every layer back with its ExtendedData as typed columns, one row per source feature."""
    frame = pyogrio.read_dataframe(kml, layer=kind)
    source = by_id(read_layer(kind))
    assert sorted(frame["feature_id"]) == sorted(source)
    assert list(frame["id"]) == [f"{kind}-{fid}" for fid in frame["feature_id"]]
    for row in frame.to_dict("records"):
        props = source[row["feature_id"]]["properties"]
        assert row["Name"] == props["name"]
        for key in ("position_accuracy_m", "km_from_quetta_start", "notes", "position_basis", "name_ur"):
            if key in props:
                assert row[key] == props[key], (row["feature_id"], key)
        if "time" in props:
            assert row["time_local"] == local_form(props["time"])
            assert datetime.fromisoformat(row["time"]) == datetime.fromisoformat(props["time"])
        assert props["sources"][0]["outlet"] in row["sources"]


def test_kml_event_fields_and_figures(kml):
    frame = pyogrio.read_dataframe(kml, layer="events")
    assert {"incident", "claimed_by", "time_precision", "position_accuracy_m", "notes"} <= set(frame.columns)
    assert pd.api.types.is_numeric_dtype(frame["figure_hostages"])
    for row in frame.to_dict("records"):
        props = by_id(read_layer("events"))[row["feature_id"]]["properties"]
        assert row["claimed_by"] == props["claimed_by"] and row["time_precision"] == props["time_precision"]
        for key, value in props.get("figures", {}).items():
            assert row[f"figure_{key}"] == value


def test_kml_timestamp_or_timespan_by_precision(kml):
    """Minute precision: a TimeStamp at the stated minute; any other: the TimeSpan its precision covers."""
    root = ET.parse(kml).getroot()
    folder = next(f for f in root.iter(f"{KML}Folder") if f.find(f"{KML}name").text == "events")
    source = by_id(read_layer("events"))
    for placemark in folder.findall(f"{KML}Placemark"):
        props = source[placemark.get("id").removeprefix("events-")]["properties"]
        stated = datetime.fromisoformat(props["time"])
        when = placemark.find(f"{KML}TimeStamp/{KML}when")
        span = placemark.find(f"{KML}TimeSpan")
        if props["time_precision"] == "minute":
            assert span is None and datetime.fromisoformat(when.text) == stated.replace(second=0, microsecond=0)
        else:
            assert when is None
            begin, end = (datetime.fromisoformat(span.find(f"{KML}{tag}").text) for tag in ("begin", "end"))
            assert (begin, end) == timefmt.interval(props["time"], props["time_precision"])
            assert begin <= stated < end


def test_kml_descriptions_are_escaped_html_with_sources(kml):
    root = ET.parse(kml).getroot()
    source = {f"{k}-{fid}": f for k in KINDS for fid, f in by_id(read_layer(k)).items()}
    placemarks = [p for p in root.iter(f"{KML}Placemark") if p.get("id") in source]
    assert len(placemarks) == len(source)
    for placemark in placemarks:
        props = source[placemark.get("id")]["properties"]
        description = placemark.find(f"{KML}description").text
        assert "<b>Sources</b>" in description
        outlet = props["sources"][0]["outlet"]
        assert outlet.replace("&", "&amp;").replace("'", "&#x27;").replace('"', "&quot;") in description


def test_kml_balloons_mark_urdu_as_urdu_and_show_each_text_once(kml):
    """Every Urdu name is in its balloon inside lang="ur" dir="rtl" (WCAG 2.2 3.1.2); "Who said it" is left
    out where it says what "Claimed by" says."""
    root = ET.parse(kml).getroot()
    source = {f"{k}-{fid}": f for k in KINDS for fid, f in by_id(read_layer(k)).items()}
    named_in_urdu = 0
    for placemark in root.iter(f"{KML}Placemark"):
        props = source.get(placemark.get("id"), {}).get("properties", {})
        description = placemark.find(f"{KML}description").text
        if props.get("name_ur"):
            named_in_urdu += 1
            assert f'<span lang="ur" dir="rtl">{props["name_ur"]}</span>' in description
        if props.get("claimed_by_detail") and props["claimed_by_detail"] == props["claimed_by"]:
            assert "<b>Who said it</b>" not in description
    assert named_in_urdu >= 10


HOSTILE_TEXT = {
    "cdata-end": "before ]]> after <b>",
    "cdata-start-and-end": "x <![CDATA[ y ]]> z",
    "cdata-start-then-entities": "a <![CDATA[ b &amp; c ]]> d &< e &#x3C; f",
    "markup": "<script>alert(1)</script> & 'quotes' \"double\"",
    "forbidden": "vertical\x0btab, NUL\x00 and \x01",
    "urdu": "جعفر ایکسپریس",
}


def hostile_layers() -> dict:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [67.5 + i / 10, 29.6]},
            "properties": {
                "id": f"case-{i}",
                "name": text,
                "notes": text,
                "visibility": text,
                'a"b<c': text,
                "time": "2025-03-11T13:00:00+05:00",
                "time_precision": "minute",
                "sources": [{"outlet": text, "date": "2025-03-12", "url": "https://x.test/?a=1&b=2"}],
            },
        }
        for i, text in enumerate(HOSTILE_TEXT.values())
    ]
    return {"staging": {"type": "FeatureCollection", "features": features}}


def test_hostile_text_in_a_big_layer_is_written_as_libkml_writes_it(tmp_path, monkeypatch):
    """Markup, CDATA ends and starts, characters XML forbids, unsafe field names: where `placemarks`
    writes a big layer's later placemarks, the document is byte for byte the one LIBKML writes whole."""
    from geo.export import kml

    title = "a ]]> <title> & \x01"
    whole = write_kml(hostile_layers(), tmp_path / "libkml.kml", title=title)[0].read_bytes()
    monkeypatch.setattr(kml, "FEATURES_A_DOCUMENT", 2)
    original, written = kml.placemarks_document, []

    def recorded(kind, *args):
        written.append(kind)
        return original(kind, *args)

    monkeypatch.setattr(kml, "placemarks_document", recorded)
    assert write_kml(hostile_layers(), tmp_path / "placemarks.kml", title=title)[0].read_bytes() == whole
    assert written == ["staging"], "placemarks wrote the later placemarks"


def test_kml_hostile_text_well_formed_and_read_back(tmp_path):
    """libkml neither splits ']]>' in CDATA nor escapes attributes nor drops forbidden characters:
    the writer makes up for it, and GDAL reads back the text (forbidden characters as U+FFFD)."""
    path = write_kml(hostile_layers(), tmp_path / "hostile.kml", title="a ]]> <title> & \x01")[0]
    root = ET.parse(path).getroot()
    assert root.find(f"{KML}Document/{KML}name").text == "a ]]> <title> & \ufffd"
    frame = pyogrio.read_dataframe(path, layer="staging")
    for row, text in zip(frame.to_dict("records"), HOSTILE_TEXT.values()):
        expected = text.replace("\x0b", "\ufffd").replace("\x00", "\ufffd").replace("\x01", "\ufffd")
        assert row["Name"] == expected and row["notes"] == expected
        assert row["visibility_"] == expected  # a LIBKML element name stays data
        assert row["a_b_c"] == expected  # attribute-unsafe characters in a field name
        assert expected in row["sources"]


def test_kml_deterministic(tmp_path, dist):
    from geo.enrich import load_enriched
    from geo.export import export_all

    export_all(load_enriched("layers"), tmp_path)
    assert (tmp_path / "jaffar-express.kml").read_bytes() == (dist / "jaffar-express.kml").read_bytes()


ODD_CHARACTERS = st.sampled_from(["\ufffe", "\uffff", "\U000f0000", "\U000f0001", "\ud800", "\x0b", "\x7f", "é"])


@given(
    st.text(alphabet=st.characters(max_codepoint=0x7F))
    | st.text()
    | st.text(alphabet=st.characters(exclude_categories=[]) | ODD_CHARACTERS)
)
def test_the_quick_look_for_characters_xml_forbids_agrees_with_the_pattern(text):
    """`has_xml_forbidden` (a look at the UTF-8 bytes) finds what `XML_FORBIDDEN` finds, surrogates too."""
    from geo.export.kml import XML_FORBIDDEN, has_xml_forbidden

    assert has_xml_forbidden(text) == (XML_FORBIDDEN.search(text) is not None)


@given(sizes=st.dictionaries(st.sampled_from(KINDS), st.integers(0, 50), min_size=1))
def test_the_biggest_layer_is_written_last_and_the_others_keep_their_order(sizes):
    """The folders keep the order the KML had when it was written by appending (the big layer last)."""
    layers = {kind: {"features": [{}] * n} for kind, n in sizes.items()}
    order = writing_order(layers)
    assert sorted(order) == sorted(layers) and len(layers[order[-1]]["features"]) == max(sizes.values())
    assert order[:-1] == [kind for kind in layers if kind != order[-1]]


@pytest.mark.parametrize(
    "title",
    ["A title", 'Markup <b> & "quotes"', 'A title with a line\n    <Folder id="tunnels">\n  in it', "é ]]> end"],
)
@pytest.mark.parametrize("features_a_document", [5_000, 7])
def test_the_layers_written_apart_and_joined_are_the_document_libkml_writes_by_appending(
    enriched, tmp_path, monkeypatch, title, features_a_document
):
    """`write_kml` joins the layers into the bytes LIBKML writes when each layer is appended to one document named
    `title`, whatever the title holds (a CDATA end, markup, the line that starts a folder), however many
    documents a layer's features are written in, and whether `placemarks` writes a big layer's later points."""
    from geo.export import kml
    from geo.export.kml import close_cdata_ends, kml_frame, kml_text

    monkeypatch.setattr(kml, "FEATURES_A_DOCUMENT", features_a_document)
    layers = {kind: enriched[kind] for kind in ("tunnels", "places", "incidents", "events")}
    appended = tmp_path / "appended.kml"
    for index, kind in enumerate(writing_order(layers)):
        pyogrio.write_dataframe(
            kml_frame(kind, layers[kind]),
            appended,
            layer=kind,
            driver="LIBKML",
            append=index > 0,
            geometry_type="Unknown",
            dataset_options=None if index else {"NAME": kml_text(title)},
            layer_options={"FOLDER": "YES"},
            use_arrow=True,
        )
    joined = write_kml(layers, tmp_path / "joined.kml", title=title)[0]
    assert joined.read_text(encoding="utf-8") == close_cdata_ends(appended.read_text(encoding="utf-8"))
    pieces = kml.layer_documents("events", layers["events"], tmp_path, joined, FlatTables(layers))
    big = len(layers["events"]["features"]) > features_a_document  # LIBKML's first piece, then `placemarks`' rest
    assert [p.name for p in pieces] == (["events.0.kml", "events.1.kml"] if big else ["events.kml"])
    for piece in pieces:
        piece.unlink()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".kml-")], "the layer documents are removed"


@pytest.mark.parametrize("kernel", ["refuses", "copies a little at a time"])
def test_the_joined_document_is_the_same_however_the_kernel_copies(enriched, tmp_path, monkeypatch, kernel):
    """The folders go from file to file by copy_file_range(2): where the kernel cannot copy between the files
    (another file system), or copies less than asked, the document comes out the same."""
    import errno
    import os

    layers = {kind: enriched[kind] for kind in ("tunnels", "events")}
    whole = write_kml(layers, tmp_path / "kernel.kml", title="A title")[0].read_bytes()
    copy = os.copy_file_range

    def refuses(*args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    def a_little(source, out, count, offset):
        return copy(source, out, min(count, 7), offset)

    monkeypatch.setattr(os, "copy_file_range", refuses if kernel == "refuses" else a_little)
    assert write_kml(layers, tmp_path / "python.kml", title="A title")[0].read_bytes() == whole


def test_a_layer_whose_pieces_libkml_types_apart_is_written_whole(enriched, tmp_path, monkeypatch):
    """A column LIBKML would type differently in one piece of a big layer (booleans only in the later
    features) gives pieces with different schemas: the layer is then written as one document, the
    same as writing it whole."""
    from geo.export import kml

    events = [{**f, "properties": dict(f["properties"])} for f in enriched["events"]["features"]]
    for feature in events[len(events) // 2 :]:
        feature["properties"]["verified"] = True
    layers = {"tunnels": enriched["tunnels"], "events": {"type": "FeatureCollection", "features": events}}
    whole = write_kml(layers, tmp_path / "whole.kml", title="A title")[0].read_bytes()
    monkeypatch.setattr(kml, "FEATURES_A_DOCUMENT", 5)
    pieces = [
        kml.layer_document(
            "events", kml.kml_frame("events", layers["events"]).iloc[i : i + 5], tmp_path / f"{i}.kml", tmp_path
        )
        for i in (0, len(events) - 5)
    ]
    assert kml.schema_of(pieces[0], "events") != kml.schema_of(pieces[1], "events"), "the pieces are typed apart"
    assert write_kml(layers, tmp_path / "pieces.kml", title="A title")[0].read_bytes() == whole


def test_every_byte_is_written_when_the_file_takes_a_little_at_a_time():
    """An unbuffered file may take less than it is given (a write over 2 GiB, a signal): `write_all` goes on."""
    import io

    from geo.export.kml import write_all

    class TakesThree(io.RawIOBase):
        def __init__(self):
            self.taken = bytearray()

        def writable(self):
            return True

        def write(self, data):
            self.taken += bytes(data[:3])
            return min(3, len(data))

    out = TakesThree()
    write_all(out, b"<Placemark>a long line</Placemark>\n")
    assert bytes(out.taken) == b"<Placemark>a long line</Placemark>\n"


# Text as `kml_text` hands it to LIBKML: any characters, with markup, CDATA ends and starts, spaces and
# line breaks made likely.
KML_TEXTS = st.lists(
    st.characters(codec="utf-8") | st.sampled_from(["&", "'", "<", ">", '"', "]]>", "<![CDATA[", " ", "\r\n", "\t"]),
    max_size=12,
).map("".join)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def point_frames(draw):
    """A `kml_frame` of points: element columns (Python text, as `kml_frame` makes them, or pandas'), then
    data columns of every type `placemarks` writes, any of them missing in any row."""
    from geo.export.kml import kml_text

    rows = draw(st.integers(1, 6))
    each = lambda values: draw(st.lists(values, min_size=rows, max_size=rows))  # noqa: E731
    time = st.sampled_from(["2025-03-11T13:00:00+05:00", "2025-03-12T00:00:00+05:00"])
    columns = {
        "id": [f"events-claim-{i}" for i in range(rows)],
        "name": each(KML_TEXTS.map(kml_text)),
        "description": each(KML_TEXTS.map(kml_text)),
    }
    # A feature has a time stamp, or a time span (`kml_times`), or neither.
    times = each(st.sampled_from(["timestamp", "span", None]))
    if "timestamp" in times:
        columns["timestamp"] = [draw(time) if kind == "timestamp" else None for kind in times]
    if "span" in times:
        for end in ("begin", "end"):
            columns[end] = [draw(st.none() | time) if kind == "span" else None for kind in times]
    columns = {name: values for name, values in columns.items() if any(v is not None for v in values)}  # kml_times
    frame = pd.DataFrame(columns, dtype=draw(st.sampled_from(["str", object])))
    int32, int64 = st.integers(-(2**31), 2**31 - 1), st.integers(-(2**63), 2**63 - 1)
    texts = st.none() | KML_TEXTS.map(kml_text)
    python = draw(st.sampled_from(["str", object]))  # the columns the KML makes: Python text (`python_texts`)
    data = {  # each column's values and type; any may be left out
        "feature_id": (st.none() | st.just("claim"), python),
        "summary": (texts, "str"),
        "position_accuracy_m": (int32, "int32"),
        "figure_killed": (st.none() | int32, "Int32"),
        "figure_huge": (st.none() | int64, "Int64"),
        "claims": (int64, "int64"),
        "km_from_quetta": (st.none() | FINITE, "float64"),
        "sources": (texts, python),
    }
    for name, (values, dtype) in data.items():
        if draw(st.booleans()):
            drawn = each(values)
            if dtype is object and all(v is None for v in drawn):  # no text: not made by python_texts
                dtype = "str"
            frame[name] = pd.Series(drawn, dtype=dtype)
    xs, ys = each(st.floats(-180, 180)), each(st.floats(-90, 90))
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs="EPSG:4326")


@given(frame=point_frames())
def test_placemarks_are_written_byte_for_byte_as_libkml_writes_them(frame):
    """`placemarks` writes a big point layer's placemarks without LIBKML: over any texts, integers, floats,
    missing values, times and coordinates, the bytes LIBKML writes for the same frame."""
    import tempfile
    from pathlib import Path

    from geo.export import kml, placemarks

    assert placemarks.writable(frame)
    with tempfile.TemporaryDirectory() as parts:
        document = kml.layer_document("events", frame, Path(parts) / "events.kml", Path(parts) / "whole.kml")
        text = document.read_bytes()
        start, end = text.find(b"\n      <Placemark ") + 1, len(text) - len(b"    </Folder>\n  </Document>\n</kml>\n")
        assert "".join(placemarks.placemark_chunks("events", frame)) == text[start:end].decode()
        assert kml.placemarks_as_written("events", frame, document)


def test_a_big_layer_is_written_by_libkml_where_placemarks_would_write_otherwise(enriched, tmp_path, monkeypatch):
    """Before `placemarks` writes a big layer's later placemarks it writes the first document's: where those
    differ from what LIBKML wrote, LIBKML writes the whole layer, and the document is the same."""
    from geo.export import kml

    monkeypatch.setattr(kml, "FEATURES_A_DOCUMENT", 7)
    layers = {kind: enriched[kind] for kind in ("tunnels", "incidents", "events")}
    by_placemarks = write_kml(layers, tmp_path / "placemarks.kml", title="A title")[0].read_bytes()

    def not_asked(*args):
        raise AssertionError("placemarks wrote a document after writing otherwise than LIBKML")

    monkeypatch.setattr(kml, "placemarks_as_written", lambda *args: False)
    monkeypatch.setattr(kml, "placemarks_document", not_asked)
    assert write_kml(layers, tmp_path / "libkml.kml", title="A title")[0].read_bytes() == by_placemarks
