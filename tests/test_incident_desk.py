"""The incident desk: a new incident from `geo new` and a sheet to a map of its own, with nothing of another
incident on it; `geo import` and the CSV export agree; `geo check` stops what slipped past before."""

from __future__ import annotations

import csv
import io
import json
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import LAYERS, ROOT, layer_path
from tests.hostile import assert_bad_input, assert_built, geo

SLUG = "practice-2025-10-07"
CLAIMS = [
    {
        "id": "dc-0815",
        "time_local": "2025-10-07T08:15:00+05:00",
        "time_precision": "approximate",
        "claimed_by": "deputy commissioner",
        "claimed_by_detail": "Shikarpur deputy commissioner",
        "name": "Blast 1 km from Sultan Kot, about 8:15",
        "summary": "A blast derailed four coaches.",
        "figure_injured": "7",
        "place": "sultan-kot",
        "place_offset_km": "1",
        "place_reported": "about one kilometre from Sultan Kot station",
        "sources": "Gulf News (2025-10-07) https://gulfnews.com/x",
    },
    {
        "id": "police-4",
        "time_local": "2025-10-07T12:00:00+05:00",
        "time_precision": "day",
        "claimed_by": "police",
        "claimed_by_detail": "Shikarpur police",
        "name": "Four injured (police)",
        "summary": "Police said four were hurt.",
        "figure_injured": "4",
        "place": "sultan-kot",
        "place_offset_km": "",
        "place_reported": "near Sultan Kot village",
        "sources": "Geo News (2025-10-07) https://www.geo.tv/x",
    },
]


def sheet_text(rows: list[dict] | None = None) -> str:
    rows = rows or CLAIMS
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["id", "incident", *(k for k in rows[0] if k != "id")])
    writer.writeheader()
    writer.writerows({**row, "incident": SLUG} for row in rows)
    return buffer.getvalue()


@pytest.fixture
def project(tmp_path):
    """A copy of the repository's layers and recipes, with a new incident started by `geo new`."""
    shutil.copytree(LAYERS, tmp_path / "layers")
    shutil.copytree(ROOT / "maps", tmp_path / "maps")
    return tmp_path


def start_incident(project: Path, place: str = "1 km from sultan-kot", template: str = "site") -> Path:
    result = geo(
        "new",
        SLUG,
        "--title",
        "Blast derails the Jaffar Express near Sultan Kot",
        "--date",
        "2025-10-07",
        "--place",
        place,
        "--kind",
        "ied-derailment",
        "--template",
        template,
        "--layers",
        project / "layers",
        "--maps",
        project / "maps",
    )
    assert_built(result)
    assert "next:" in result.stdout
    events = project / "layers" / "events" / f"{SLUG}.geojson"
    collection = json.loads(events.read_text(encoding="utf-8"))
    collection["incident"]["sources"] = [{"outlet": "Geo News", "date": "2025-10-07"}]
    events.write_text(json.dumps(collection), encoding="utf-8")
    return events


def test_a_new_incident_from_a_sheet_is_drawn_at_its_km_and_described_alone(project):
    """From `geo new` and a sheet to a built map: the claims at Sultan Kot's km (324, ± the stated 1 km),
    the text naming its place and date and nothing of 11 March 2025 or Tunnel No. 8."""
    start_incident(project)
    (project / "claims.csv").write_text(sheet_text(), encoding="utf-8")
    assert_built(geo("import", project / "claims.csv", "--layers", project / "layers"))
    assert_built(geo("check", "--layers", project / "layers", "--maps", project / "maps"))
    out = project / "dist"
    assert_built(geo("build", "--layers", project / "layers", "--maps", project / "maps", "--out", out, "--map", SLUG))
    events = json.loads((out / "geojson" / "events.geojson").read_text(encoding="utf-8"))
    mine = [f["properties"] for f in events["features"] if f["properties"]["incident"] == SLUG]
    assert len(mine) == 2 and all(p["km_from_quetta"] == 324 for p in mine)
    assert all(p["position_accuracy_m"] >= 1000 for p in mine)
    for text in (
        (out / "embed" / f"{SLUG}.txt").read_text(encoding="utf-8"),
        (out / f"{SLUG}.html").read_text(encoding="utf-8"),
    ):
        assert "Sultan Kot" in text and "7 October 2025" in text
        assert "Tunnel No. 8" not in text and "March 2025" not in text and "Bolan" not in text
    assert not (out / "attack-site.html").exists()  # --map builds that map only (no earlier build to keep)


