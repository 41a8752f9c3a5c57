"""What an editor and an accessibility tester check, at three screen sizes, on the offline pages
with the network blocked: axe-core (WCAG 2.2 AA), labels, controls, phone targets, popups, keyboard."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from geo.browser import offline_page, wait_for_vectors
from tests.conftest import JAFFAR, LAYERS, MAP_NAMES, ROOT, layer_path, read_layer
from tests.expected import expected_counts, layer_key
from tests.pages import BOXES, overlapping
from tests.pages import open_map as open_page

MAPS = MAP_NAMES
SIZES = {
    "desktop": (1280, 800),
    "tablet": (768, 1024),
    "phone": (390, 844),
    "small phone": (360, 640),
    "phone sideways": (844, 390),
}
PHONES = {"phone", "small phone", "phone sideways"}  # the sizes that get the bottom sheet and 44 px targets
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def open_map(chromium, dist: Path, name: str, size: str):
    return open_page(chromium, dist / "offline" / f"{name}.html", *SIZES[size])


# Each shown name of a point, with the places on the page of the points drawn (a base-map city's dot is
# drawn only with its name; two names of one place are one point).
NAMED_POINTS = """() => {
    const map = GeoMap.registry.map, box = map.getContainer().getBoundingClientRect();
    const named = GeoMap.registry.labels.filter(l => !l.anchors && !l.fixed && l.layer.getLatLng
                                                     && l.layer.getTooltip() && l.layer._map);
    const shown = l => { const node = l.layer.getTooltip().getElement();
                         return node && !node.classList.contains('geo-label-hidden'); };
    const at = named.map(l => { const p = map.latLngToContainerPoint(l.layer.getLatLng());
                                return [box.left + p.x, box.top + p.y]; });
    const drawn = at.filter((p, i) => !named[i].dot || shown(named[i]));
    return named.map((l, i) => { if (!shown(l)) return null;
        const r = l.layer.getTooltip().getElement().getBoundingClientRect();
        return {name: l.layer.getTooltip().getElement().textContent, box: [r.left, r.top, r.right, r.bottom],
                at: at[i], others: drawn.filter(p => Math.hypot(p[0] - at[i][0], p[1] - at[i][1]) >= 3)};
    }).filter(Boolean);
}"""

# The places each map names, whatever the screen (the list; "or" where either name will do).
REQUIRED_NAMES = {
    "corridor": [
        "Quetta",
        "Sibi",
        "Jacobabad",
        "Rohri|Sukkur",
        "Multan",
        "Lahore",
        "Rawalpindi",
        "Peshawar",
        "Tunnel No. 8",
    ],
    "attack-site": ["Mach", "Panir", "Pehro Kunri", "Mushkaf", "Sibi", "Bolan Pass", "Tunnel No. 8"],
    "timeline": ["Quetta", "Mach", "Sibi"],
    "record": ["Quetta", "Sibi", "Jacobabad"],
}


def distance_to_box(point: list[float], box: list[float]) -> float:
    dx = max(box[0] - point[0], 0, point[0] - box[2])
    dy = max(box[1] - point[1], 0, point[1] - box[3])
    return (dx * dx + dy * dy) ** 0.5


def named_points(page) -> list[tuple[str, float, float]]:
    """Each shown point name: its distance to its own point and to the nearest other named point."""
    return [
        (
            label["name"],
            distance_to_box(label["at"], label["box"]),
            min((distance_to_box(p, label["box"]) for p in label["others"]), default=float("inf")),
        )
        for label in page.evaluate(NAMED_POINTS)
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", MAPS)
def test_publishable_at_every_size(chromium, dist, name, size):
    page = open_map(chromium, dist, name, size)
    # axe-core, pinned from npm: no serious or critical WCAG 2.2 AA violation.
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
        AXE_TAGS,
    )
    assert violations == []
    # Labels: none overlaps another, none is cut at the map's edge, none nearer another named point than its own.
    labels = page.evaluate(BOXES, ".geo-label:not(.geo-label-hidden)")
    assert labels and overlapping(labels) == []
    frame = page.evaluate(
        "() => { const r = document.querySelector('.folium-map').getBoundingClientRect();"
        " return {l: r.left, r: r.right, t: r.top, b: r.bottom}; }"
    )
    cut = [
        b["name"]
        for b in labels
        if b["l"] < frame["l"] or b["r"] > frame["r"] or b["t"] < frame["t"] or b["b"] > frame["b"]
    ]
    assert cut == []
    assert [name for name, own, other in named_points(page) if not own < other] == []
    texts = [label["name"].casefold() for label in labels]
    missing = [
        required
        for required in REQUIRED_NAMES[name]
        if not any(text.startswith(option.casefold()) for option in required.split("|") for text in texts)
    ]
    assert missing == []
    # Controls do not overlap each other, nor the source line below the map.
    controls = page.evaluate(BOXES, ".leaflet-control-container .leaflet-control, .geo-credits")
    assert overlapping(controls) == []
    if size in PHONES:  # every control a finger can hit is at least 44 x 44 px
        targets = page.evaluate(
            BOXES, ".leaflet-control a, .leaflet-control button, .leaflet-control summary, .leaflet-control input"
        )
        small = [
            (t["name"], round(t["r"] - t["l"]), round(t["b"] - t["t"]))
            for t in targets
            if t["r"] - t["l"] < 44 or t["b"] - t["t"] < 44
        ]
        assert small == []
    assert page.errors == []
    page.close()


# Leaflet pans a popup into view with an animation (`autopanstart`, then `moveend`); the sheet's pan is not
# animated.  The flag is down once no pan is under way, whatever the machine's speed.
TRACK_AUTOPAN = """() => {
    const map = GeoMap.registry.map;
    window.__autopanning = false;
    map.on("autopanstart", () => {
        window.__autopanning = true;
        map.once("moveend", () => { window.__autopanning = false; });
    });
}"""


@pytest.mark.parametrize("size", SIZES)
def test_the_attack_site_popup_fits_closes_with_escape_and_gives_the_view_back(chromium, dist, size):
    page = open_map(chromium, dist, "attack-site", size)
    view = "() => { const m = GeoMap.registry.map; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    before = page.evaluate(view)
    page.evaluate(TRACK_AUTOPAN)
    box = page.locator('[data-feature-id="jaffar-express-2025-03-11"]').first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    opened = page.locator(".geo-sheet" if size in PHONES else ".leaflet-popup")
    opened.wait_for()
    page.wait_for_function("() => !window.__autopanning")  # the pan that brings it into view, if any, is over
    shown = opened.bounding_box()
    width, height = SIZES[size]
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= height and shown["x"] >= 0
    assert shown["x"] + shown["width"] <= width
    assert "Jaffar Express hijacked" in page.evaluate("() => document.activeElement.textContent")
    close = page.locator(".geo-sheet-close" if size in PHONES else ".leaflet-popup-close-button")
    close_box = close.bounding_box()
    controls = page.evaluate(BOXES, ".leaflet-control-container .leaflet-control")
    assert (
        overlapping(
            [
                {
                    "name": "close",
                    "l": close_box["x"],
                    "r": close_box["x"] + close_box["width"],
                    "t": close_box["y"],
                    "b": close_box["y"] + close_box["height"],
                },
                *controls,
            ]
        )
        == []
        or size in PHONES
    )  # the sheet lies over the map's controls, so its button is never under one
    page.keyboard.press("Escape")
    opened.wait_for(state="detached")
    # The same zoom, and the opening centre back at the map's centre (to the pixel Leaflet rounds to).
    after = page.evaluate(view)
    drift = page.evaluate(
        "c => { const m = GeoMap.registry.map; const p = m.latLngToContainerPoint(c);"
        " const s = m.getSize(); return Math.hypot(p.x - s.x / 2, p.y - s.y / 2); }",
        before[:2],
    )
    assert after[2] == before[2] and drift <= 1.5
    assert page.errors == []
    page.close()


# The map's view at each frame from its first, until the page has settled: [zoom, lat, lng].
VIEWS = """() => { window.__views = [];
  (function frame() {
    const map = window.GeoMap && GeoMap.registry.map;
    if (map && map._loaded) __views.push([map.getZoom(), map.getCenter().lat, map.getCenter().lng]);
    if (!(window.GeoMap && GeoMap.registry.settled)) requestAnimationFrame(frame);
  })();
}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("name", MAPS)
def test_the_first_frame_shows_the_opening_view(chromium, dist, name, size):
    """No jump once the reader sees the map: the view of its first frame is the one it settles in."""
    page = offline_page(chromium, *SIZES[size])
    page.add_init_script(f"({VIEWS})()")
    page.goto((dist / "offline" / f"{name}.html").resolve().as_uri())
    page.wait_for_function("() => window.GeoMap && GeoMap.registry.settled")
    page.evaluate("() => new Promise(r => setTimeout(r, 300))")  # a late refit would come by now
    views = page.evaluate("__views")
    moved = page.evaluate(
        "([first]) => { const map = GeoMap.registry.map, zoom = map.getZoom();"
        " const then = map.project([first[1], first[2]], zoom), now = map.project(map.getCenter(), zoom);"
        " return [first[0] - zoom, then.distanceTo(now)]; }",
        views[:1],
    )
    assert views and moved[0] == 0 and moved[1] < 1.5
    assert page.errors == []
    page.close()


