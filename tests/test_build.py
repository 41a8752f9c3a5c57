"""`geo build`: validates before building, refuses bad layers with exit 2, and
never leaves a half-built dist/."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import LAYERS, PICTURES, ROOT


def geo(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_build_writes_every_layer_with_chainage(dist):
    events = json.loads((dist / "geojson" / "events.geojson").read_text(encoding="utf-8"))
    kms = [f["properties"]["km_from_quetta"] for f in events["features"]]
    assert all(isinstance(km, (int, float)) for km in kms)
    assert sorted(p.name for p in (dist / "geojson").iterdir()) == sorted(
        f"{k}.geojson"
        for k in ("boundary", "provinces", "railway", "stations", "tunnels", "places", "staging", "events", "incidents")
    )


@pytest.mark.slow
def test_bad_layer_refused_and_previous_dist_kept(tmp_path, scratch_layers):
    out = tmp_path / "dist"
    assert geo("build", "--layers", str(scratch_layers), "--out", str(out)).returncode == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    stations = json.loads((scratch_layers / "stations.geojson").read_text(encoding="utf-8"))
    del stations["features"][3]["properties"]["sources"]
    (scratch_layers / "stations.geojson").write_text(json.dumps(stations), encoding="utf-8")
    result = geo("build", "--layers", str(scratch_layers), "--out", str(out))

    assert result.returncode == 2
    assert "stations.geojson: feature 3 (id 'kolpur'): missing required property 'sources'" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not list(tmp_path.glob(".dist.building-*"))


def test_station_off_the_line_is_refused(tmp_path, scratch_layers):
    stations = json.loads((scratch_layers / "stations.geojson").read_text(encoding="utf-8"))
    stations["features"][6]["geometry"]["coordinates"][1] += 0.05  # Mach, ~5.5 km north
    (scratch_layers / "stations.geojson").write_text(json.dumps(stations), encoding="utf-8")
    result = geo("build", "--layers", str(scratch_layers), "--out", str(tmp_path / "dist"))
    assert result.returncode == 2
    assert "feature 6 (id 'mach')" in result.stderr and "from the railway line" in result.stderr


def test_broken_route_is_refused(tmp_path, scratch_layers):
    railway = json.loads((scratch_layers / "railway.geojson").read_text(encoding="utf-8"))
    del railway["features"][20]
    (scratch_layers / "railway.geojson").write_text(json.dumps(railway), encoding="utf-8")
    result = geo("build", "--layers", str(scratch_layers), "--out", str(tmp_path / "dist"))
    assert result.returncode == 2 and "not one connected line" in result.stderr


@pytest.mark.slow
def test_builds_are_byte_identical(tmp_path, dist):
    """`geo build` with its default folders, in a process of its own (its own hash seed), writes the bytes
    of the session's build (this test process's).  Only `geo png` adds to a build: its `PICTURES` are left out."""
    out = tmp_path / "dist"
    result = geo("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    built = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    assert files == [f for f in built if f.parts[0] not in PICTURES]
    assert all((out / f).read_bytes() == (dist / f).read_bytes() for f in files)


def test_unwritable_output_is_bad_input(tmp_path):
    result = geo("export", "--format", "csv", "--out", "/proc/no-such-dir/events.csv")
    assert result.returncode == 2 and "/proc/no-such-dir" in result.stderr
    assert "Traceback" not in result.stderr


def test_failure_after_staging_leaves_previous_dist(tmp_path, monkeypatch):
    """A build that fails half-way (here: an export) leaves dist/ as it was and no staging directory."""
    import geo.build

    out = tmp_path / "dist"
    geo.build.build(LAYERS, ROOT / "maps", out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken_exports(layers, staging):
        def broken():
            (staging / "half-written.txt").write_text("x")
            raise RuntimeError("disk full")

        return {"broken": broken}

    monkeypatch.setattr(geo.build, "export_jobs", broken_exports)
    with pytest.raises(RuntimeError, match="disk full"):
        geo.build.build(LAYERS, ROOT / "maps", out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.lock", "dist"]  # no staging left


def test_out_that_is_not_a_build_is_refused(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "notes.txt").write_text("precious")
    result = geo("build", "--out", str(project))
    assert result.returncode == 2 and "not a previous build output" in result.stderr
    assert (project / "notes.txt").read_text() == "precious"