def test_copying_a_shipped_recipe_and_changing_only_its_incident_maps_that_incident(project):
    start_incident(project)
    (project / "claims.csv").write_text(sheet_text(), encoding="utf-8")
    assert_built(geo("import", project / "claims.csv", "--layers", project / "layers"))
    for shipped in ("attack-site", "timeline"):
        text = (ROOT / "maps" / f"{shipped}.toml").read_text(encoding="utf-8")
        copy_ = project / "maps" / f"copy-of-{shipped}.toml"
        copy_.write_text(
            text.replace('incident = "jaffar-express-2025-03-11"', f'incident = "{SLUG}"'), encoding="utf-8"
        )
    out = project / "dist"
    assert_built(geo("build", "--layers", project / "layers", "--maps", project / "maps", "--out", out))
    for shipped in ("attack-site", "timeline"):
        words = (out / "embed" / f"copy-of-{shipped}.txt").read_text(encoding="utf-8")
        assert "Sultan Kot" in words and "Tunnel No. 8" not in words and "11 March" not in words, shipped


@pytest.mark.parametrize(
    "place, km",
    [("km 320", 320), ("between jacobabad and shikarpur", 317.5), ("1 km from sultan-kot towards shikarpur", 325)],
)
def test_a_site_given_as_the_report_words_it_is_on_the_line_at_that_km(project, place, km):
    start_incident(project, place)
    from geo.enrich import load_enriched

    incidents = {
        f["properties"]["id"]: f["properties"] for f in load_enriched(project / "layers")["incidents"]["features"]
    }
    assert incidents[SLUG]["km_from_quetta"] == pytest.approx(km, abs=0.05)


def test_geo_new_never_overwrites(project):
    start_incident(project)
    result = geo(
        "new",
        SLUG,
        "--title",
        "x",
        "--date",
        "2025-10-07",
        "--place",
        "sibi",
        "--layers",
        project / "layers",
        "--maps",
        project / "maps",
    )
    assert_bad_input(result, "exists already")


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_export_import_and_export_again_give_the_same_rows(project):
    """The file the export writes is the file `geo import` reads: the shipped claims survive the round trip."""
    first, second = project / "first.csv", project / "second.csv"
    assert_built(geo("export", "--format", "csv", "--out", first, "--layers", project / "layers"))
    assert_built(geo("import", first, "--layers", project / "layers"))
    assert_built(geo("export", "--format", "csv", "--out", second, "--layers", project / "layers"))
    assert csv_rows(first) == csv_rows(second) and len(csv_rows(first)) > 50


