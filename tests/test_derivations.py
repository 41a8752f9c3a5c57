"""Derived layers: Balochistan from Natural Earth 10m, and `make data` reproducing every derived file."""

import json
import subprocess
import sys

import pytest
from pyproj import Geod
from shapely.geometry import Point, shape

from geo.contract import LAYER_KINDS, layer_files
from tests.conftest import LAYERS, ROOT, read_layer

OFFICIAL_AREA_KM2 = 347_190

INSIDE = {
    "Quetta": (67.00, 30.18),
    "Sibi": (67.877, 29.543),
    "Mach": (67.330, 29.864),
    "Gwadar": (62.325, 25.126),
    "Zhob": (69.449, 31.341),
    "Turbat": (63.044, 26.003),
    "Khuzdar": (66.611, 27.812),
    "Dera Murad Jamali": (68.223, 28.547),
}
OUTSIDE = {
    "Jacobabad": (68.438, 28.282),
    "Dera Ghazi Khan": (70.634, 30.046),
    "Karachi": (67.010, 24.861),
    "Sukkur": (68.859, 27.703),
    "Kandahar": (65.710, 31.613),
    "Zahedan": (60.863, 29.496),
}


@pytest.fixture(scope="module")
def balochistan():
    features = read_layer("boundary")["features"]
    assert len(features) == 1
    return shape(features[0]["geometry"])


def test_geodesic_area_within_half_a_percent_of_official(balochistan):
    area_km2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(balochistan)[0]) / 1e6
    assert abs(area_km2 - OFFICIAL_AREA_KM2) / OFFICIAL_AREA_KM2 < 0.005, area_km2


def test_geometry_valid_and_right_hand_rule(balochistan):
    assert balochistan.is_valid
    assert balochistan.exterior.is_ccw  # RFC 7946: exterior rings counter-clockwise


@pytest.mark.parametrize("town", sorted(INSIDE))
def test_towns_inside(balochistan, town):
    assert balochistan.contains(Point(INSIDE[town]))


@pytest.mark.parametrize("town", sorted(OUTSIDE))
def test_towns_outside(balochistan, town):
    assert not balochistan.contains(Point(OUTSIDE[town]))


@pytest.mark.slow
def test_make_data_rederives_identical_bytes(tmp_path):
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "derive_boundary.py"), str(tmp_path)], check=True, capture_output=True
    )
    for name in ("boundary", "provinces"):
        assert (tmp_path / f"{name}.geojson").read_bytes() == (LAYERS / f"{name}.geojson").read_bytes()


def test_provinces_tile_pakistan_and_name_the_corridor():
    provinces = {f["properties"]["name"]: shape(f["geometry"]) for f in read_layer("provinces")["features"]}
    assert {"Balochistan", "Sindh", "Punjab", "Khyber Pakhtunkhwa"} <= set(provinces)
    for town, (lon, lat), province in [
        ("Jacobabad", (68.438, 28.282), "Sindh"),
        ("Multan", (71.478, 30.197), "Punjab"),
        ("Peshawar", (71.578, 34.008), "Khyber Pakhtunkhwa"),
        ("Miranshah", (70.07, 33.0), "Khyber Pakhtunkhwa"),
    ]:
        assert provinces[province].contains(Point(lon, lat)), town
    names = list(provinces)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert provinces[a].intersection(provinces[b]).area < 1e-9, (a, b)


@pytest.mark.slow
def test_make_data_rederives_route_and_places_identically(scratch_layers):
    for script in ("derive_route.py", "place_features.py"):
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / script), str(scratch_layers)], check=True, capture_output=True
        )
    for name in ("stations", "railway", "tunnels", "staging", "events"):  # the editors' files are left alone
        for path in layer_files(LAYERS, LAYER_KINDS[name]):
            relative = path.relative_to(LAYERS)
            assert (scratch_layers / relative).read_bytes() == path.read_bytes(), relative


@pytest.mark.slow
def test_make_data_rederives_the_context_identically(tmp_path):
    (tmp_path / "provinces.geojson").write_bytes((LAYERS / "provinces.geojson").read_bytes())
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "derive_context.py"), str(tmp_path)], check=True, capture_output=True
    )
    assert (tmp_path / "context.geojson").read_bytes() == (LAYERS / "context.geojson").read_bytes()