# Every size, weight and style of text on a page is a font the browser sets up before its first frame
# (a few milliseconds each on a phone). Names on the map come after the first frame.
FIRST_FRAME_FONTS = """() => {
  const fonts = new Set(), texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    const node = text.parentElement;
    if (!text.data.trim() || node.closest('.geo-events, .geo-record, .geo-strip, .leaflet-tooltip, script, style')) {
      continue;  // the panels below the map on a phone are laid out when scrolled near (content-visibility)
    }
    if (!node.getClientRects().length) continue;
    const s = getComputedStyle(node);
    fonts.add([s.fontFamily, s.fontSize, s.fontWeight, s.fontStyle].join(' '));
  }
  return [...fonts].sort();
}"""


@pytest.mark.parametrize("name", MAPS)
def test_a_phone_sets_up_three_fonts_before_the_first_frame(chromium, dist, name):
    page = open_map(chromium, dist, name, "phone")
    fonts = page.evaluate(FIRST_FRAME_FONTS)
    assert len(fonts) <= 3, fonts  # 12 px regular and bold, and the title
    page.close()


# Methods browsers gained from 2020 on (Safari 14, Chrome 86, Firefox 78 and later): the maps' own script is
# written without them, so a reader on an older phone still gets the map.
NEWER_METHODS = """() => {
  for (const [owner, name] of [[Element.prototype, 'replaceChildren'], [Array.prototype, 'at'],
                               [String.prototype, 'replaceAll'], [Object, 'hasOwn'], [window, 'structuredClone']]) {
    delete owner[name];
  }
}"""


