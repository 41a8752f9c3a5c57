"""Every view a recipe can ask for opens a drawable map at a desktop's size and a phone's.

A view fitted to one point, bounds of no area and padding wider than a phone each built and then
threw "Invalid LatLng object: (NaN, NaN)" in the page; min_zoom and max_zoom never reached the map.
Recipes are generated (hypothesis over fit, bounds, padding and zooms); each accepted one is fitted in
one loaded page at both sizes, which must show the whole target at a finite view within the zooms.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo.compose import fit_target
from geo.enrich import enrich
from geo.recipe import RecipeError, recipe_from_dict
from geo.selection import select
from geo.shapes import features_bounds
from tests.hostile import base_layers, base_recipes
from tests.pages import open_map
from tests.test_escaping import route

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
lat = st.floats(28.5, 31.5, allow_nan=False)
lon = st.floats(66.5, 69.5, allow_nan=False)
zoom = st.integers(3, 17)
views = st.fixed_dictionaries(
    {},
    optional={
        "fit": st.sampled_from(["Tunnel No. 8", "Stations", "Rescue staging points", "Railway"]),
        "bounds": st.one_of(
            st.tuples(lat, lon).map(lambda p: [list(p), list(p)]),  # no area at all
            st.tuples(lat, lon, lat, lon).map(lambda b: [[b[0], b[1]], [b[2], b[3]]]),
        ),
        "padding": st.lists(st.integers(0, 400), min_size=4, max_size=4),
        "min_zoom": zoom,
        "max_zoom": zoom,
    },
)


@pytest.fixture(scope="module")
def pages(chromium, dist):
    opened = {size: open_map(chromium, dist / "offline" / "attack-site.html", *wh) for size, wh in SIZES.items()}
    yield opened
    for page in opened.values():
        page.close()


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(view=views)
def test_every_accepted_view_shows_its_target_at_both_sizes(pages, view):
    data = copy.deepcopy(base_recipes()["attack-site"])
    data["view"] = view
    try:
        recipe = recipe_from_dict(data, "maps/attack-site.toml")
    except RecipeError:
        assume(False)  # refused with a message (tests/test_recipes.py): nothing is drawn
    layers = enrich(base_layers(), route())
    bounds = {
        spec.name: features_bounds(select(layers[spec.source]["features"], spec, recipe.incident))
        for spec in recipe.layer
    }
    target = fit_target(recipe.view, bounds)
    assume(target is not None)
    for size, page in pages.items():
        page.evaluate(  # as the page made with the recipe's zooms would have them
            "z => { const o = GeoMap.registry.map.options; o.minZoom = z[0]; o.maxZoom = z[1]; }",
            [recipe.view.min_zoom, recipe.view.max_zoom],
        )
        state = page.evaluate(
            """fit => { GeoMap.fitView(fit);
                const m = GeoMap.registry.map, c = m.getCenter(), b = L.latLngBounds(fit.bounds);
                return {lat: c.lat, lng: c.lng, zoom: m.getZoom(), shows: m.getBounds().pad(0.001).contains(b),
                        min: m.getMinZoom(), max: m.getMaxZoom()}; }""",
            target,
        )
        assert all(isinstance(state[k], (int, float)) and state[k] == state[k] for k in ("lat", "lng", "zoom")), state
        assert state["min"] <= state["zoom"] <= state["max"], (size, view, state)
        zoomed_out_fully = state["zoom"] == state["min"]
        assert state["shows"] or zoomed_out_fully, (size, view, state)


def test_min_and_max_zoom_reach_the_map(chromium, tmp_path, dist):
    """A recipe's min_zoom and max_zoom bound the reader's zoom (folium gave them to no map)."""
    from tests.hostile import assert_built, geo, write_recipes

    recipes = copy.deepcopy(base_recipes())
    recipes["attack-site"]["view"].update(min_zoom=8, max_zoom=11)
    maps = write_recipes(tmp_path / "maps", {"attack-site": recipes["attack-site"]})
    assert_built(geo("build", "--maps", maps, "--out", tmp_path / "dist"))
    page = open_map(chromium, tmp_path / "dist" / "offline" / "attack-site.html")
    try:
        limits = page.evaluate(
            "() => { const m = GeoMap.registry.map; m.setZoom(18, {animate: false}); "
            "const most = m.getZoom(); m.setZoom(1, {animate: false}); return [m.getZoom(), most]; }"
        )
        assert limits == [8, 11]
    finally:
        page.close()
