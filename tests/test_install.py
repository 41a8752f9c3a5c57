"""An installed package (`pip install .`, not editable) ships its browser assets and builds
self-contained offline pages from any folder."""

from __future__ import annotations

import re
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest
import setuptools

from tests.conftest import LAYERS, ROOT

# setuptools builds wheels by itself from 70.1; `make test` installs the test extra's.
SETUPTOOLS_BUILDS_WHEELS = tuple(int(p) for p in setuptools.__version__.split(".")[:2]) >= (70, 1)


def fresh_clone(target: Path) -> Path:
    """The files `pip install .` reads, as a clone has them after `npm ci` (no geo/vendor/ yet)."""
    target.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, target / name)
    shutil.copytree(ROOT / "geo", target / "geo", ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def venv_on_our_packages(target: Path) -> Path:
    """A virtual environment without pip that sees this one's packages (pip, setuptools, folium...) after its own.

    Faster than installing them again, and needs no network; `--system-site-packages` would
    only add the base interpreter's, not this environment's.  Returns its site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(target)], check=True)
    query = "import sysconfig; print(sysconfig.get_path('purelib'))"
    purelib = Path(
        subprocess.run(
            [target / "bin" / "python", "-c", query], check=True, capture_output=True, text=True
        ).stdout.strip()
    )
    (purelib / "parent-environment.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    return purelib


@pytest.mark.slow
def test_installed_package_builds_offline_pages_from_any_folder(tmp_path):
    assert SETUPTOOLS_BUILDS_WHEELS, f"setuptools {setuptools.__version__} is too old: run `make test`"
    source = fresh_clone(tmp_path / "clone")
    purelib = venv_on_our_packages(tmp_path / "venv")
    python = tmp_path / "venv" / "bin" / "python"
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--ignore-installed",
            str(source),
        ],
        check=True,
        cwd=tmp_path,
    )

    vendored = sorted(
        p.relative_to(purelib / "geo" / "vendor").as_posix()
        for p in (purelib / "geo" / "vendor").rglob("*")
        if p.is_file()
    )
    assert any(re.fullmatch(r"leaflet@[\d.]+/dist/leaflet\.js", p) for p in vendored)
    assert any(re.fullmatch(r"leaflet@[\d.]+/dist/images/layers\.png", p) for p in vendored)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    located = subprocess.run(
        [python, "-c", "import geo; print(geo.__file__)"], check=True, capture_output=True, text=True, cwd=elsewhere
    ).stdout
    assert Path(located).resolve().is_relative_to(purelib.resolve())
    subprocess.run(
        [
            tmp_path / "venv" / "bin" / "geo",
            "build",
            "--layers",
            str(LAYERS),
            "--maps",
            str(ROOT / "maps"),
            "--out",
            "dist",
        ],
        check=True,
        cwd=elsewhere,
    )
    for page in (elsewhere / "dist" / "offline").glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link)\b[^>]*(src|href)=[\"']?https?:", html), page.name
        assert "Leaflet" in html and re.search(r"url\(\"?data:image/png;base64,", html), page.name
    web = (elsewhere / "dist" / "timeline.html").read_text(encoding="utf-8")
    assert web.count("integrity=sha384-") + web.count('integrity="sha384-') >= 4
