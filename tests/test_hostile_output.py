"""The output directory: only a previous build (or an empty folder) is replaced, symlinks are refused and
never followed, the swap is atomic, stale staging folders are cleaned and concurrent builds do not clash."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.hostile import HOSTILE, ROOT, assert_bad_input, assert_built, geo, tree

MARKER = ".geo-build"
EXPECTED = (
    "corridor.html",
    "attack-site.html",
    "timeline.html",
    "offline/corridor.html",
    "offline/attack-site.html",
    "offline/timeline.html",
    "geojson/events.geojson",
    "jaffar-express.gpkg",
    "jaffar-express.kml",
    "events.csv",
    "embed/timeline.html",
    "embed/timeline.txt",
    MARKER,
)


def build(out: Path):
    return geo("build", "--layers", ROOT / "layers", "--maps", ROOT / "maps", "--out", out)


def complete(out: Path) -> bool:
    return all((out / name).is_file() for name in EXPECTED)


def leftovers(out: Path) -> list[str]:
    """Staging or retired folders beside `out` (its lock file stays: it is how builds take turns)."""
    return sorted(
        p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and p.name != f".{out.name}.lock"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One build of the repository, copied where a test needs a previous output."""
    out = tmp_path_factory.mktemp("built") / "dist"
    assert_built(build(out))
    return out


entry_name = st.sampled_from(
    ["offline", "geojson", "png", "embed", "notes.txt", "src", ".git", "README.md", "events.csv", "index.html", "x"]
)


@HOSTILE
@given(entries=st.dictionaries(entry_name, st.sampled_from(["dir", "file"]), min_size=1, max_size=5))
@example(entries={"offline": "dir", "geojson": "dir"})
@example(entries={"offline": "dir", "geojson": "dir", "src": "dir", "README.md": "file"})
@example(entries={".git": "dir"})
def test_out_without_the_marker_is_never_replaced(entries):
    """Defect 4 (--out replaces a directory that is not a build): a non-empty directory without the
    `.geo-build` marker (whatever it holds, even offline/ and geojson/) is refused with exit 2, untouched."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "project"
        out.mkdir()
        for name, kind in entries.items():
            if kind == "dir":
                (out / name).mkdir()
                (out / name / "keep.txt").write_text("precious\n")
            else:
                (out / name).write_text("precious\n")
        before = tree(out)
        result = build(out)
        assert_bad_input(result, str(out.name), MARKER)
        assert tree(out) == before
        assert leftovers(out) == []


def test_out_empty_or_a_previous_build_is_replaced(tmp_path, built):
    """Defect 4, the other side: an empty directory and a previous build (with the marker) are replaced."""
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_built(build(empty))
    assert complete(empty)
    assert_built(build(empty))  # now a previous build
    assert complete(empty) and leftovers(empty) == []


SYMLINKS = {"png": "dir", "offline": "dir", "geojson": "dir", "events.csv": "file", "embed/timeline.html": "file"}


@pytest.mark.parametrize("inside", SYMLINKS)
@pytest.mark.parametrize("command", ["build", "png"])
def test_symlinks_inside_the_output_are_refused_never_followed(tmp_path, built, inside, command):
    """Defect 5 (symlinks in the output followed): a symlink anywhere inside --out / --dist (dist/png,
    dist/offline, a file) makes `geo build` and `geo png` exit 2 naming it; the link's target is untouched."""
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(built, out, symlinks=True)
    target = tmp_path / "elsewhere"
    if SYMLINKS[inside] == "dir":
        target.mkdir()
        (target / "corridor.png").write_bytes(b"not yours")
        (target / "keep.txt").write_text("precious\n")
    else:
        target.write_text("precious\n")
    link = out / inside
    if link.is_dir():
        shutil.rmtree(link)
    elif link.exists():
        link.unlink()
    link.symlink_to(target, target_is_directory=target.is_dir())
    before_target = tree(target) if target.is_dir() else target.read_bytes()
    if command == "build":
        result = geo("build", "--layers", ROOT / "layers", "--maps", ROOT / "maps", "--out", out)
    else:
        from tests.hostile import geo_subprocess

        result = geo_subprocess("png", "--dist", out, "--maps", ROOT / "maps", timeout=120)
    assert_bad_input(result, inside.split("/")[0])
    message = result.stderr.replace(str(tmp_path), "TMP")  # the test's folder name says "symlinks" too
    assert "symlink" in message.lower() or "symbolic link" in message.lower(), result.stderr
    assert (tree(target) if target.is_dir() else target.read_bytes()) == before_target
    assert link.is_symlink()