@pytest.mark.parametrize(
    "column, value, named",
    [
        ("time_local", "2025-10-07 08:15", "time_local"),
        ("figure_injured", "seven", "figure_injured"),
        ("place", "sultan-kt", "place"),
        ("sources", "Geo News", "sources"),
        ("summery", "x", "summery"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column_and_nothing_is_written(project, column, value, named):
    events = start_incident(project)
    before = events.read_bytes()
    rows = csv_rows_of(sheet_text())
    if column not in rows[0]:
        rows[0].append(column)
        for row in rows[1:]:
            row.append("")
    rows[2][rows[0].index(column)] = value
    sheet = project / "claims.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")
    result = geo("import", sheet, "--layers", project / "layers")
    assert_bad_input(result, named)
    if column != "summery":
        assert "row 3" in result.stderr
    assert events.read_bytes() == before


def csv_rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "change, says",
    [
        (lambda p: p.update(summery=p.pop("summary")), "did you mean 'summary'"),
        (lambda p: p.update(figure=p.pop("figures")), "did you mean 'figures'"),
        (lambda p: p.update(position_accuracy=5000), "did you mean 'position_accuracy_m'"),
        (lambda p: p.update(place_reportd="x"), "did you mean 'place_reported'"),
        (lambda p: p.update(status="superseded", superseded_by="no-such-claim", status_reason="x"), "names no claim"),
    ],
)
def test_check_stops_a_misspelt_property_or_a_dangling_status(tmp_path, scratch_layers, change, says):
    path = layer_path(scratch_layers, "events")
    events = json.loads(path.read_text(encoding="utf-8"))
    change(events["features"][0]["properties"])
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    assert_bad_input(geo("check", "--layers", scratch_layers), events["features"][0]["properties"]["id"], says)


def test_a_time_in_utc_is_a_warning_saying_what_it_is_in_pakistan_time(scratch_layers):
    path = layer_path(scratch_layers, "events")
    events = json.loads(path.read_text(encoding="utf-8"))
    events["features"][0]["properties"]["time"] = "2025-03-11T09:00:00Z"
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    result = geo("check", "--layers", scratch_layers)
    assert result.returncode == 0 and "14:00 PKT" in result.stderr and "2025-03-11T09:00+05:00" in result.stderr


def test_recipe_words_about_what_the_map_does_not_draw_are_stopped(project):
    """A recipe copied with its March title kept names a month its incident does not fall in."""
    start_incident(project)
    (project / "claims.csv").write_text(sheet_text(), encoding="utf-8")
    assert_built(geo("import", project / "claims.csv", "--layers", project / "layers"))
    recipe = project / "maps" / f"{SLUG}.toml"
    recipe.write_text(
        recipe.read_text(encoding="utf-8") + 'title = "Where the train was stopped at Tunnel No. 8, 11 March 2025"\n',
        encoding="utf-8",
    )
    result = geo("check", "--layers", project / "layers", "--maps", project / "maps")
    assert_bad_input(result, "Tunnel No. 8", "11 March 2025")


def test_an_unrelated_incident_changes_no_existing_page_or_embed(project, dist):
    """Adding an incident leaves every existing map, embed and its text byte for byte."""
    start_incident(project)
    (project / "claims.csv").write_text(sheet_text(), encoding="utf-8")
    assert_built(geo("import", project / "claims.csv", "--layers", project / "layers"))
    (project / "maps" / f"{SLUG}.toml").unlink()  # a new incident, not a new map
    out = project / "dist"
    assert_built(geo("build", "--layers", project / "layers", "--maps", project / "maps", "--out", out))
    for name in ("attack-site", "timeline"):
        for page in (f"{name}.html", f"offline/{name}.html", f"embed/{name}.html", f"embed/{name}.txt"):
            assert (out / page).read_bytes() == (dist / page).read_bytes(), page


@pytest.mark.slow
def test_serve_rebuilds_on_a_change_and_shows_a_failed_build_over_the_last_good_one(project):
    from geo.serve import start

    server, watched, stop = start(project / "layers", project / "maps", project / "dist", 0)
    try:
        port = server.server_address[1]

        def get(path: str) -> bytes:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as reply:
                return reply.read()

        assert b"__geo_serve__/state" in get("/attack-site.html")  # the watcher, added as served
        assert b"__geo_serve__" not in (project / "dist" / "attack-site.html").read_bytes()
        first = json.loads(get("/__geo_serve__/state"))
        assert first == {"version": 1, "error": None}
        recipe = project / "maps" / "attack-site.toml"
        recipe.write_text(recipe.read_text(encoding="utf-8") + "\nbogus = 1\n", encoding="utf-8")
        state = wait_for(lambda: json.loads(get("/__geo_serve__/state")), lambda s: s["error"])
        assert "bogus" in state["error"] and state["version"] == 1
        assert b"<html" in get("/attack-site.html")  # the last good build, still served
        recipe.write_text(recipe.read_text(encoding="utf-8").replace("\nbogus = 1\n", ""), encoding="utf-8")
        state = wait_for(lambda: json.loads(get("/__geo_serve__/state")), lambda s: s["version"] == 2)
        assert state["error"] is None
    finally:
        stop.set()
        server.shutdown()


def wait_for(read, done, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_the_bench_and_the_tests_take_any_number_of_incidents(project):
    """bench/synthetic.py unpacked exactly one events file; it now takes the maps' incident among several."""
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from synthetic import synthetic_project

    start_incident(project)
    layers, maps = synthetic_project(50, project / "layers", project / "maps", project / "synthetic")
    assert len(list((layers / "events").glob("*.geojson"))) >= 2
    assert_built(geo("check", "--layers", layers, "--maps", maps))