@pytest.mark.parametrize("name", MAPS)
def test_the_maps_open_without_methods_newer_than_2019(chromium, dist, name):
    page = offline_page(chromium, *SIZES["phone"])
    page.add_init_script(f"({NEWER_METHODS})()")
    page.goto((dist / "offline" / f"{name}.html").resolve().as_uri())
    wait_for_vectors(page)
    assert page.evaluate("() => Element.prototype.replaceChildren") is None
    assert page.locator(".leaflet-control-zoom-in svg, .geo-reset-button svg").count() == 2
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("name", MAPS)
def test_clicking_every_feature_raises_no_error(chromium, dist, name):
    page = open_map(chromium, dist, name, "desktop")
    if name == "timeline":
        page.evaluate("() => GeoMap.registry.slider.setTime(GeoMap.registry.slider.end)")
    count = page.evaluate("""() => { const all = [...document.querySelectorAll('.geo-f, .geo-badge')];
        all.forEach(e => { e.dispatchEvent(new MouseEvent('click', {bubbles: true}));
                           document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'})); });
        return all.length; }""")
    assert count > 0 and page.errors == []
    page.close()


def test_keyboard_reaches_the_attack_site_in_a_few_tab_presses(chromium, dist):
    page = open_map(chromium, dist, "attack-site", "desktop")
    presses = 0
    site = "jaffar-express-2025-03-11"  # the incident's own feature: its site
    while presses < 40 and page.evaluate("() => document.activeElement.getAttribute('data-feature-id')") != site:
        page.keyboard.press("Tab")
        presses += 1
    assert presses < 10
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.evaluate("() => document.activeElement.getAttribute('data-feature-id')") == site
    page.close()


