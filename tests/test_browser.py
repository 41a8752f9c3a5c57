"""The offline maps in headless Chromium with every network request blocked (the web
pages with their CDN answered locally).

Debian's chromium, driven by Playwright.  These tests never skip: a machine
without Chromium fails them (`make test` installs it).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from geo.browser import offline_page, wait_for_vectors
from tests.conftest import LAYERS, MAP_NAMES, ROOT, layer_path
from tests.expected import expected_counts, layer_key
from tests.pages import open_map, serve_cdn_from_node_modules

MAPS = MAP_NAMES


def drawn(page, key: str) -> int:
    return page.evaluate("key => GeoMap.drawn(key)", key)


def tile_requests_only(page) -> None:
    scripts_or_styles = [url for url in page.blocked if url.endswith((".js", ".css"))]
    assert not scripts_or_styles, scripts_or_styles


@pytest.mark.parametrize("name", MAPS)
def test_loads_offline_without_errors_and_draws_every_feature(chromium, dist, name):
    page = open_map(chromium, dist / "offline" / f"{name}.html")
    if name == "timeline":
        page.evaluate("() => GeoMap.registry.slider.setTime(GeoMap.registry.slider.end)")
    assert page.errors == []
    tile_requests_only(page)
    for key, count in expected_counts(ROOT / "maps" / f"{name}.toml", dist / "geojson").items():
        assert drawn(page, key) == count, key
    page.close()


def test_layer_control_turns_a_layer_off_and_on(chromium, dist):
    page = open_map(chromium, dist / "offline" / "attack-site.html")
    stations = layer_key(ROOT / "maps" / "attack-site.toml", "stations")
    before = drawn(page, stations)
    assert before > 0
    page.hover(".leaflet-control-layers")
    checkbox = page.locator(".leaflet-control-layers-overlays label", has_text="Stations").locator("input")
    checkbox.click()
    assert drawn(page, stations) == 0
    checkbox.click()
    assert drawn(page, stations) == before
    page.close()


def test_time_control_changes_which_events_are_shown(chromium, dist):
    page = open_map(chromium, dist / "offline" / "timeline.html")
    key = layer_key(ROOT / "maps" / "timeline.toml", "events")
    at_start = drawn(page, key)
    page.click("button.next")  # the slider's own "next event" button
    after_next = drawn(page, key)
    page.evaluate("() => GeoMap.registry.slider.setTime(GeoMap.registry.slider.end)")
    at_end = drawn(page, key)
    events = json.loads(layer_path(LAYERS, "events").read_text(encoding="utf-8"))["features"]
    assert 0 < at_start < after_next < at_end == len(events)
    # The list follows on the next animation frame.
    page.wait_for_function(
        "n => document.querySelectorAll('.geo-event-list li.is-shown').length === n", arg=len(events)
    )
    page.close()


def test_event_list_in_time_order_and_click_opens_the_right_popup(chromium, dist):
    page = open_map(chromium, dist / "offline" / "timeline.html")
    starts = page.eval_on_selector_all("[data-event-start]", "els => els.map(e => Number(e.dataset.eventStart))")
    assert starts == sorted(starts) and len(starts) > 50
    button = page.locator('button[data-event-id="ispr-operation-concluded"]')
    name = button.inner_text()
    button.click()
    popup = page.locator(".leaflet-popup-content .geo-popup h2")
    popup.wait_for()
    assert popup.inner_text() == name
    assert "ISPR" in page.locator(".leaflet-popup-content").inner_text()
    page.close()


def test_keyboard_reaches_the_controls(chromium, dist):
    page = open_map(chromium, dist / "offline" / "timeline.html")
    # Each focusable element once: Tab must reach the controls among them, wherever they come.
    focusable = page.evaluate(
        "() => [...document.querySelectorAll('a[href], button, input, summary, [tabindex]')]"
        ".filter(e => e.tabIndex >= 0).length"
    )
    reached = set()
    for _ in range(focusable):
        page.keyboard.press("Tab")
        reached.add(
            page.evaluate(
                "() => { const e = document.activeElement; "
                "return e.className + '|' + (e.getAttribute('aria-label') || '') }"
            )
        )
    text = " ".join(reached)
    assert "leaflet-control-layers-toggle" in text
    assert "play" in text
    page.close()


def test_urdu_in_popups_and_tooltips_is_marked_as_urdu(chromium, dist):
    """Sibi's Urdu name in its popup, and a tunnel's in its hover text, are lang="ur" dir="rtl" (WCAG 2.2
    3.1.2, language of parts), set in a typeface list that draws Urdu."""
    page = open_map(chromium, dist / "offline" / "attack-site.html")
    page.locator(".geo-f[data-feature-id='sibi']").first.dispatch_event("click")
    page.locator(".leaflet-popup").wait_for()
    urdu = page.locator(".leaflet-popup dd[lang='ur']")
    assert urdu.count() == 1 and urdu.get_attribute("dir") == "rtl" and urdu.inner_text().strip() == "سبی"
    assert "Nastaliq" in urdu.evaluate("e => getComputedStyle(e).fontFamily")
    page.keyboard.press("Escape")
    from geo.pagedata import KEY

    with_urdu = page.evaluate(
        "key => Object.values(GeoMap.registry.byKey).flatMap(s => [...s])"
        ".filter(l => l.feature && l.feature.properties[key]).map(l => l.feature.properties.id)",
        KEY.tooltip_ur,
    )
    assert with_urdu, "no feature on the attack-site map has an Urdu name in its hover text"
    page.locator(f".geo-f[data-feature-id='{with_urdu[0]}']").first.hover(force=True)
    hover = page.locator(".leaflet-tooltip span[lang='ur']")
    hover.wait_for()
    assert hover.get_attribute("dir") == "rtl"
    assert page.errors == []
    page.close()


def test_markup_in_data_renders_as_text(chromium, tmp_path, scratch_layers):
    stations = json.loads((scratch_layers / "stations.geojson").read_text(encoding="utf-8"))
    mach = next(f for f in stations["features"] if f["properties"]["id"] == "mach")
    mach["properties"]["name"] = '<img src=x onerror="window.__pwned=1">Mach ${window.__pwned=3} `x`'
    mach["properties"]["sources"][0]["url"] = "javascript:window.__pwned=2"
    (scratch_layers / "stations.geojson").write_text(json.dumps(stations), encoding="utf-8")
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "geo.cli", "build", "--layers", str(scratch_layers), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    page = open_map(chromium, out / "offline" / "attack-site.html")
    label = page.locator(".geo-label", has_text="onerror")
    assert label.count() == 1 and label.inner_text().startswith('<img src=x onerror="window.__pwned=1">Mach')
    page.locator('[data-feature-id="mach"]').first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "<img src=x" in popup.inner_text()
    assert page.locator(".leaflet-popup-content a[href^='javascript']").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.errors == []
    page.close()


def test_markup_in_claims_renders_as_text_in_the_list_and_table(chromium, tmp_path, scratch_layers):
    events = json.loads(layer_path(scratch_layers, "events").read_text(encoding="utf-8"))
    first = events["features"][0]["properties"]
    first["name"] = (
        '<img src=x onerror="window.__pwned=1">'  # and a tag the offline inliner would replace:
        '<link href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css" rel=stylesheet>'
    )
    first["claimed_by_detail"] = "</script><script>window.__pwned=2</script>"
    first["sources"][0]["outlet"] = "<b onmouseover=window.__pwned=3>Outlet</b>"
    bla = next(f["properties"] for f in events["features"] if f["properties"]["id"] == "bla-214-hostages")
    bla["claimed_by"] = "<i>BLA</i>"
    layer_path(scratch_layers, "events").write_text(json.dumps(events), encoding="utf-8")
    out = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "geo.cli", "build", "--layers", str(scratch_layers), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    page = open_map(chromium, out / "offline" / "timeline.html")
    page.wait_for_function("() => GeoMap.registry.loaded")
    button = page.locator(f'button[data-event-id="{first["id"]}"]')
    assert button.inner_text() == first["name"]
    assert "</script><script>" in page.locator(f'li:has(button[data-event-id="{first["id"]}"])').inner_text()
    assert page.locator(".geo-disputed", has_text="<i>BLA</i>").count() == 1
    assert page.locator(".geo-event-list b, .geo-event-list img, .geo-disputed i").count() == 0
    assert page.evaluate("() => window.__pwned") is None and page.errors == []
    page.close()


def test_web_page_loads_its_cdn_files_with_integrity(chromium, dist):
    page = offline_page(chromium)
    serve_cdn_from_node_modules(page)
    page.goto((dist / "attack-site.html").resolve().as_uri())
    wait_for_vectors(page)
    assert page.errors == []
    assert (
        page.evaluate("() => !!L.Control.MiniMap && L.version")
        == json.loads((ROOT / "node_modules" / "leaflet" / "package.json").read_text(encoding="utf-8"))["version"]
    )
    for key, count in expected_counts(ROOT / "maps" / "attack-site.toml", dist / "geojson").items():
        assert drawn(page, key) == count, key
    page.close()


def test_web_page_refuses_a_cdn_file_that_differs(chromium, dist):
    page = offline_page(chromium)
    console = serve_cdn_from_node_modules(page, changed=True)
    page.goto((dist / "attack-site.html").resolve().as_uri(), wait_until="load")
    assert page.evaluate("() => typeof L") == "undefined"
    assert any("integrity" in text for text in console), console
    page.close()


def test_the_corridor_lays_its_relief_over_its_area_only_zoomed_out(chromium, dist):
    """`relief = true` (the corridor): the relief image is decoded, multiplied onto the base map, and lies
    exactly over its area; zoomed in past RELIEF_MAX_ZOOM it is hidden. The other maps carry none."""
    from geo.recipe import RELIEF_MAX_ZOOM
    from geo.shapes import features_bounds

    context = json.loads((LAYERS / "context.geojson").read_text(encoding="utf-8"))["features"]
    area = features_bounds([f for f in context if f["properties"]["context_kind"] == "relief"])
    page = open_map(chromium, dist / "offline" / "corridor.html")
    state = """(area) => {
        const img = document.querySelector('.leaflet-geo-relief-pane img'), map = GeoMap.registry.map;
        const pane = img.closest('.leaflet-pane'), box = img.getBoundingClientRect();
        const origin = map.getContainer().getBoundingClientRect();
        const feature = area.map(c => map.latLngToContainerPoint(c));
        return { loaded: img.complete && img.naturalWidth > 0, hidden: pane.hidden, zoom: map.getZoom(),
                 blend: getComputedStyle(pane).mixBlendMode,
                 box: [box.left - origin.left, box.top - origin.top, box.right - origin.left, box.bottom - origin.top],
                 expected: [feature[0].x, feature[1].y, feature[1].x, feature[0].y] };
    }"""
    opening = page.evaluate(state, area)
    assert opening["loaded"] and not opening["hidden"] and opening["blend"] == "multiply"
    assert opening["zoom"] <= RELIEF_MAX_ZOOM
    assert opening["box"] == pytest.approx(opening["expected"], abs=1)
    page.evaluate("z => GeoMap.registry.map.setZoom(z, { animate: false })", RELIEF_MAX_ZOOM + 1)
    assert page.evaluate(state, area)["hidden"]
    page.evaluate("z => GeoMap.registry.map.setZoom(z, { animate: false })", RELIEF_MAX_ZOOM)
    assert not page.evaluate(state, area)["hidden"]
    assert page.errors == []
    page.close()
    for name in ("attack-site", "timeline"):
        page = open_map(chromium, dist / "offline" / f"{name}.html")
        assert page.locator(".leaflet-geo-relief-pane img").count() == 0, name
        page.close()


def test_switching_basemaps_shows_the_credit_of_the_one_shown(chromium, tmp_path):
    """A basemap named 'Plain & grey' hid both credit lines when chosen: the credit held the name as text,
    the switch reported it as HTML.  Credits now follow the basemap's place in the recipe."""
    import copy

    from tests.hostile import assert_built, base_recipes, geo, write_recipes

    recipe = copy.deepcopy(base_recipes()["attack-site"])
    recipe["basemap"][1]["name"] = "Plain & grey <b>"
    maps = write_recipes(tmp_path / "maps", {"attack-site": recipe})
    assert_built(geo("build", "--maps", maps, "--out", tmp_path / "dist"))
    page = open_map(chromium, tmp_path / "dist" / "offline" / "attack-site.html")
    shown = "() => [...document.querySelectorAll('[data-basemap]')].filter(e => !e.hidden).map(e => e.textContent)"
    assert len(page.evaluate(shown)) == 1 and "OpenTopoMap" in page.evaluate(shown)[0]
    page.locator(".leaflet-control-layers").hover()
    page.get_by_label("Plain & grey <b>").check()
    credits = page.evaluate(shown)
    assert len(credits) == 1 and "Esri" in credits[0], credits
    page.close()


