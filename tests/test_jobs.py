"""The build's jobs in forked workers (geo.jobs) and the output transaction (geo.output): the same files
as one process, errors that keep their meaning, and a killed build that leaves nothing in the way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import geo.build
from geo.errors import GeoError
from geo.jobs import run_jobs
from tests.conftest import LAYERS, PICTURES, ROOT

MAPS = ROOT / "maps"


def files_of(directory: Path) -> dict[Path, bytes]:
    return {p.relative_to(directory): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_jobs_in_forked_workers_write_the_same_files(tmp_path, monkeypatch, dist):
    """A big build runs its jobs in forked workers: forced here on the real layers, every file is byte for
    byte what the build gives in one process."""
    monkeypatch.setattr(geo.build, "BACKGROUND_ABOVE", 0)
    geo.build.build(LAYERS, MAPS, tmp_path / "forked")
    one, two = files_of(dist), files_of(tmp_path / "forked")
    assert {k for k in one if k.parts[0] not in PICTURES} == two.keys() and all(one[k] == two[k] for k in two)


def in_worker_only(parent: int, error: Exception):
    def job():
        if os.getpid() != parent:
            raise error
        return []

    return job


def test_bad_input_found_in_a_worker_keeps_its_meaning():
    """A `GeoError` raised in a forked worker (exit 2 for bad input) comes back as a `GeoError`, whole."""
    error = GeoError("events.geojson: feature 3: cannot be exported", path="events.geojson")
    with pytest.raises(GeoError, match="feature 3: cannot be exported") as raised:
        run_jobs([in_worker_only(os.getpid(), error)], parallel=True)
    assert raised.value.path == "events.geojson"


def test_the_line_measured_in_a_forked_worker_gives_the_same_layers(monkeypatch):
    """Enrich measures many points along the line in a forked worker while it adds up the tolls (`background`):
    forced here on the real layers, the enriched layers are those measured in one process."""
    from geo import enrich

    in_one = enrich.load_enriched(LAYERS)
    monkeypatch.setattr(enrich, "MEASURED_APART_ABOVE", 0)
    assert enrich.load_enriched(LAYERS) == in_one


def test_bad_input_found_in_the_background_keeps_its_meaning():
    """What a `background` job raises in its worker is raised where its result is asked for, whole."""
    from geo.jobs import background

    error = GeoError("events.geojson: feature 3: cannot be measured", path="events.geojson")
    with background(in_worker_only(os.getpid(), error), parallel=True) as result:
        with pytest.raises(GeoError, match="cannot be measured") as raised:
            result()
    assert raised.value.path == "events.geojson"


def test_a_failed_job_stops_the_jobs_not_yet_started(tmp_path):
    """The first failure drops the jobs still waiting; the workers finish only what they had started."""
    started = tmp_path / "started"
    started.mkdir()

    def slow(index: int):
        def job():
            (started / str(index)).touch()
            time.sleep(0.5)
            return []

        return job

    def fail():
        raise RuntimeError("cannot write")

    jobs = [fail, *(slow(i) for i in range(8))]
    with pytest.raises(RuntimeError, match="cannot write"):
        run_jobs(jobs, parallel=True)
    assert len(list(started.iterdir())) <= 1  # only the job the other worker took beside the failing one


@pytest.mark.parametrize("parallel", [True, False], ids=["forked workers", "one process"])
def test_what_runs_meanwhile_stops_the_jobs_and_its_error_wins(tmp_path, parallel):
    """`meanwhile` (the build's check) runs while the workers start on the first jobs, or before any job in
    one process: what it raises is the error even when a job fails too, and the jobs not yet started never
    start."""
    started = tmp_path / "started"
    started.mkdir()

    def job(index: int):
        def run():
            (started / str(index)).touch()
            if index == 0:
                raise RuntimeError("a job on input the check refuses")
            return []

        return run

    def check():
        raise GeoError("recipe: popup field 'x' no feature has")

    with pytest.raises(GeoError, match="no feature has"):
        run_jobs([job(i) for i in range(6)], parallel=parallel, meanwhile=check)
    assert len(list(started.iterdir())) == (2 if parallel else 0)  # the two the workers took first


def test_a_big_builds_check_stops_it_and_leaves_nothing(tmp_path, scratch_layers, monkeypatch):
    """A big build (its jobs in forked workers) is checked while the workers start: a finding is the
    build's error, and nothing is made beside the layers but the lock every build leaves (builds into one
    output take turns on it)."""
    import json

    from geo.check import CheckError

    path = scratch_layers / "events" / "jaffar-express-2025-03-11.geojson"
    events = json.loads(path.read_text(encoding="utf-8"))
    events["features"][0]["properties"].update(status="superseded", superseded_by="no-such-claim", status_reason="x")
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(geo.build, "BACKGROUND_ABOVE", 0)
    with pytest.raises(CheckError, match="names no claim"):
        geo.build.build(scratch_layers, MAPS, tmp_path / "dist")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".dist.lock", "layers"]  # no output, no staging


def children_of(pid: int) -> set[int]:
    """Every process whose parent is `pid` (read from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


BUILD = """
import sys
import geo.build, geo.cli
geo.build.BACKGROUND_ABOVE = int(sys.argv[1])
sys.exit(geo.cli.main(sys.argv[2:]))
"""


def start_build(out: Path, threshold: int) -> subprocess.Popen:
    command = [sys.executable, "-c", BUILD, str(threshold), "build", "--layers", str(LAYERS), "--maps", str(MAPS)]
    return subprocess.Popen([*command, "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.slow
@pytest.mark.parametrize("threshold", [0, 10**9], ids=["forked workers", "one process"])
@pytest.mark.parametrize("moment", ["loading", "writing"])
def test_a_killed_build_leaves_nothing_in_the_way(tmp_path, dist, threshold, moment):
    """SIGKILL a build (with and without its forked workers, while it loads and while it writes): its
    workers die with it, no lock outlives it, and the next build completes; the previous output is
    intact until then and no staging folder is left."""
    out = tmp_path / "dist"
    geo.build.build(LAYERS, MAPS, out)
    before = files_of(out)
    build = start_build(out, threshold)
    if moment == "writing":
        wait_for(lambda: any(tmp_path.glob(".dist.building-*")))
        if threshold == 0:
            wait_for(lambda: len(children_of(build.pid)) >= 2)
    else:
        time.sleep(0.3)
    workers = children_of(build.pid)
    build.send_signal(signal.SIGKILL)
    build.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=10)
    assert files_of(out) == before
    again = start_build(out, threshold)
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert "waiting" not in stderr
    assert not list(tmp_path.glob(".dist.building-*"))
    assert files_of(out).keys() == before.keys()


def test_a_build_that_waits_says_for_which_process(tmp_path):
    """Two builds into one output take turns; the second says on stderr which process it waits for."""
    from geo.output import output_lock

    out = tmp_path / "dist"
    ready = tmp_path / "locked"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib\n"
            "from geo.output import output_lock\n"
            "with output_lock(pathlib.Path(sys.argv[1])):\n"
            "    pathlib.Path(sys.argv[2]).touch()\n"
            "    time.sleep(1.5)\n",
            str(out),
            str(ready),
        ]
    )
    wait_for(ready.exists)
    import contextlib
    import io

    said = io.StringIO()
    with contextlib.redirect_stderr(said), output_lock(out):
        pass
    holder.wait()
    assert f"waiting for another build into {out} to finish (process {holder.pid})" in said.getvalue()