def claim_times() -> list[int]:
    """Each distinct time a claim appears at, epoch ms, from the layer itself."""
    events = json.loads(layer_path(LAYERS, "events").read_text(encoding="utf-8"))["features"]
    return sorted({int(datetime.fromisoformat(f["properties"]["time"]).timestamp() * 1000) for f in events})


def test_the_slider_steps_claim_by_claim_and_says_when(chromium, dist):
    page = open_map(chromium, dist, "timeline", "desktop")
    times = claim_times()
    slider = page.locator("input.time-slider")
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("() => GeoMap.registry.slider.time") == times[1]
    page.keyboard.press("End")
    assert page.evaluate("() => GeoMap.registry.slider.time") == times[-1]
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("() => GeoMap.registry.slider.time") == times[-2]
    page.wait_for_function(
        "() => (document.querySelector('input.time-slider').getAttribute('aria-valuetext') || '')"
        ".match(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) /)"
    )
    # The readout is one line and names no time that no source gives.
    readout = page.locator(".time-text")
    assert readout.bounding_box()["height"] < 30
    page.close()


def test_an_entry_moves_the_time_control_and_is_marked_current(chromium, dist):
    page = open_map(chromium, dist, "timeline", "phone")
    button = page.locator('button[data-event-id="ispr-operation-concluded"]')
    button.scroll_into_view_if_needed()
    button.click()
    start = int(
        page.locator('li:has(button[data-event-id="ispr-operation-concluded"])').get_attribute("data-event-start")
    )
    assert page.evaluate("() => GeoMap.registry.slider.time") == start
    page.wait_for_function(
        "() => document.querySelector('li[aria-current] button[data-event-id=\"ispr-operation-concluded\"]')"
    )
    # On a phone the map comes into view and the claim opens in the sheet.
    page.locator(".geo-sheet").wait_for()
    top = page.evaluate("() => document.querySelector('.folium-map').getBoundingClientRect().top")
    assert -5 <= top <= 5
    page.close()


# Each claim that shares its time with another, and is not the last of that time: the one the caption and
# the list named instead of the claim picked.
SHARING_A_TIME = """() => GeoMap.registry.timeline.getLayers ? (() => {
    const byStart = [...document.querySelectorAll('.geo-event-list > li')].map(li =>
        [Number(li.getAttribute('data-event-start')), li.querySelector('button').getAttribute('data-event-id')]);
    return byStart.filter(([start], i) => i + 1 < byStart.length && byStart[i + 1][0] === start).map(p => p[1]);
})() : []"""


