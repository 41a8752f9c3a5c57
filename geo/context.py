"""The base map under every map (layers/context.geojson): what the page carries of it.

Without tiles (offline pages, PNG exports, a reader whose network blocks the tile
server) the context layer draws the region: the neighbouring countries on a sea-coloured
background, Pakistan's provinces, the major rivers, cities, and (where a recipe asks)
shaded relief.  It lies in a pane *below* the tiles, so where
tiles load they cover it whole, and its names step aside (geomap.js): a web page with
tiles looks as it did, with no second set of borders a few hundred metres off the tiles'.

Nothing of it is interactive (no popups, no tab stops); its names take part in the label
placement at a lower rank than any of the story's places.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import Point

from geo.layers import Layers
from geo.pagedata import display_geometries
from geo.recipe import RELIEF_MAX_ZOOM, Recipe
from geo.shapes import features_bounds, mercator_lat, mercator_y, shape_of

# Label ranks: every story label has rank >= 0, so these always give way.
RANK_COUNTRY, RANK_PROVINCE, RANK_CITY = -1, -2, -3
CITY_CLEARANCE_DEG = 0.1  # a city this close (~10 km) to a place the map already marks is left out
INSET_SIMPLIFY_M = 15000
INSET_MIN_AREA_DEG2 = 12.0  # a neighbour needs this much of the inset to carry its name
INSET_LABEL_INSIDE = 0.85  # at least this share of a name's box lies over its own country
INSET_CHAR_PX, INSET_LINE_PX = 5.5, 12  # a name's width per character and its height, in the inset (10 px italic)


def context_features(layers: Layers, kind: str) -> list[dict]:
    return [f for f in layers.get("context", {"features": []})["features"] if f["properties"]["context_kind"] == kind]


def page_context(layers: Layers, recipe: Recipe, marked: list[tuple[float, float]]) -> dict | None:
    """What one page draws of the context layer.

    `marked`: (lon, lat) of the points the recipe's own layers draw; a city on one of them
    (Quetta the city under Quetta station) is left to the story's layer.
    """
    if "context" not in layers:
        return None
    countries = context_features(layers, "country")
    geometries = display_geometries(countries, decimals=2)
    data = {
        "countries": [
            {
                "name": f["properties"]["name"],
                "subject": f["properties"].get("subject", False),
                "at": [[lat, lon] for lon, lat in f["properties"]["label_at"]],
                "geometry": g,
            }
            for f, g in zip(countries, geometries)
        ]
    }
    lines = context_features(layers, "province_boundary")
    data["lines"] = [f["geometry"] for f in lines]
    data["rivers"] = display_geometries(context_features(layers, "river"), decimals=2)
    labelled_provinces = any(spec.source == "provinces" and spec.label for spec in recipe.layer)
    data["provinces"] = (
        []
        if labelled_provinces
        else [
            {"name": f["properties"]["name"], "at": [[lat, lon] for lon, lat in f["properties"]["label_at"]]}
            for f in context_features(layers, "province")
        ]
    )
    points = np.array(marked, dtype=float).reshape(-1, 2)

    def clear(lon: float, lat: float) -> bool:
        return not np.any(
            (np.abs(points[:, 0] - lon) < CITY_CLEARANCE_DEG) & (np.abs(points[:, 1] - lat) < CITY_CLEARANCE_DEG)
        )

    data["cities"] = [
        {"name": f["properties"]["name"], "at": f["geometry"]["coordinates"][::-1]}
        for f in context_features(layers, "city")
        if clear(*f["geometry"]["coordinates"])
    ]
    data["ranks"] = {"country": RANK_COUNTRY, "province": RANK_PROVINCE, "city": RANK_CITY}
    if recipe.relief:
        data["relief"] = [
            {"image": f["properties"]["image"], "bounds": features_bounds([f]), "maxZoom": RELIEF_MAX_ZOOM}
            for f in context_features(layers, "relief")
        ]
    return data


def inset_box(center: list[float], zoom: int, size_px: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) a Web Mercator inset of `size_px` square shows at `zoom` around `center`."""
    px_per_unit = 256 * 2**zoom / (2 * math.pi)
    half = size_px / 2 / px_per_unit
    lat, lon = center
    y = mercator_y(lat)
    south, north = (float(mercator_lat(y + step)) for step in (-half, half))
    return (lon - math.degrees(half), south, lon + math.degrees(half), north)


def inset_countries(layers: Layers, center: list[float], zoom: int, size_px: int) -> tuple[list[dict], list[dict]]:
    """The neighbours for the locator inset: (simplified geometries, names of Pakistan's neighbours with where
    they go; the others are too small in a 130-pixel inset to carry a name)."""
    everything = context_features(layers, "country")
    countries = [f for f in everything if not f["properties"].get("subject")]
    subjects = [shape_of(f).buffer(0.1) for f in everything if f["properties"].get("subject")]
    geometries = display_geometries(countries, simplify_m=INSET_SIMPLIFY_M, decimals=2)
    west, south, east, north = inset_box(center, zoom, size_px)
    deg_per_px = (east - west) / size_px
    names = []
    for feature in countries:
        shown = shape_of(feature).intersection(shapely.box(west, south, east, north))
        if shown.area < INSET_MIN_AREA_DEG2 or not any(s.intersects(shape_of(feature)) for s in subjects):
            continue
        # The name's centre keeps half its width (and height) from the inset's edge, plus 2 px.
        half_w = (len(feature["properties"]["name"]) * INSET_CHAR_PX / 2 + 2) * deg_per_px
        half_h = (INSET_LINE_PX / 2 + 2) * (north - south) / size_px
        part = shown.intersection(shapely.box(west + half_w, south + half_h, east - half_w, north - half_h))
        if part.is_empty:
            continue
        biggest = max(getattr(part, "geoms", [part]), key=lambda g: g.area)
        at = (
            shapely.ops.polylabel(biggest, tolerance=0.1)
            if biggest.geom_type == "Polygon"
            else Point(biggest.representative_point())
        )
        label = shapely.box(at.x - half_w, at.y - half_h, at.x + half_w, at.y + half_h)
        if label.intersection(shown).area < INSET_LABEL_INSIDE * label.area:
            continue  # the name would lie mostly over a neighbour: the country is too thin here
        names.append({"name": feature["properties"]["name"], "at": [round(at.y, 2), round(at.x, 2)]})
    return geometries, names
