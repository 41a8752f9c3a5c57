"""Every export read back by a real reader and compared with layers/."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import pyogrio
import pytest
from PIL import Image
from shapely.geometry import shape

from tests.conftest import LAYERS, MAP_NAMES, read_layer

KINDS = ("boundary", "railway", "stations", "tunnels", "staging", "events")


def by_id(collection: dict) -> dict[str, dict]:
    return {f["properties"]["id"]: f for f in collection["features"]}


def same_geometry(a, b) -> bool:
    """Within 1e-6 degrees everywhere (a one-part MultiPolygon matches its Polygon)."""
    a = a if hasattr(a, "geom_type") else shape(a)
    b = b if hasattr(b, "geom_type") else shape(b)
    return a.hausdorff_distance(b) <= 1e-6


@pytest.mark.parametrize("kind", KINDS)
def test_geojson_rfc7946_read_back(dist, enriched, kind):
    path = dist / "geojson" / f"{kind}.geojson"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "crs" not in raw
    frame = gpd.read_file(path, engine="pyogrio")
    assert frame.crs.to_epsg() == 4326
    source = by_id(enriched[kind])
    exported = by_id(raw)
    assert set(exported) == set(source) == set(frame["id"])
    for fid, feature in exported.items():
        assert same_geometry(feature["geometry"], source[fid]["geometry"]), fid
        assert feature["properties"]["sources"] == source[fid]["properties"]["sources"]
        if kind == "boundary":
            assert shape(feature["geometry"]).exterior.is_ccw


def test_geojson_keeps_chainage_and_times(dist):
    events = by_id(json.loads((dist / "geojson" / "events.geojson").read_text(encoding="utf-8")))
    source = by_id(read_layer("events"))
    for fid, feature in events.items():
        assert isinstance(feature["properties"]["km_from_quetta"], (int, float))
        assert datetime.fromisoformat(feature["properties"]["time"]) == datetime.fromisoformat(
            source[fid]["properties"]["time"]
        )


def test_gpkg_tables_types_times_and_sources(dist, enriched):
    path = dist / "jaffar-express.gpkg"
    tables = dict(pyogrio.list_layers(path))
    assert {"sources", *KINDS} <= set(tables)
    assert tables["stations"] == "Point" and tables["railway"] == "MultiLineString"
    assert tables["boundary"] == "MultiPolygon"
    for kind in KINDS:
        frame = gpd.read_file(path, layer=kind)
        assert frame.crs.to_epsg() == 4326
        source = by_id(enriched[kind])
        assert sorted(frame["id"]) == sorted(source)
        for row in frame.itertuples():
            assert same_geometry(row.geometry, source[row.id]["geometry"]), row.id
        assert "sources" not in frame.columns
    events = gpd.read_file(path, layer="events")
    assert str(events["time"].dtype).startswith("datetime64")
    source = by_id(read_layer("events"))
    for row in events.itertuples():
        assert row.time.to_pydatetime() == datetime.fromisoformat(source[row.id]["properties"]["time"])
        if "hostages" in source[row.id]["properties"].get("figures", {}):
            assert row.figure_hostages == source[row.id]["properties"]["figures"]["hostages"]
    sources = pyogrio.read_dataframe(path, layer="sources")
    expected = sum(len(f["properties"]["sources"]) for k in KINDS for f in read_layer(k)["features"])
    assert len(sources[sources["layer"].isin(KINDS)]) == expected
    sibi = sources[(sources["feature_id"] == "sibi") & (sources["layer"] == "stations")]
    assert list(sibi["outlet"]) == [s["outlet"] for s in by_id(read_layer("stations"))["sibi"]["properties"]["sources"]]


def test_events_csv_one_row_per_claim(dist, enriched):
    from geo.export.csv_events import COLUMNS_AFTER, COLUMNS_BEFORE

    with open(dist / "events.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    source = by_id(enriched["events"])
    assert sorted(r["id"] for r in rows) == sorted(source)
    figures = [c for c in reader.fieldnames if c.startswith("figure_")]
    assert reader.fieldnames == [*COLUMNS_BEFORE, *figures, *COLUMNS_AFTER]  # always every column, in order
    for row in rows:
        props = source[row["id"]]["properties"]
        stated = datetime.fromisoformat(props["time"])
        assert datetime.fromisoformat(row["time"]) == stated and row["time"].endswith("Z")  # UTC
        assert row["time_local"] == stated.astimezone(ZoneInfo("Asia/Karachi")).isoformat()
        assert row["time_precision"] == props["time_precision"] and row["claimed_by"] == props["claimed_by"]
        for key in ("incident", "position_basis", "notes", "time_basis"):
            assert row.get(key, "") == props.get(key, ""), (row["id"], key)
        accuracy = props.get("position_accuracy_m")
        assert (float(row["position_accuracy_m"]) if row["position_accuracy_m"] else None) == accuracy
        for key, value in props.get("figures", {}).items():
            assert row[f"figure_{key}"] == str(value)  # the same column name as the GeoPackage's and the KML's
        assert (float(row["lon"]), float(row["lat"])) == pytest.approx(
            tuple(source[row["id"]]["geometry"]["coordinates"]), abs=1e-6
        )
        assert float(row["km_from_quetta"]) >= 0
        assert props["sources"][0]["outlet"] in row["sources"]


def test_incidents_csv_one_row_per_incident_joined_to_the_claims(dist, enriched):
    """incidents.csv: each incident's record at its site, its claims counted from events.csv by slug, its
    tolls each with the party that claimed them."""
    with open(dist / "incidents.csv", newline="", encoding="utf-8") as handle:
        incidents = list(csv.DictReader(handle))
    with open(dist / "events.csv", newline="", encoding="utf-8") as handle:
        claims = list(csv.DictReader(handle))
    slugs = sorted(path.stem for path in (LAYERS / "events").glob("*.geojson"))
    assert sorted(row["id"] for row in incidents) == slugs
    assert [row["date"] for row in incidents] == sorted(row["date"] for row in incidents)
    for row in incidents:
        own = [claim for claim in claims if claim["incident"] == row["id"]]
        assert int(row["claims"]) == len(own)
        for claim in own:
            for column, value in claim.items():
                if column.startswith("figure_") and value:  # every number claimed is in the tolls, with its party
                    party = f"({claim['claimed_by']}" + (", " if claim["status"] else ")")
                    assert party in row["tolls"], (row["id"], column)
        assert float(row["km_from_quetta"]) >= 0 and row["sources"] and row["kind_label"]


def test_export_command_subset_one_incident_and_bad_format(tmp_path):
    """`--only` picks layer kinds, `--incident` one incident's claims, staging points and record; an unknown
    kind or incident is bad input naming it."""
    from tests.hostile import assert_bad_input, assert_built, geo

    out = tmp_path / "subset.gpkg"
    assert_built(geo("export", "--format", "gpkg", "--out", out, "--only", "stations,events,incidents"))
    assert {name for name, _ in pyogrio.list_layers(out)} == {"stations", "events", "incidents", "sources"}
    incident = "jaffar-express-2025-03-11"
    one = tmp_path / "one.gpkg"
    assert_built(geo("export", "--format", "gpkg", "--out", one, "--incident", incident))
    for layer in ("events", "staging", "incidents"):
        frame = gpd.read_file(one, layer=layer)
        assert len(frame) and set(frame["incident" if layer != "incidents" else "id"]) == {incident}
    assert_bad_input(
        geo("export", "--format", "csv", "--out", tmp_path / "x", "--only", "roads"), "unknown layer 'roads'"
    )
    assert_bad_input(geo("export", "--format", "csv", "--out", tmp_path / "x", "--incident", "nope"), "'nope'")


def test_embeds_name_the_attack_site_and_date(dist):
    """Data test: the shipped maps all show Tunnel No. 8, so their generated alt text names it and the date."""
    for name in ("corridor", "attack-site", "timeline"):
        snippet = (dist / "embed" / f"{name}.html").read_text(encoding="utf-8")
        alt = snippet.split('alt="', 1)[1].split('"', 1)[0]
        assert "Tunnel No. 8" in alt and "11–12 March 2025" in alt and "km from Quetta" in alt
        assert f'src="../{name}.html"' in snippet and f'<img src="../png/{name}.png"' in snippet
        assert f"../png/{name}.png" in snippet and "Open the full map" in snippet
        assert (dist / "embed" / f"{name}.txt").read_text(encoding="utf-8").startswith("Map: ")


@pytest.mark.browser
def test_pngs_right_size_not_blank_with_credits(dist):
    result = subprocess.run(
        [sys.executable, "-m", "geo.cli", "png", "--dist", str(dist)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for name in MAP_NAMES:
        for suffix, width in (("", 1200), ("@2x", 2400)):
            with Image.open(dist / "png" / f"{name}{suffix}.png") as image:
                assert image.size == (width, width * 2 // 3)
                colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
                assert colours and len(colours) > 50  # lines, markers, labels: not a blank page
        credits = (dist / "png" / f"{name}.txt").read_text(encoding="utf-8")
        assert "Natural Earth" in credits and "tiles" in credits.lower()


@pytest.mark.browser
def test_png_reports_a_page_whose_script_fails_as_that_maps_bad_input(tmp_path, dist):
    """`geo png` names the page and its recipe when the page's script throws (exit 2), never a bare
    timeout: here a built page whose opening call was broken."""
    import shutil

    from tests.hostile import Result, assert_bad_input

    out = tmp_path / "dist"
    shutil.copytree(dist, out)
    page = out / "offline" / "attack-site.html"
    page.write_text(page.read_text(encoding="utf-8").replace("GeoMap.open(", "GeoMap.opn("), encoding="utf-8")
    done = subprocess.run(  # its own browser, in its own process: not this session's
        [sys.executable, "-m", "geo.cli", "png", "--dist", str(out)], capture_output=True, text=True, timeout=180
    )
    result = Result(done.returncode, done.stdout, done.stderr)
    assert_bad_input(result, "maps/attack-site.toml", "offline/attack-site.html", "opn")
    assert (out / "png").is_dir() == (dist / "png").is_dir()  # the previous pictures, if any, as they were