# Until the popup has stayed put for two frames (the map's pan to fit it is animated).
POPUP_STILL = """() => new Promise(resolve => {
    let last = null;
    (function look() {
        const r = document.querySelector('.leaflet-popup').getBoundingClientRect(), now = r.x + ',' + r.y;
        if (now === last) resolve(); else { last = now; requestAnimationFrame(() => requestAnimationFrame(look)); }
    })();
})"""


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_a_claim_picked_from_the_list_is_named_and_its_popup_sits_clear_of_the_controls(chromium, dist, size):
    """Issue 25: the popup of a claim picked from the list opened under the time control and the caption named
    another claim of the same time; a popup showed "Claimed by" and "Who said it" with one text."""
    page = open_map(chromium, dist, "timeline", size)
    picks = page.evaluate(SHARING_A_TIME)
    assert picks, "no two claims share a time"
    for claim in picks[:3]:
        page.locator(f'button[data-event-id="{claim}"]').click()
        page.locator(".leaflet-popup").wait_for()
        page.evaluate(POPUP_STILL)  # the map pans to fit it: judged where it comes to rest
        name = page.locator(f'button[data-event-id="{claim}"]').inner_text()
        assert page.locator(".geo-caption-what").inner_text() == name
        assert page.locator("li[aria-current] button").inner_text() == name
        popup = page.locator(".leaflet-popup").bounding_box()
        controls = page.evaluate(BOXES, ".leaflet-control-container .leaflet-control")
        hidden = [
            c["name"]
            for c in controls
            if c["l"] < popup["x"] + popup["width"] - 1
            and popup["x"] < c["r"] - 1
            and c["t"] < popup["y"] + popup["height"] - 1
            and popup["y"] < c["b"] - 1
        ]
        assert hidden == [], claim
        texts = page.locator(".leaflet-popup dd").all_inner_texts()
        assert len(texts) == len(set(texts)), claim
        page.keyboard.press("Escape")
        page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.errors == []
    page.close()


def test_a_superseded_claim_is_shown_overturned_from_when_the_later_claim_appears(chromium, dist):
    """Issue 25: drawn hollow, and struck through in the list with the words, from the moment the claim
    superseding it appears on the time control, not before."""
    claims = {f["properties"]["id"]: f["properties"] for f in read_layer("events")["features"]}
    pairs = [
        (cid, p["superseded_by"])
        for cid, p in claims.items()
        if p["incident"] == JAFFAR and p.get("status") == "superseded" and p.get("superseded_by") in claims
    ]
    assert pairs, "the timeline's incident has no superseded claim"
    page = open_map(chromium, dist, "timeline", "desktop")
    fill = (
        "id => { const l = GeoMap.registry.timeline.getLayers().find(l => l.feature.properties.id === id);"
        " return l ? l.options.fillColor : null; }"
    )

    def at(time: int) -> None:
        page.evaluate("t => GeoMap.registry.slider.setTime(t)", time)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    for claim, later in pairs:
        entry = page.locator(f'li:has(button[data-event-id="{claim}"])')
        own = int(entry.get_attribute("data-event-start"))
        overturning = int(page.locator(f'li:has(button[data-event-id="{later}"])').get_attribute("data-event-start"))
        if overturning > own:  # shown, and not yet overturned
            at(own)
            assert "is-overturned" not in entry.get_attribute("class") and page.evaluate(fill, claim) != "#ffffff"
        at(max(own, overturning))
        assert "is-overturned" in entry.get_attribute("class") and page.evaluate(fill, claim) == "#ffffff"
        after = entry.locator(".when").evaluate("e => getComputedStyle(e, '::after').content")
        assert "overturned" in after
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_claims_drawn_at_one_place_are_counted_beside_it(chromium, dist, enriched, size):
    """At the end of the timeline each place holding several claims has their number beside it, clear
    of the labels and of each other; the counts come from the layer, grouped by position."""
    events = [f for f in enriched["events"]["features"] if f["properties"]["incident"] == "jaffar-express-2025-03-11"]
    per_place: dict[tuple, int] = {}
    for feature in events:
        at = tuple(round(c, 5) for c in feature["geometry"]["coordinates"][:2])
        per_place[at] = per_place.get(at, 0) + 1
    stacks = sorted((n for n in per_place.values() if n > 1), reverse=True)
    first = claim_times()[0]
    at_first = sum(1 for f in events if datetime.fromisoformat(f["properties"]["time"]).timestamp() * 1000 == first)
    page = open_map(chromium, dist, "timeline", size)
    # At the start only the first time's claims are shown, and counted.
    assert sum(int(t["name"]) for t in page.evaluate(BOXES, ".geo-tally")) <= at_first
    # The time control redraws in the next animation frame: wait for the one after it, not for any tally
    # (the start's tallies are there already: waiting for those was a race a busy machine lost).
    page.evaluate(
        """() => { const s = GeoMap.registry.slider; s.setTime(s.end);
                   return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r))); }"""
    )
    tallies = page.evaluate(BOXES, ".geo-tally")
    shown = sorted((int(t["name"]) for t in tallies), reverse=True)
    assert shown[0] == stacks[0]  # the biggest stack is counted first
    assert all(shown.count(n) <= stacks.count(n) for n in shown)
    labels = page.evaluate(BOXES, ".geo-label:not(.geo-label-hidden)")
    assert overlapping(tallies + labels) == []
    assert page.locator(".geo-tally[aria-hidden=true]").count() == len(tallies)  # the list is what is read
    page.close()


