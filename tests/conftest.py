"""Shared fixtures: the repository's layers, and a scratch copy to break."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"


def read_layer(name: str) -> dict:
    return json.loads((LAYERS / f"{name}.geojson").read_text(encoding="utf-8"))


@pytest.fixture
def layer():
    return read_layer


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    """One `geo build` of the repository's layers and maps, shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("build") / "dist"
    subprocess.run([sys.executable, "-m", "geo.cli", "build", "--out", str(out)], check=True)
    return out


@pytest.fixture
def scratch_layers(tmp_path) -> Path:
    """A writable copy of layers/ to corrupt in a test."""
    target = tmp_path / "layers"
    shutil.copytree(LAYERS, target)
    return target