def test_a_timeline_shipped_compressed_draws_lists_and_steps_like_one_in_plain_json(chromium, tmp_path, monkeypatch):
    """Above PACK_ABOVE_BYTES (a year of claims) the timeline's data travels gzipped and the timeline is made
    once it is inflated, with leaflet.timeline's public API only: here every page is packed."""
    import shutil

    import geo.pagedata
    from geo.build import build

    monkeypatch.setattr(geo.pagedata, "PACK_ABOVE_BYTES", 0)
    maps = tmp_path / "maps"
    maps.mkdir()
    shutil.copy(ROOT / "maps" / "timeline.toml", maps)
    out = tmp_path / "dist"
    build(LAYERS, maps, out)
    html = (out / "offline" / "timeline.html").read_text(encoding="utf-8")
    assert "GeoMap.inflate(" in html and "L.timeline(data, " in html  # made from its inflated data
    page = open_map(chromium, out / "offline" / "timeline.html")
    page.wait_for_function("() => GeoMap.registry.loaded")
    page.evaluate("() => GeoMap.registry.slider.setTime(GeoMap.registry.slider.end)")
    key = layer_key(ROOT / "maps" / "timeline.toml", "events")
    expected = expected_counts(ROOT / "maps" / "timeline.toml", out / "geojson")[key]
    page.wait_for_function("([key, n]) => GeoMap.drawn(key) === n", arg=[key, expected])
    assert page.locator(".geo-event-list > li").count() == expected
    page.locator(".geo-event-list > li button").first.click()
    page.locator(".leaflet-popup").wait_for()
    assert page.errors == []
    page.close()
