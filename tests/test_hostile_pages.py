"""Whole builds from hostile layers and recipes, checked where it counts: in Chromium.

The escaping is proved fast and broadly without a browser (tests/test_escaping.py); these few cases
build a project whose every free-text string, in the data and in the recipes at once, carries markup,
and load what the build wrote as a reader would: the web page with its scripts from the CDN (answered
from node_modules), the offline page, and the embed in an article.  No injected script runs, no dialog
opens, no element carries an event handler, and every feature is drawn.
"""

from __future__ import annotations

import json

import pytest

from tests.expected import expected_counts
from tests.hostile import (
    EVERYTHING,
    MAP_NAMES,
    as_required_text,
    assert_built,
    check_exports,
    geo,
    poisoned_layers,
    poisoned_recipes,
    write_layers,
    write_recipes,
)
from tests.pages import LentPage, wait_for_map

# Two whole builds: every fragment at once (a right-to-left override and "<!--<script>" among them; how
# an override reads is test_a_right_to_left_override_in_a_name_stays_inside_the_name's), and the text that
# broke every web page through the minifier.
CASES = {
    "everything": EVERYTHING,
    "the minifier's case": "Plain <script> & grey <img src=x onerror=alert(1)>",
}
HANDLERS = """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
    .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"""


@pytest.fixture(scope="module", params=list(CASES))
def hostile_build(request, tmp_path_factory):
    payload = CASES[request.param]
    root = tmp_path_factory.mktemp("hostile")
    layers = poisoned_layers(payload)
    recipes = poisoned_recipes(payload)
    for recipe in recipes.values():  # the hostile claimants of the data in the timeline's classes too
        for layer in recipe["layer"]:
            if "style_by" in layer:
                layer["style_by"]["class"][0]["values"].append(as_required_text(payload) + " 2")
    layers_dir, maps_dir = write_layers(root / "layers", layers), write_recipes(root / "maps", recipes)
    assert_built(geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", root / "dist"))
    return root / "dist", maps_dir


def open_page(chromium, url: str):
    """A page at `url`, its CDN files answered from node_modules/, its errors and dialogs recorded."""
    page = LentPage.lend(chromium, 1280, 800, cdn=True)
    page.goto(url)
    return page


def assert_inert(page, name: str) -> None:
    assert page.evaluate("() => window.__pwned") is None, f"{name}: injected script ran"
    assert page.dialogs == [], f"{name}: a dialog opened: {page.dialogs}"
    assert page.evaluate(HANDLERS) == [], f"{name}: event-handler attributes"
    assert page.errors == [], f"{name}: page errors {page.errors}"


@pytest.mark.parametrize("name", MAP_NAMES)
@pytest.mark.parametrize("kind", ["web", "offline"])
def test_hostile_text_everywhere_runs_nothing_and_draws_everything(chromium, hostile_build, name, kind):
    dist, maps_dir = hostile_build
    page_path = dist / f"{name}.html" if kind == "web" else dist / "offline" / f"{name}.html"
    page = open_page(chromium, page_path.resolve().as_uri())
    wait_for_map(page)
    page.evaluate("() => { const s = GeoMap.registry.slider; if (s) s.setTime(s.end); }")
    assert_inert(page, f"{kind} {name}")
    for key, count in expected_counts(maps_dir / f"{name}.toml", dist / "geojson").items():
        assert page.evaluate("key => GeoMap.drawn(key)", key) == count, f"{kind} {name}: layer {key}"
    page.close()


def test_hostile_text_in_an_embed_runs_nothing(chromium, hostile_build):
    """The embed (a snippet pasted into an article) with its alt text, title and credits from the data."""
    dist, _ = hostile_build
    for name in MAP_NAMES:
        article = dist / "embed" / f"article-{name}.html"
        snippet = (dist / "embed" / f"{name}.html").read_text(encoding="utf-8")
        article.write_text(f"<!DOCTYPE html><html lang=en><title>a</title><body>{snippet}</body></html>", "utf-8")
        page = open_page(chromium, article.resolve().as_uri())
        page.wait_for_load_state("load")
        assert_inert(page, f"embed {name}")
        page.close()


def test_hostile_text_leaves_the_exports_readable(hostile_build):
    """GeoJSON strict JSON, the KML well-formed XML, no CSV cell a spreadsheet would run."""
    dist, _ = hostile_build
    check_exports(dist)
    assert json.loads((dist / "geojson" / "events.geojson").read_text(encoding="utf-8"))["features"]


# Where each character of a label is drawn: the label's own text read back from the screen.
GLYPH_X = """([text, chars]) => {
    const label = [...document.querySelectorAll('.geo-label span')].find(s => s.textContent.includes(text));
    const node = label.firstChild, x = {};
    for (const c of chars) {
        const i = node.textContent.indexOf(c), range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        x[c] = range.getBoundingClientRect().left;
    }
    return x;
}"""


def test_a_right_to_left_override_in_a_name_stays_inside_the_name(chromium, tmp_path, scratch_layers):
    """U+202E in a station's name reversed its label ("SibiatteuQ morf 141 mk ·"): the name is isolated,
    so the rest of the label reads left to right, and the alt text and description isolate it too."""
    import json

    from tests.conftest import layer_path

    path = layer_path(scratch_layers, "stations")
    stations = json.loads(path.read_text(encoding="utf-8"))
    sibi = next(f for f in stations["features"] if f["properties"]["id"] == "sibi")
    sibi["properties"]["name"] = "Sibi\u202e"
    path.write_text(json.dumps(stations, ensure_ascii=False), encoding="utf-8")
    tunnels_path = layer_path(scratch_layers, "tunnels")
    tunnels = json.loads(tunnels_path.read_text(encoding="utf-8"))
    next(f for f in tunnels["features"] if f["properties"]["id"] == "tunnel-8")["properties"]["name"] = "Tunnel\u202e"
    tunnels_path.write_text(json.dumps(tunnels, ensure_ascii=False), encoding="utf-8")
    assert_built(geo("build", "--layers", scratch_layers, "--out", tmp_path / "dist"))
    page = open_page(chromium, (tmp_path / "dist" / "offline" / "attack-site.html").resolve().as_uri())
    wait_for_map(page)
    x = page.evaluate(GLYPH_X, ["km 141", "kQ"])
    assert x["k"] < x["Q"], x  # "km 141 from Quetta" in reading order
    page.close()
    text = (tmp_path / "dist" / "embed" / "attack-site.txt").read_text(encoding="utf-8")
    assert "\u2068Tunnel\u202e\u2069 (km" in text and "Tunnel\u202e " not in text  # the claims' place