INTERACTIVE = ".leaflet-control-container a, .leaflet-control-container button, .leaflet-control-container input"


def test_png_has_no_interactive_controls_and_shows_the_end(chromium, dist):
    page = open_map(chromium, dist, "timeline", "desktop")
    from geo.browser import PRINT_MODE

    page.evaluate(PRINT_MODE, None)
    assert page.evaluate(BOXES, INTERACTIVE) == []
    assert page.locator("details.geo-legend[open]").count() == 1 and page.locator(".geo-credits").is_visible()
    # The time the picture shows, written whole (the last claim's date is the longest of its kind).
    readout = page.locator(".time-text")
    assert readout.evaluate("e => e.scrollWidth <= e.clientWidth") and "(" in readout.inner_text()
    recipe = ROOT / "maps" / "timeline.toml"
    key = layer_key(recipe, "events")
    assert page.evaluate("key => GeoMap.drawn(key)", key) == expected_counts(recipe, dist / "geojson")[key]
    page.close()


@pytest.mark.parametrize("name", MAPS)
def test_printed_from_the_browser_the_page_has_no_controls_and_the_key_open(chromium, dist, name):
    page = open_map(chromium, dist, name, "phone")  # where the key starts folded
    assert page.evaluate(BOXES, INTERACTIVE) and page.locator("details.geo-legend[open]").count() == 0
    page.emulate_media(media="print")
    page.wait_for_function("() => document.documentElement.classList.contains('geo-print')")
    assert page.evaluate(BOXES, INTERACTIVE) == []
    assert page.locator("details.geo-legend[open]").count() == 1 and page.locator(".geo-credits").is_visible()
    page.emulate_media(media="screen")  # and back as it was
    page.wait_for_function("() => !document.documentElement.classList.contains('geo-print')")
    assert page.evaluate(BOXES, INTERACTIVE) and page.locator("details.geo-legend[open]").count() == 0
    assert page.errors == []
    page.close()


def test_an_area_label_with_details_is_written_whole_on_its_area(chromium, tmp_path):
    """A labelled area whose label has more than its name (so the page also carries the name alone)
    is placed on the area with the text it was measured with, never the name left from measuring."""
    import subprocess
    import sys

    maps = tmp_path / "maps"
    maps.mkdir()
    recipe = (ROOT / "maps" / "corridor.toml").read_text(encoding="utf-8")
    detailed = recipe.replace('label = ["name"]\nlabel_rank = 1\n', 'label = ["name", "kind"]\nlabel_rank = 1\n', 1)
    assert detailed != recipe
    (maps / "corridor.toml").write_text(detailed, encoding="utf-8")
    out = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "geo.cli", "build", "--maps", str(maps), "--out", str(out)], check=True)
    page = open_map(chromium, out, "corridor", "desktop")
    shown = page.evaluate("""() => GeoMap.registry.labels
        .filter(l => l.anchors && l.texts && l.spot)
        .map(l => [l.layer.getTooltip().getElement().textContent, l.texts[0]])""")
    assert shown, "no area label was placed"
    assert all(text == full and " · " in text for text, full in shown), shown
    page.close()
