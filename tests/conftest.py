"""Shared fixtures: the repository's layers, and a scratch copy to break."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from geo.contract import LAYER_KINDS, layer_files

# No time limit per example: on a busy 2-core machine (the normal case) a limit fails tests at random.
settings.register_profile("repository", deadline=None)
settings.load_profile("repository")

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ROOT / "layers"
MAP_NAMES = tuple(sorted(path.stem for path in (ROOT / "maps").glob("*.toml")))  # the shipped maps
# What `geo png` adds to a build, not `geo build`: its folder and the lock it takes beside it.
PICTURES = {"png", ".png.lock"}
JAFFAR = "jaffar-express-2025-03-11"  # the incident the shipped maps show


def layer_path(layers_dir: Path, kind: str, incident: str = JAFFAR) -> Path:
    """The file of a layer kind in a layers directory (an incident's file for kinds kept per incident)."""
    if LAYER_KINDS[kind].per_incident:
        return layers_dir / kind / f"{incident}.geojson"
    return layers_dir / f"{kind}.geojson"


def read_layer(name: str, layers_dir: Path = LAYERS) -> dict:
    """A layer kind's features, every incident's file together."""
    collections = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in layer_files(layers_dir, LAYER_KINDS[name])
        if path.exists()  # a kind whose file may be missing
    }
    features = [feature for collection in collections.values() for feature in collection["features"]]
    records = {stem: c["incident"] for stem, c in collections.items() if "incident" in c}
    return {"type": "FeatureCollection", "features": features, **({"records": records} if records else {})}


def write_layer(layers_dir: Path, name: str, collection: dict, dumps=json.dumps) -> None:
    """Write a layer kind as the layers directory keeps it (per incident: one file per `incident` value)."""
    if not LAYER_KINDS[name].per_incident:
        layer_path(layers_dir, name).write_text(dumps(collection), encoding="utf-8")
        return
    folder = layers_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.geojson"):
        old.unlink()
    groups: dict[str, list] = {}
    for feature in collection["features"]:
        incident = feature.get("properties", {}).get("incident") if isinstance(feature, dict) else None
        groups.setdefault(incident if isinstance(incident, str) and incident else JAFFAR, []).append(feature)
    for incident, features in groups.items():
        record = collection.get("records", {}).get(incident) or incident_record(incident)
        written = {"type": "FeatureCollection", "incident": record, "features": features}
        layer_path(layers_dir, name, incident).write_text(dumps(written), encoding="utf-8")


def incident_record(incident: str) -> dict:
    """An incident's own record: the repository's where it has one, else a plain one at Sibi."""
    path = LAYERS / "events" / f"{incident}.geojson"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))["incident"]
    return {
        "title": f"Test incident {incident}",
        "date": "2025-06-18",
        "kind": "bombing",
        "summary": "A test incident.",
        "site": {"name": "Sibi", "place": "sibi"},
        "sources": [{"outlet": "Test outlet", "date": "2025-06-18"}],
    }


@pytest.fixture
def layer():
    return read_layer


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    """One build of the repository's layers and maps, shared by the tests that only read it."""
    from geo.build import build

    return build(LAYERS, ROOT / "maps", tmp_path_factory.mktemp("build") / "dist")


@pytest.fixture(scope="session")
def enriched() -> dict:
    """The repository's layers as the build uses them: placed on the line, with chainage."""
    from geo.enrich import load_enriched

    return load_enriched(LAYERS)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session: each test opens its own context and pages in it."""
    from geo.browser import browser

    with browser() as instance:
        yield instance


@pytest.fixture(autouse=True)
def pages_not_given_back():
    """After each test, the map pages it did not give back (it failed before `close()`) are closed for good;
    those a module's fixture holds are its own."""
    from tests.pages import LentPage

    before = list(LentPage.lent)
    yield
    LentPage.close_the_lent(keep=before)


def pytest_collection_modifyitems(items) -> None:
    """A test that drives the browser is a `browser` test: `make test-fast` leaves those out."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def scratch_layers(tmp_path) -> Path:
    """A writable copy of layers/ to corrupt in a test."""
    target = tmp_path / "layers"
    shutil.copytree(LAYERS, target)
    return target
