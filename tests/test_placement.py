"""Placing claims, staging points and incident sites on the line by what reports say (geo.placement)."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.chainage import Route
from geo.placement import PlacementError, locate, place_index
from tests.hostile import base_layers


@pytest.fixture(scope="module")
def places(enriched):
    return place_index(enriched)


@pytest.fixture(scope="module")
def route(enriched):
    return Route.from_layers(enriched)


def test_at_a_place_the_point_km_and_accuracy_are_the_places(places, route):
    sibi = places["sibi"]
    placed = locate({"place": "sibi"}, places, route)
    assert (placed.lon, placed.lat, placed.km, placed.accuracy_m) == (sibi.lon, sibi.lat, sibi.km, sibi.accuracy_m)
    assert "Sibi" in placed.basis


def test_one_km_from_sultan_kot_is_at_its_km_as_uncertain_as_the_distance(places, route):
    """The 7 October 2025 blast, 'about 1 km from Sultan Kot station' (side not reported)."""
    station = places["sultan-kot"]
    placed = locate({"place": "sultan-kot", "place_offset_km": 1}, places, route)
    assert placed.km == station.km == 324
    assert placed.accuracy_m == 1000 + station.accuracy_m
    assert "side not reported" in placed.basis


def test_towards_a_station_the_offset_goes_that_way(places, route):
    towards_jacobabad = locate(
        {"place": "sultan-kot", "place_offset_km": 2, "place_towards": "jacobabad"}, places, route
    )
    towards_shikarpur = locate(
        {"place": "sultan-kot", "place_offset_km": 2, "place_towards": "shikarpur"}, places, route
    )
    assert towards_jacobabad.km == 322 and towards_shikarpur.km == 326


@given(km=st.floats(0, 1632, allow_nan=False))
def test_near_km_n_is_on_the_line_at_n(km):
    layers = base_layers()
    route, places = module_route(), module_places()
    placed = locate({"place_km": km}, places, route)
    assert route.locate(placed.lon, placed.lat).km_from_quetta == pytest.approx(km, abs=0.05)
    assert placed.accuracy_m >= 500 and "as reported" in placed.basis
    assert layers  # read once


def test_between_two_stations_is_midway_plus_or_minus_half_the_section(places, route):
    placed = locate({"place_between": ["jacobabad", "shikarpur"]}, places, route)
    assert placed.km == pytest.approx((297 + 338) / 2, abs=0.05)
    assert placed.accuracy_m >= (338 - 297) / 2 * 1000


@pytest.mark.parametrize(
    "props, words",
    [
        ({"place": "shikarpr"}, "did you mean 'shikarpur'"),
        ({"place_km": 5000}, "off the line"),
        ({"place_between": ["jacobabad", "dhadar-town"]}, "off the line"),
        ({"place": "sibi", "place_offset_km": 1, "place_towards": "nowhere"}, "not a place id"),
    ],
)
def test_a_placement_that_cannot_be_resolved_says_why(places, route, props, words):
    with pytest.raises(PlacementError, match=words):
        locate(props, places, route)


def test_given_coordinates_far_from_the_place_stop_the_build(tmp_path, scratch_layers):
    """`place: shikarpur` with Tunnel No. 8's coordinates passed, and the CSV said shikarpur at km 104.5."""
    import json

    from tests.conftest import layer_path
    from tests.hostile import assert_bad_input, geo

    path = layer_path(scratch_layers, "events")
    events = json.loads(path.read_text(encoding="utf-8"))
    events["features"][0]["properties"]["place"] = "shikarpur"
    events["features"][0]["geometry"] = {"type": "Point", "coordinates": [67.57083, 29.64639]}
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    assert_bad_input(geo("check", "--layers", scratch_layers), events["features"][0]["properties"]["id"], "beyond")


def test_an_entered_accuracy_is_never_narrowed(enriched, places, route):
    layers = copy.deepcopy(base_layers())
    from geo.enrich import enrich

    feature = layers["events"]["features"][0]
    feature["properties"]["position_accuracy_m"] = 40_000
    wide = enrich(layers, route)
    assert (
        next(f for f in wide["events"]["features"] if f["properties"]["id"] == feature["properties"]["id"])[
            "properties"
        ]["position_accuracy_m"]
        == 40_000
    )


def module_route():
    return _cache.setdefault("route", Route.from_layers(base_layers()))


def module_places():
    if "places" not in _cache:
        from geo.enrich import enrich

        _cache["places"] = place_index(enrich(base_layers(), module_route()))
    return _cache["places"]


_cache: dict = {}


def test_before_the_first_station_the_station_before_is_the_lines_origin_from_the_data(route):
    """The km are counted from a station of the data (Quetta here), named from the data, not the code: a
    line whose first station is renamed names that."""
    from geo.placement import stations_either_side

    origin = min(route.posts, key=lambda p: p.km)
    assert stations_either_side(route, origin.km - 1)[0] == origin.name
    renamed = copy.copy(route)
    renamed.posts = [dataclasses.replace(p, name="Origin Town") if p is origin else p for p in route.posts]
    assert stations_either_side(renamed, origin.km - 1)[0] == "Origin Town"
