"""`geo build`: validates before building, refuses bad layers with exit 2, and
never leaves a half-built dist/."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import LAYERS, ROOT


def geo(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "geo.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_build_writes_every_layer_with_chainage(tmp_path):
    out = tmp_path / "dist"
    result = geo("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    events = json.loads((out / "geojson" / "events.geojson").read_text(encoding="utf-8"))
    kms = [f["properties"]["km_from_quetta"] for f in events["features"]]
    assert all(isinstance(km, (int, float)) for km in kms)
    assert sorted(p.name for p in (out / "geojson").iterdir()) == sorted(
        f"{k}.geojson" for k in ("boundary", "provinces", "railway", "stations", "tunnels", "staging", "events")
    )


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


def test_builds_are_byte_identical(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert geo("build", "--out", str(first)).returncode == 0
    assert geo("build", "--out", str(second)).returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)


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


def the_worker_goes_first(monkeypatch) -> None:
    """This process takes no job before the forked worker has taken its first, so which process runs
    which job is known (the worker starts in a few ms; up to a minute is allowed)."""
    import os
    import time

    import geo.build

    parent, take_jobs = os.getpid(), geo.build._take_jobs

    def take_after_the_worker(jobs, taken):
        for _ in range(600 if os.getpid() == parent else 0):
            if taken.value >= 1:
                break
            time.sleep(0.1)
        return take_jobs(jobs, taken)

    monkeypatch.setattr(geo.build, "_take_jobs", take_after_the_worker)


def test_exports_in_a_forked_worker_are_the_same_files(tmp_path, monkeypatch):
    """A big build shares its jobs with a forked worker (`SharedJobs`): here forced on the real layers,
    every file is byte for byte what the build gives in one process."""
    import geo.build

    geo.build.build(LAYERS, ROOT / "maps", tmp_path / "one")
    monkeypatch.setattr(geo.build, "BACKGROUND_ABOVE", 0)
    # The timeline map first and the worker first: the worker renders a map, this process the next.
    order = {"timeline map": 3, "map": 2, **dict.fromkeys(["kml", "csv", "gpkg", "geojson", "articles"], 1)}
    monkeypatch.setattr(geo.build, "JOB_SECONDS", order)
    the_worker_goes_first(monkeypatch)
    geo.build.build(LAYERS, ROOT / "maps", tmp_path / "two")
    one, two = (
        {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file()}
        for d in (tmp_path / "one", tmp_path / "two")
    )
    assert one.keys() == two.keys() and all(one[k] == two[k] for k in one)


def test_bad_input_found_in_the_worker_keeps_its_meaning(tmp_path, monkeypatch):
    """A `GeoError` raised in the forked worker (exit 2 for bad input) comes back as a `GeoError`."""
    import os

    import geo.build
    from geo.errors import GeoError

    parent = os.getpid()

    def jobs(layers, staging):
        def refuse_in_worker():
            if os.getpid() != parent:
                raise GeoError("events.geojson: feature 3: cannot be exported")
            return []

        return {"refuse": refuse_in_worker}  # the worker takes it first (this process waits for that)

    monkeypatch.setattr(geo.build, "BACKGROUND_ABOVE", 0)
    monkeypatch.setattr(geo.build, "export_jobs", jobs)
    the_worker_goes_first(monkeypatch)
    with pytest.raises(GeoError, match="feature 3: cannot be exported"):
        geo.build.build(LAYERS, ROOT / "maps", tmp_path / "dist")
    assert not (tmp_path / "dist").exists()


def test_a_failed_export_here_stops_the_worker_taking_more(tmp_path, monkeypatch):
    """A job that fails in this process stops the forked worker starting the jobs still waiting."""
    import multiprocessing

    import geo.build

    started = multiprocessing.get_context("fork").Value("i", 0)

    def jobs(layers, staging):
        def slow():
            with started.get_lock():
                started.value += 1
            import time

            time.sleep(1)
            return []

        def fail_here():
            raise RuntimeError("disk full")

        return {"slow": slow, "fail here": fail_here, "slow 2": slow, "slow 3": slow, "slow 4": slow}

    monkeypatch.setattr(geo.build, "BACKGROUND_ABOVE", 0)
    monkeypatch.setattr(geo.build, "export_jobs", jobs)
    the_worker_goes_first(monkeypatch)
    with pytest.raises(RuntimeError, match="disk full"):
        geo.build.build(LAYERS, ROOT / "maps", tmp_path / "dist")
    assert started.value < 4  # the worker finished what it had started, and took no more
