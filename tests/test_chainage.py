"""Route chainage: published stations come back at their published km, points
between them interpolate, and the CLI reports the stations either side."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo.chainage import Route
from tests.conftest import LAYERS, read_layer

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def route() -> Route:
    return Route.from_files(LAYERS / "railway.geojson", LAYERS / "stations.geojson")


@pytest.fixture(scope="module")
def stations() -> list[dict]:
    return read_layer("stations")["features"]


def test_every_station_comes_back_at_its_published_km(route, stations):
    for feature in stations:
        where = route.locate(*feature["geometry"]["coordinates"])
        assert where.km_from_quetta == pytest.approx(feature["properties"]["km_from_quetta"], abs=0.01)
        assert where.offset_m < 1.0


def test_midpoint_between_two_stations_interpolates_between_them(route, stations):
    panir = next(f for f in stations if f["properties"]["id"] == "panir")
    peshi = next(f for f in stations if f["properties"]["id"] == "peshi")
    (lon1, lat1), (lon2, lat2) = panir["geometry"]["coordinates"], peshi["geometry"]["coordinates"]
    # Both are placed on one straight piece of the line, so its midpoint is on the line.
    lon, lat = GEOD.npts(lon1, lat1, lon2, lat2, 1)[0]
    where = route.locate(lon, lat)
    assert where.previous_station == "Peshi" and where.next_station == "Panir"
    assert where.km_from_quetta == pytest.approx((91 + 100) / 2, abs=0.1)


def test_offset_is_geodesic_distance_from_the_line(route, stations):
    sibi = next(f for f in stations if f["properties"]["id"] == "sibi")
    lon, lat = sibi["geometry"]["coordinates"]
    # 2 km due north of Sibi; the line leaves Sibi to the west and south.
    north_lon, north_lat, _ = GEOD.fwd(lon, lat, 0, 2000)
    where = route.locate(north_lon, north_lat)
    assert 0 < where.offset_m <= 2000.5
    assert where.previous_station is not None


def test_station_km_increase_along_the_line_in_file_order(route, stations):
    kms = [f["properties"]["km_from_quetta"] for f in stations]
    assert kms == sorted(kms) and len(set(kms)) == len(kms)
    assert [p.station_id for p in route.posts] == [f["properties"]["id"] for f in stations]


def test_published_km_of_the_bolan_section(stations):
    published_from_rohri = {
        "sibi": 240,
        "mushkaf": 257,
        "pehro-kunri": 266,
        "panir": 281,
        "peshi": 290,
        "aab-e-gum": 303,
        "mach": 315,
        "hirok": 329,
        "dozan": 333,
        "kolpur": 341,
        "spezand": 357,
        "sar-i-ab": 371,
        "quetta": 381,
    }
    by_id = {f["properties"]["id"]: f["properties"] for f in stations}
    for station_id, km_from_rohri in published_from_rohri.items():
        assert by_id[station_id]["km_from_quetta"] == 381 - km_from_rohri


def test_tunnel_8_lies_between_pehro_kunri_and_panir(route):
    tunnel = next(f for f in read_layer("tunnels")["features"] if f["properties"]["number"] == 8)
    where = route.locate(*tunnel["geometry"]["coordinates"])
    assert {where.previous_station, where.next_station} == {"Panir", "Pehro Kunri"}
    assert 100 < where.km_from_quetta < 115
    assert tunnel["properties"]["km_from_quetta"] == pytest.approx(where.km_from_quetta, abs=0.05)
    assert tunnel["properties"]["position_accuracy_m"] > 0


def test_point_at_inverts_locate(route):
    for km in (0, 57.3, 104.5, 381, 900, 1632):
        lon, lat = route.point_at(km)
        assert route.locate(lon, lat).km_from_quetta == pytest.approx(km, abs=0.05)


def test_cli_json(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "geo.cli", "chainage", "67.57083", "29.64639", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(result.stdout)
    assert {"km_from_quetta", "previous_station", "next_station", "offset_m"} <= set(out)
    assert out["previous_station"] == "Panir" and out["next_station"] == "Pehro Kunri"


def test_cli_text_and_bad_arguments():
    ok = subprocess.run(
        [sys.executable, "-m", "geo.cli", "chainage", "67.87726", "29.54299"], capture_output=True, text=True
    )
    assert ok.returncode == 0 and "km 141.0 from Quetta" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "geo.cli", "chainage", "29.5", "267.8"], capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_locate_many_agrees_with_locate(route):
    points = [(67.57083, 29.64639), (68.0, 29.3), (71.5, 30.2), (73.05, 33.6), (67.1, 30.0)]
    kms, offsets = route.locate_many([p[0] for p in points], [p[1] for p in points])
    for (lon, lat), km, offset in zip(points, kms, offsets):
        one = route.locate(lon, lat)
        assert km == pytest.approx(one.km_from_quetta, abs=0.001)
        assert offset == pytest.approx(one.offset_m, abs=0.1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(60.0, 76.0, allow_nan=False), st.floats(23.0, 37.0, allow_nan=False)),
        min_size=1,
        max_size=40,
    )
)
def test_the_nearest_point_on_the_line_is_the_one_geos_finds(route, points):
    """The R-tree search (`_nearest_on_line`) finds what shapely's line_locate_point and
    line_interpolate_point find (GEOS comparing every segment), for points on the line, off it and far away."""
    lons, lats = (np.array(v) for v in zip(*points))
    xs, ys = (np.asarray(v) for v in route._to_plane.transform(lons, lats))
    along, on_xs, on_ys = route._nearest_on_line(xs, ys)
    expected = shapely.line_locate_point(route._plane_line, shapely.points(xs, ys))
    on_line = shapely.line_interpolate_point(route._plane_line, expected)
    assert along == pytest.approx(expected, abs=1e-6)
    assert on_xs == pytest.approx(shapely.get_x(on_line), abs=1e-6)
    assert on_ys == pytest.approx(shapely.get_y(on_line), abs=1e-6)