def test_context_names_the_neighbours_and_every_feature_is_sourced():
    features = read_layer("context")["features"]
    countries = {f["properties"]["name"] for f in features if f["properties"]["context_kind"] == "country"}
    assert {"Pakistan", "Afghanistan", "Iran", "India", "China"} <= countries
    cities = {f["properties"]["name"]: f for f in features if f["properties"]["context_kind"] == "city"}
    assert {"Quetta", "Karachi", "Kabul", "Islamabad"} <= set(cities)
    assert all(f["properties"]["sources"] and f["properties"]["id"] for f in features)
    pakistan = next(shape(f["geometry"]) for f in features if f["properties"].get("iso_a3") == "PAK")
    assert pakistan.buffer(0.05).contains(Point(cities["Quetta"]["geometry"]["coordinates"]))


def test_the_relief_is_a_grey_image_of_its_area_on_mercator_rows():
    """The relief feature's image spans its geometry's box on Web Mercator rows (so Leaflet can stretch it
    over the box unwarped), and its shade falls where the land rises: on the Salt Range scarp and in the
    Bolan Pass, not on the Punjab and Kachhi plains beside them."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    from geo.shapes import mercator_y

    (relief,) = [f for f in read_layer("context")["features"] if f["properties"]["context_kind"] == "relief"]
    west, south, east, north = shape(relief["geometry"]).bounds
    image = Image.open(io.BytesIO(base64.b64decode(relief["properties"]["image"].split(",", 1)[1])))
    assert image.format == "JPEG" and image.mode == "L"
    aspect = (mercator_y(north) - mercator_y(south)) / np.radians(east - west)
    assert image.height == pytest.approx(image.width * aspect, abs=1)
    pixels = np.asarray(image, dtype=float)

    def around(lon, lat, half=0.25):
        """The pixels within `half` a degree of a place."""
        cols = [int((x - west) / (east - west) * image.width) for x in (lon - half, lon + half)]
        rows = [
            int((mercator_y(north) - mercator_y(y)) / (mercator_y(north) - mercator_y(south)) * image.height)
            for y in (lat + half, lat - half)
        ]
        return pixels[rows[0] : rows[1], cols[0] : cols[1]]

    for hills, plain in [((72.5, 32.7), (72.5, 31.5)), ((67.4, 29.8), (68.0, 28.8))]:
        assert around(*plain).min() > 240, f"the plain at {plain} is flat: white"
        assert around(*hills).min() < 180 and around(*hills).mean() < around(*plain).mean() - 10, (
            f"the hills at {hills} are shaded"
        )


@pytest.mark.slow
@pytest.mark.parametrize(
    "kind, script, feature", [("tunnels", "place_features.py", 1), ("stations", "derive_route.py", 5)]
)
def test_make_data_refuses_to_overwrite_a_hand_edit(scratch_layers, kind, script, feature):
    """A derived value edited by hand (here a position accuracy) stops `make data`, which says where the edit
    belongs, and the file keeps the edit."""
    path = scratch_layers / f"{kind}.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    collection["features"][feature]["properties"]["position_accuracy_m"] = 123
    path.write_text(json.dumps(collection, ensure_ascii=False, indent=1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), str(scratch_layers)], capture_output=True, text=True
    )
    assert result.returncode == 2 and "edited by hand" in result.stderr and "Traceback" not in result.stderr
    assert json.loads(path.read_text(encoding="utf-8"))["features"][feature]["properties"]["position_accuracy_m"] == 123


def layers_tree(layers_dir) -> dict:
    return {p.relative_to(layers_dir): p.read_bytes() for p in layers_dir.rglob("*.geojson")}


@pytest.mark.slow
@pytest.mark.parametrize("case", ["a station added by hand", "a re-saved file with an edited km"])
def test_make_data_refuses_what_it_would_lose_and_writes_nothing(scratch_layers, case):
    """A station added by hand to the derived stations file was silently dropped, and a file re-saved
    without its record (as a GIS does) had an edited km overwritten: both stop `make data` (exit 2)
    naming the feature and where the edit belongs, and no file changes."""
    path = scratch_layers / "stations.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    if case == "a station added by hand":
        added = json.loads(json.dumps(collection["features"][3]))
        added["properties"].update(id="sultan-kot", name="Sultan Kot")
        collection["features"].append(added)
        named = "sultan-kot"
    else:
        del collection["derived"]
        collection["features"][4]["properties"]["km_from_quetta"] += 1
        named = collection["features"][4]["properties"]["id"]
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    before = layers_tree(scratch_layers)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "derive_route.py"), str(scratch_layers)], capture_output=True, text=True
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert named in result.stderr and "scripts/data/route.toml" in result.stderr, result.stderr
    assert layers_tree(scratch_layers) == before
