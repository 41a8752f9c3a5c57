"""Exit codes and messages at the edges: bad input is exit 2 naming the file, feature or key and the
problem, found before any work where it can be; a full disk is exit 1 in one line, the previous build
intact."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import LAYERS, ROOT
from tests.hostile import assert_bad_input, geo, tree


def test_a_layer_with_more_property_names_than_an_export_holds_is_bad_input(tmp_path, scratch_layers):
    """2,001 property names gave exit 1 `FieldError` from the GeoPackage writer."""
    path = scratch_layers / "stations.geojson"
    stations = json.loads(path.read_text(encoding="utf-8"))
    stations["features"][0]["properties"].update({f"p{i}": "x" for i in range(2001)})
    path.write_text(json.dumps(stations), encoding="utf-8")
    assert_bad_input(geo("build", "--layers", scratch_layers, "--out", tmp_path / "dist"), "stations.geojson", "500")


@pytest.mark.parametrize("where", [["67", "-90"], ["-67", "29"], ["29.5", "67.5"]])
def test_chainage_of_a_point_off_the_map_is_bad_input(where):
    """`geo chainage -- 67 -90` gave exit 1 with an empty GEOSException."""
    assert_bad_input(geo("chainage", "--", *where), "outside the area")


def test_an_out_path_with_a_control_character_is_refused_at_once(tmp_path):
    """A newline in --out failed only at the last file written (the KML)."""
    result = geo("build", "--out", tmp_path / "d\nx")
    assert_bad_input(result, "U+000A")
    assert not list(tmp_path.iterdir())


def test_out_slash_is_refused_without_reading_the_filesystem(monkeypatch):
    """`geo build --out /` walked the whole filesystem (looking for links) before refusing."""
    walked = []
    original = Path.rglob
    monkeypatch.setattr(Path, "rglob", lambda self, pattern: walked.append(self) or original(self, pattern))
    assert_bad_input(geo("build", "--out", "/"), "not a previous build output")
    assert walked == []


@pytest.fixture
def small_disk(tmp_path):
    """A 2 MiB filesystem of its own (tmpfs), to fill up."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.slow
def test_a_full_disk_is_exit_1_in_one_line_and_the_previous_build_stands(small_disk, dist):
    """The disk filling up is not bad input: exit 1, one line naming the file being written and saying the
    previous build is intact, which it is."""
    out = small_disk / "dist"
    shutil.copytree(dist / "geojson", out / "geojson")  # a previous build, small enough to fit
    (out / ".geo-build").write_text("previous\n", encoding="utf-8")
    before = tree(out)
    result = subprocess.run(
        [sys.executable, "-m", "geo.cli", "build", "--layers", str(LAYERS), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "no space left" in lines[0] and f"previous build in {out} is intact" in lines[0], lines[0]
    assert lines[0].startswith(f"geo build: {out}/"), lines[0]  # the file being written, as it would be named
    assert tree(out) == before
    assert not list(small_disk.glob(".dist.building-*"))
