"""The built pages: deterministic, offline pages self-contained, data escaped."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from geo.recipe import load_recipe
from geo.styles import style_for
from tests.conftest import MAP_NAMES, ROOT, layer_path

MAPS = MAP_NAMES


@pytest.mark.parametrize("name", MAPS)
def test_web_and_offline_pages_exist(dist, name):
    web = (dist / f"{name}.html").read_text(encoding="utf-8")
    offline = (dist / "offline" / f"{name}.html").read_text(encoding="utf-8")
    assert "https://cdn.jsdelivr.net/npm/leaflet@" in web
    assert not re.search(r'<(script|link)[^>]+(src|href)=["\']?https?://', offline)
    assert "L.map(" in offline and "GeoMap.bind" in offline


def test_offline_css_images_are_inlined(dist):
    offline = (dist / "offline" / "attack-site.html").read_text(encoding="utf-8")
    assert re.search(r"url\([\"']?data:image/png;base64,", offline)  # leaflet's layer-control icon
    assert not re.search(r"url\((['\"]?)images/", offline)


def test_titles_descriptions_and_credits(dist):
    for name in MAPS:
        html = (dist / f"{name}.html").read_text(encoding="utf-8")
        header = re.search(
            r"<header class=\"?geo-header\"?>\s*<h1 dir=\"?auto\"?>([^<]+)</h1>\s*<p dir=\"?auto\"?>([^<]+)", html
        )
        assert header and len(header.group(2)) > 40
        # The source line sits below the map (never over the scale bar), as text.
        credits = re.search(r"<footer class=\"?geo-credits\"?[^>]*>(.*?)</footer>", html, re.S)
        assert credits and "Natural Earth" in credits.group(1) and "Tiles" in credits.group(1)
        assert re.search(r"<html lang=\"?en\"?>", html) and "user-scalable=no" not in html


def test_timeline_page_has_the_disputed_figures_table(dist):
    html = (dist / "timeline.html").read_text(encoding="utf-8")
    assert "Disputed figures" in html and ">214<" in html and "Passengers aboard" in html


def test_non_http_source_urls_are_not_links(tmp_path, scratch_layers):
    events = json.loads(layer_path(scratch_layers, "events").read_text(encoding="utf-8"))
    events["features"][0]["properties"]["sources"][0]["url"] = "javascript:alert(1)"
    events["features"][0]["properties"]["name"] = '<!--<script><img src=x onerror="alert(1)"></script><script>alert(2)'
    layer_path(scratch_layers, "events").write_text(json.dumps(events), encoding="utf-8")
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "geo.cli", "build", "--layers", str(scratch_layers), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    html = (out / "timeline.html").read_text(encoding="utf-8")
    assert "javascript:alert" not in html
    # The name is data inside a script: it must not close the script element.
    assert "</script><script>alert(2)" not in html and "\\u003c/script\\u003e\\u003cscript\\u003ealert(2)" in html
    assert "<!--" not in html


def test_shapes_simplified_for_display_are_drawn_as_they_are():
    """Leaflet would clip and simplify them again on every redraw (a sixth of a phone's load of the corridor)."""
    recipe = load_recipe(ROOT / "maps" / "corridor.toml")
    layers = {layer.source: layer for layer in recipe.layer}
    assert layers["provinces"].simplify_m and not layers["railway"].simplify_m
    drawn_whole = {"smoothFactor": 0, "noClip": True}
    assert drawn_whole.items() <= style_for({}, layers["provinces"], "area").items()
    assert not drawn_whole.keys() & style_for({}, layers["railway"], "line").keys()
    assert not drawn_whole.keys() & style_for({}, layers["provinces"], "point").keys()
