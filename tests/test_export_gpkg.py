"""The GeoPackage (geo/export/gpkg.py): analyst columns, a conformant mixed layer, a non-spatial sources table."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pyogrio
import pytest

from tests.conftest import read_layer

PKT = ZoneInfo("Asia/Karachi")
GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"


def by_id(collection: dict) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in collection["features"]}


@pytest.fixture(scope="module")
def gpkg(dist):
    return dist / "jaffar-express.gpkg"


@pytest.fixture(scope="module")
def db(gpkg):
    connection = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    yield connection
    connection.close()


@pytest.mark.parametrize("kind", ["events", "staging"])
def test_gpkg_utc_time_beside_local_text(gpkg, db, kind):
    frame = gpd.read_file(gpkg, layer=kind)
    assert str(frame["time"].dt.tz) == "UTC"
    columns = {row[1]: row[2] for row in db.execute(f"PRAGMA table_info({kind})")}
    assert columns["time"] == "DATETIME" and columns["time_local"] == "TEXT"
    source = by_id(read_layer(kind))
    for row in frame.itertuples():
        stated = datetime.fromisoformat(source[row.id]["properties"]["time"])
        assert row.time.to_pydatetime() == stated
        assert row.time_local == stated.astimezone(PKT).isoformat()


def test_gpkg_events_carry_the_analyst_columns(gpkg, db):
    frame = gpd.read_file(gpkg, layer="events")
    expected = {"incident", "position_accuracy_m", "position_basis", "notes", "time_precision", "claimed_by"}
    source = by_id(read_layer("events"))
    if any("time_basis" in f["properties"] for f in source.values()):
        expected.add("time_basis")
    assert expected <= set(frame.columns)
    for row in frame.to_dict("records"):
        props = source[row["id"]]["properties"]
        for key in ("incident", "position_accuracy_m", "position_basis", "notes", "time_basis"):
            if key in props:
                assert row[key] == props[key], (row["id"], key)
    figures = [row[1] for row in db.execute("PRAGMA table_info(events)") if row[1].startswith("figure_")]
    types = {row[1]: row[2] for row in db.execute("PRAGMA table_info(events)")}
    assert figures and all(types[f] == "INTEGER" for f in figures)  # counts, not 214.0


def test_gpkg_mixed_tunnels_layer_conformant(gpkg, db):
    """Points and lines in one table of type GEOMETRY (allowed by the standard), in EPSG:4326, every
    feature's own type kept; the file passes SQLite's integrity check and is a GeoPackage by its id."""
    source = by_id(read_layer("tunnels"))
    assert db.execute("PRAGMA application_id").fetchone()[0] == GPKG_APPLICATION_ID
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute(
        "SELECT geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = 'tunnels'"
    ).fetchone() == ("GEOMETRY", 4326)
    assert db.execute("SELECT data_type FROM gpkg_contents WHERE table_name = 'tunnels'").fetchone() == ("features",)
    assert pyogrio.read_info(gpkg, layer="tunnels")["geometry_type"] == "Unknown"
    frame = gpd.read_file(gpkg, layer="tunnels")
    assert {row.id: row.geometry.geom_type for row in frame.itertuples()} == {
        fid: f["geometry"]["type"] for fid, f in source.items()
    }


def test_gpkg_sources_is_a_described_attributes_table(gpkg, db):
    """No geometry: registered as 'attributes' (GDAL lists it without a geometry type), described so a
    GIS shows why converting it to a spatial-only format (FlatGeobuf) gives no features."""
    data_type, description = db.execute(
        "SELECT data_type, description FROM gpkg_contents WHERE table_name = 'sources'"
    ).fetchone()
    assert data_type == "attributes" and "Non-spatial" in description and "feature_id" in description
    assert dict(pyogrio.list_layers(gpkg))["sources"] is None
    sources = pyogrio.read_dataframe(gpkg, layer="sources", read_geometry=False)
    assert list(sources.columns) == ["layer", "feature_id", "outlet", "date", "url"]


def test_gpkg_deterministic(tmp_path, dist):
    from geo.enrich import load_enriched
    from geo.export import export_all

    export_all(load_enriched("layers"), tmp_path)
    for name in ("jaffar-express.gpkg", "events.csv", "geojson/events.geojson", "geojson/tunnels.geojson"):
        assert (tmp_path / name).read_bytes() == (dist / name).read_bytes(), name


def test_the_kml_and_gpkg_sharing_tables_write_what_each_writes_alone(tmp_path, enriched):
    """The writers of one worker share the layers' tables (`FlatTables`): neither changes what the other
    reads, whichever writes first."""
    import pandas as pd

    from geo.export.geojson import rfc7946_layers
    from geo.export.gpkg import write_gpkg
    from geo.export.kml import write_kml
    from geo.export.tables import FlatTables, flat_table

    layers = rfc7946_layers(enriched)
    shared = FlatTables(layers)
    write_kml(layers, tmp_path / "shared.kml", "A title", shared)
    write_gpkg(layers, tmp_path / "shared.gpkg", shared)
    write_gpkg(layers, tmp_path / "alone.gpkg")
    write_kml(layers, tmp_path / "alone.kml", "A title")
    for name in ("kml", "gpkg"):
        assert (tmp_path / f"shared.{name}").read_bytes() == (tmp_path / f"alone.{name}").read_bytes(), name
    assert set(shared) == set(layers)
    for kind in layers:
        pd.testing.assert_frame_equal(shared[kind], flat_table(kind, layers[kind]))
