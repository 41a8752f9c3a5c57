"""The corridor's record (maps/record.toml): every incident file on the map, in the list, on the strip
diagram and in its table; each mark at its km and date; a new incident file added with no other edit;
the filters and the links between the strip, the list and the map in the browser."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.contract import INCIDENT_KINDS
from geo.recipe import Record, Section
from geo.record import TALL, TALL_GEOMETRY, WIDE, WIDE_GEOMETRY, Row, strip_layout
from tests.conftest import LAYERS, ROOT, read_layer
from tests.expected import layer_key
from tests.hostile import assert_bad_input, assert_built, geo
from tests.pages import BOXES, open_map, overlapping

RECIPE = ROOT / "maps" / "record.toml"
NS = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}


def incident_slugs(layers: Path = LAYERS) -> set[str]:
    return {path.stem for path in (layers / "events").glob("*.geojson")}


def parsed(page: Path):
    return html5lib.parse(page.read_text(encoding="utf-8"), treebuilder="etree", namespaceHTMLElements=True)


def ids_in(tree, path: str) -> list[str]:
    return [node.get("data-incident") for node in tree.iterfind(path, NS)]


def svg_marks(tree, orientation: str) -> list:
    svg = next(s for s in tree.iterfind(".//s:svg", NS) if f"geo-strip-{orientation}" in s.get("class", ""))
    return list(svg.iterfind(".//s:g[@class='geo-strip-mark']", NS))


def centre(mark) -> tuple[float, float]:
    """The middle of a mark: of the square that answers a tap on it."""
    hit = next(r for r in mark.iterfind("s:rect", NS) if r.get("class") == "hit")
    return float(hit.get("x")) + float(hit.get("width")) / 2, float(hit.get("y")) + float(hit.get("height")) / 2


def test_every_incident_file_is_in_the_list_on_both_strips_and_in_the_table(dist):
    tree = parsed(dist / "offline" / "record.html")
    slugs = incident_slugs()
    assert len(slugs) >= 20
    assert sorted(ids_in(tree, ".//h:ol[@class='geo-record-list']/h:li")) == sorted(slugs)
    assert sorted(ids_in(tree, ".//h:details[@class='geo-strip-table']//h:tr[@data-incident]")) == sorted(slugs)
    for orientation in (WIDE, TALL):
        assert sorted(m.get("data-incident") for m in svg_marks(tree, orientation)) == sorted(slugs)


def test_the_list_is_in_date_order_and_each_mark_sits_at_its_km_and_no_earlier_than_its_date(dist):
    """Positions worked out from the exported incidents (read by geopandas' reader), not from the layout."""
    import geopandas as gpd
    import pandas as pd

    sites = gpd.read_file(dist / "geojson" / "incidents.geojson").set_index("id")
    line_km = max(read_layer("stations")["features"], key=lambda f: f["properties"]["km_from_quetta"])
    line_km = line_km["properties"]["km_from_quetta"]
    tree = parsed(dist / "offline" / "record.html")
    dates = {slug: pd.Timestamp(value).date() for slug, value in sites["date"].items()}  # read as dates
    listed = ids_in(tree, ".//h:ol[@class='geo-record-list']/h:li")
    assert listed == sorted(listed, key=lambda slug: (dates[slug], slug))
    first = min(dates.values()).replace(day=1)
    for orientation, g in ((WIDE, WIDE_GEOMETRY), (TALL, TALL_GEOMETRY)):
        for mark in svg_marks(tree, orientation):
            site = sites.loc[mark.get("data-incident")]
            x, y = centre(mark)
            along, when = (x, y) if orientation == WIDE else (y, x)
            assert along == pytest.approx(g.km_from + (g.km_to - g.km_from) * site["km_from_quetta"] / line_km, abs=0.6)
            day = dates[mark.get("data-incident")]
            months = (day.year - first.year) * 12 + day.month - first.month
            assert when >= g.time_from + g.per_month * months - 0.6  # moved on (never back) when it would cover another
            assert f"km {site['km_from_quetta']:g} from Quetta" in mark.get("aria-label")


def test_the_strip_names_its_sections_and_describes_itself(dist):
    tree = parsed(dist / "offline" / "record.html")
    text = " ".join(t.text or "" for t in tree.iterfind(".//s:text", NS))
    for name in ("Bolan Pass", "Kachhi plain", "Upper Sindh", "Punjab", "Potohar", "Quetta", "Peshawar Cantt"):
        assert name in text
    for svg in tree.iterfind(".//s:svg[@role='group']", NS):
        title = svg.find("s:title", NS)
        desc = svg.find("s:desc", NS)
        assert svg.get("aria-labelledby") == title.get("id") and svg.get("aria-describedby") == desc.get("id")
        assert "incidents fall between km" in desc.text


# --- the layout, for any incidents --------------------------------------------------------------------

STATIONS = {"stations": read_layer("stations")}
RECORD = Record(
    layer="Incidents",
    section=[Section(name="Bolan Pass", from_station="kolpur", to_station="sibi")],
    station_names=["quetta", "sibi"],
)
rows = st.lists(
    st.builds(
        Row,
        id=st.uuids().map(str),
        name=st.just("x"),
        date=st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
        end_date=st.none(),
        kind=st.sampled_from(list(INCIDENT_KINDS)),
        km=st.floats(0, 1632),
        uncertainty_km=st.floats(0, 60).map(lambda v: round(v, 1)),
        site=st.just("somewhere"),
        claims=st.integers(0, 9),
        tolls=st.just(""),
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(rows)
def test_marks_never_cover_each_other_and_stay_inside_the_strip(incidents):
    incidents = sorted(incidents, key=lambda r: (r.date, r.id))
    for orientation in (WIDE, TALL):
        layout = strip_layout(incidents, RECORD, STATIONS, "record.toml", orientation)
        g = layout["g"]
        marks = layout["marks"]
        for i, a in enumerate(marks):
            assert a.drawn_at >= a.at and g.time_from <= a.at <= layout["time_end"]
            for b in marks[i + 1 :]:
                assert abs(a.along - b.along) >= 2 * g.mark + 2 or abs(a.drawn_at - b.drawn_at) >= 2 * g.mark + 2
            assert g.km_from <= a.along <= g.km_to


# --- a new incident -----------------------------------------------------------------------------------


def test_a_new_incident_file_is_on_the_record_with_no_other_edit(tmp_path):
    shutil.copytree(LAYERS, tmp_path / "layers")
    shutil.copytree(ROOT / "maps", tmp_path / "maps")
    slug = "practice-2026-02-03"
    assert_built(
        geo(
            "new",
            slug,
            "--title",
            "Practice: blast between Jacobabad and Shikarpur",
            "--date",
            "2026-02-03",
            "--place",
            "between jacobabad and shikarpur",
            "--kind",
            "bombing",
            "--layers",
            tmp_path / "layers",
            "--maps",
            tmp_path / "maps",
        )
    )
    events = tmp_path / "layers" / "events" / f"{slug}.geojson"
    collection = json.loads(events.read_text(encoding="utf-8"))
    collection["incident"]["sources"] = [{"outlet": "Practice News", "date": "2026-02-03"}]
    events.write_text(json.dumps(collection), encoding="utf-8")
    out = tmp_path / "dist"
    assert_built(
        geo("build", "--map", "record", "--layers", tmp_path / "layers", "--maps", tmp_path / "maps", "--out", out)
    )
    tree = parsed(out / "offline" / "record.html")
    assert slug in ids_in(tree, ".//h:ol[@class='geo-record-list']/h:li")
    (mark,) = [m for m in svg_marks(tree, WIDE) if m.get("data-incident") == slug]
    assert "Blast on or by the line" in mark.get("aria-label")


def test_a_record_that_names_an_unknown_station_or_no_incidents_layer_is_refused(tmp_path):
    shutil.copytree(ROOT / "maps", tmp_path / "maps")
    recipe = tmp_path / "maps" / "record.toml"
    text = RECIPE.read_text(encoding="utf-8")
    recipe.write_text(text.replace('to_station = "sibi"', 'to_station = "sibbi"'), encoding="utf-8")
    assert_bad_input(
        geo("check", "--layers", LAYERS, "--maps", tmp_path / "maps"),
        "record.toml: [[record.section]] 1 ('Bolan Pass') to_station",
        "'sibbi' is not a station",
    )
    recipe.write_text(text.replace('layer = "Incidents"', 'layer = "Stops"'), encoding="utf-8")
    assert_bad_input(
        geo("check", "--layers", LAYERS, "--maps", tmp_path / "maps"),
        "[record] layer 'Stops' is not the name of a [[layer]] of incidents",
    )


# --- in the browser -----------------------------------------------------------------------------------

SHOWN_MARKS = (
    "() => [...document.querySelectorAll('.geo-strip-wide .geo-strip-mark')]"
    ".filter(m => m.getBoundingClientRect().width > 0).length"
)
SHOWN_ENTRIES = "() => [...document.querySelectorAll('.geo-record-list li')].filter(li => !li.hidden).length"


def test_filters_hide_the_incidents_they_leave_out_on_the_map_the_list_and_the_strip(chromium, dist):
    page = open_map(chromium, dist / "offline" / "record.html")
    key = layer_key(RECIPE, "incidents")
    total = len(incident_slugs())
    assert page.evaluate("key => GeoMap.drawn(key)", key) == total
    in_2026 = sum(1 for slug in incident_slugs() if "-2026-" in slug)
    page.get_by_label("2025", exact=False).first.uncheck()
    assert page.evaluate("key => GeoMap.drawn(key)", key) == in_2026
    assert page.evaluate(SHOWN_ENTRIES) == in_2026 and page.evaluate(SHOWN_MARKS) == in_2026
    assert page.locator(".geo-record-count").inner_text() == f"{in_2026} of {total} incidents shown."
    page.locator("input[name='year'][value='2025']").check()
    page.locator("input[name='kind'][value='hijacking']").uncheck()
    assert page.evaluate("key => GeoMap.drawn(key)", key) == total - 1
    assert page.evaluate(SHOWN_MARKS) == total - 1
    assert page.errors == []
    page.close()


def test_a_strip_mark_opens_its_incident_on_the_map_and_the_map_marks_the_strip(chromium, dist):
    page = open_map(chromium, dist / "offline" / "record.html")
    slug = "jaffar-express-2025-10-07"
    mark = page.locator(f".geo-strip-wide .geo-strip-mark[data-incident='{slug}']")
    mark.focus()
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for()
    assert "Sultan Kot" in page.locator(".leaflet-popup").inner_text()
    assert "is-current" in mark.get_attribute("class")
    assert page.locator(f".geo-record-list li[data-incident='{slug}']").get_attribute("aria-current") == "true"
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.evaluate("() => document.activeElement.getAttribute('data-incident')") == slug
    # The other way: a marker on the map marks its strip mark and its entry.
    other = "jaffar-express-2025-06-18"
    page.locator(f".geo-symbol[data-feature-id='{other}']").click()
    page.locator(".leaflet-popup").wait_for()
    assert "is-current" in page.locator(f".geo-strip-wide .geo-strip-mark[data-incident='{other}']").get_attribute(
        "class"
    )
    assert "is-current" not in mark.get_attribute("class")
    assert page.errors == []
    page.close()


def test_on_a_phone_the_strip_turns_and_every_target_is_44_px(chromium, dist):
    page = open_map(chromium, dist / "offline" / "record.html", 390, 844)
    assert page.locator(".geo-strip-wide").is_hidden() and page.locator(".geo-strip-tall").is_visible()
    small = page.evaluate(
        """() => [...document.querySelectorAll('.geo-strip-tall .geo-strip-mark .hit, .geo-record-show,'
                   + ' .geo-record-filters label, .geo-strip-table summary, .geo-record-list summary')]
            .map(e => e.getBoundingClientRect()).filter(r => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
            .map(r => [Math.round(r.width), Math.round(r.height)])"""
    )
    assert small == []
    page.close()


def test_the_picture_shows_the_strip_under_the_map_without_the_filters(chromium, dist):
    page = open_map(chromium, dist / "offline" / "record.html", 1200, 800)
    from geo.browser import PRINT_MODE

    page.evaluate(PRINT_MODE, None)
    assert page.locator(".geo-record-filters").is_hidden()
    strip = page.locator(".geo-strip-wide").bounding_box()
    chart = page.locator(".folium-map").bounding_box()
    assert strip["y"] >= chart["y"] + chart["height"] - 1 and strip["y"] + strip["height"] <= 800
    assert chart["height"] >= 250
    page.close()


@pytest.mark.parametrize("width, height", [(1280, 800), (1200, 800), (390, 844)])  # desktop, picture, phone
def test_the_strips_words_neither_touch_nor_leave_it(chromium, dist, width, height):
    """Every name, month and km on the strip shown is inside its drawing and clear of every other, in the
    fonts this browser has (the layout only estimates their widths)."""
    page = open_map(chromium, dist / "offline" / "record.html", width, height)
    strip = ".geo-strip-wide" if width > 600 else ".geo-strip-tall"
    words = page.evaluate(BOXES, f"{strip} text")
    (frame,) = page.evaluate(BOXES, strip)
    assert len(words) > 20 and overlapping(words) == []
    cut = [w["name"] for w in words if w["l"] < frame["l"] or w["r"] > frame["r"] or w["t"] < frame["t"]]
    assert cut == [] and all(w["b"] <= frame["b"] for w in words)
    page.close()