def test_png_does_not_create_a_missing_dist(tmp_path):
    """Defect 13 (geo png creates folders): `geo png --dist /nonexistent` is exit 2 and creates nothing."""
    missing = tmp_path / "nonexistent" / "dist"
    result = geo("png", "--dist", missing, "--maps", ROOT / "maps")
    assert_bad_input(result, str(missing))
    assert not (tmp_path / "nonexistent").exists()


class Crash(BaseException):
    """A kill between two steps of the swap, in this process."""


@pytest.mark.slow
@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_a_crash_between_any_two_renames_leaves_a_whole_dist(tmp_path, built, monkeypatch, step):
    """Defect 11 (swap not atomic): stopped at any rename or replace of the swap, dist/ is the previous build
    or the complete new one, never missing or half-written; the next build cleans every staging folder."""
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(built, out, symlinks=True)
    (out / "previous.txt").write_text("the previous build\n")
    before = tree(out)
    calls = {"n": 0}
    real = {"rename": os.rename, "replace": os.replace}

    def counting(name):
        def move(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == step:
                raise Crash(f"killed at {name} #{step}")
            return real[name](*args, **kwargs)

        return move

    monkeypatch.setattr(os, "rename", counting("rename"))
    monkeypatch.setattr(os, "replace", counting("replace"))
    from geo.build import build as build_function

    try:
        build_function(ROOT / "layers", ROOT / "maps", out)
    except Crash:
        pass
    monkeypatch.undo()
    assert out.is_dir(), f"dist/ is missing after a crash at rename #{step}"
    assert tree(out) == before or complete(out), f"dist/ is half-written after a crash at rename #{step}"
    assert_built(build(out))
    assert complete(out) and leftovers(out) == [], leftovers(out)


def test_stale_staging_folders_are_cleaned(tmp_path, built):
    """Defect 11 (stale staging folders): folders a killed build left (`.dist.building-*`,
    `.dist.previous`) are removed by the next build."""
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(built, out, symlinks=True)
    for name in (".dist.building-abc123", ".dist.building-zz9", ".dist.previous"):
        (tmp_path / name / "offline").mkdir(parents=True)
        (tmp_path / name / "offline" / "x.html").write_text("stale")
        old = time.time() - 3 * 86400
        os.utime(tmp_path / name, (old, old))
    assert_built(build(out))
    assert leftovers(out) == [], leftovers(out)


@pytest.mark.slow
def test_concurrent_builds_into_one_out_wait_or_refuse(tmp_path, built):
    """Defect 11 (concurrent builds): three `geo build` into one --out at once each succeed or refuse
    clearly (exit 2 saying another build holds the lock); none fails half-way; dist/ ends complete."""
    import shutil

    out = tmp_path / "dist"
    shutil.copytree(built, out, symlinks=True)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "geo.cli", "build", "--out", str(out)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        results.append((child.returncode, stderr))
    for code, stderr in results:
        assert code == 0 or (
            code == 2 and any(w in stderr.lower() for w in ("lock", "another build", "in progress", "running"))
        ), f"exit {code}: {stderr[-1500:]}"
        assert "Traceback" not in stderr
    assert any(code == 0 for code, _ in results)
    assert complete(out) and leftovers(out) == [], leftovers(out)
