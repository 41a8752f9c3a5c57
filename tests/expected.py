"""How many features each map layer should draw, worked out apart from `geo.compose`.

The browser tests need to know what a page must draw.  Asking the code that wrote the page
would let a filter bug pass unseen, so this takes another road: the recipe read as plain
TOML, the features read back from the build's GeoJSON exports by geopandas (pyogrio), the
filters applied as pandas expressions.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd


def read_recipe(recipe_path: Path) -> dict:
    """A shipped recipe as its map is built: laid over its template."""
    from geo.recipe import with_template  # a template's keys under the recipe's: plain dict merging

    return with_template(tomllib.loads(recipe_path.read_text(encoding="utf-8")), recipe_path)


def layer_key(recipe_path: Path, source: str) -> str:
    """The page's key (`<map>-<index>`, as GeoMap.drawn takes it) of the recipe's first layer drawn from `source`."""
    layers = read_recipe(recipe_path).get("layer", [])
    index = next(i for i, layer in enumerate(layers) if layer["source"] == source)
    return f"{recipe_path.stem}-{index}"


def expected_counts(recipe_path: Path, exports: Path, at: str = "end") -> dict[str, int]:
    """`{"<map>-<index>": count}` for each recipe layer (and `-accuracy` for its accuracy
    circles), with the time control at its `start` or its `end`."""
    recipe = read_recipe(recipe_path)
    sources: dict[str, gpd.GeoDataFrame] = {}
    counts = {}
    incident = recipe.get("incident")
    windows = incident_windows(exports, incident) if incident else {}
    for index, layer in enumerate(recipe.get("layer", [])):
        if layer["source"] not in sources:
            sources[layer["source"]] = gpd.read_file(exports / f"{layer['source']}.geojson")
        chosen = chosen_rows(sources[layer["source"]], layer, incident, windows, exports)
        key = f"{recipe_path.stem}-{index}"
        counts[key] = drawn_count(chosen, layer, at)
        if layer.get("accuracy_circles"):
            points = chosen[chosen.geom_type == "Point"]
            counts[f"{key}-accuracy"] = int((points.get("position_accuracy_m", pd.Series(dtype=float)) > 0).sum())
    return counts


def incident_windows(exports: Path, incident: str) -> dict[str, tuple[float, float]]:
    """The km from Quetta of the incident's site, and the span of its site and claims."""
    sites = gpd.read_file(exports / "incidents.geojson")
    site_km = float(sites.loc[sites["id"] == incident, "km_from_quetta"].iloc[0])
    events = gpd.read_file(exports / "events.geojson")
    kms = [*events.loc[events["incident"] == incident, "km_from_quetta"], site_km]
    return {"site": (site_km, site_km), "claims": (min(kms), max(kms))}


def near(frame: gpd.GeoDataFrame, window: tuple[float, float], reach: float) -> pd.Series:
    """Rows within `reach` km of a km window: a point's km, or any part of a stretch's [start, end]."""
    low, high = window[0] - reach, window[1] + reach
    if "km_from_quetta_start" in frame:
        start = pd.to_numeric(frame["km_from_quetta_start"], errors="coerce")
        end = pd.to_numeric(frame["km_from_quetta_end"], errors="coerce").fillna(start)
        stretch = start.notna() & (start <= high) & (end >= low)
    else:
        stretch = pd.Series(False, index=frame.index)
    km = pd.to_numeric(frame.get("km_from_quetta", pd.Series(index=frame.index, dtype=float)), errors="coerce")
    return stretch | (~stretch & km.between(low, high) & ~(start.notna() if "km_from_quetta_start" in frame else False))


def chosen_rows(
    frame: gpd.GeoDataFrame, layer: dict, incident: str | None, windows: dict, exports: Path | None = None
) -> gpd.GeoDataFrame:
    keep = pd.Series(True, index=frame.index)
    if incident and "incident" in frame.columns:
        keep &= frame["incident"] == incident
    elif incident and layer["source"] == "incidents":
        keep &= frame["id"] == incident
    if layer.get("except_site"):
        sites = gpd.read_file(exports / "incidents.geojson")
        site = sites.loc[sites["id"] == incident].iloc[0]
        offset = site.get("place_offset_km")
        if not (pd.notna(offset) and offset):  # a site some km off its place leaves the place drawn
            keep &= frame["id"] != site.get("place")
    if "near_site_km" in layer:
        keep &= near(frame, windows["site"], layer["near_site_km"])
    elif "near_claims_km" in layer:
        keep &= near(frame, windows["claims"], layer["near_claims_km"])
    for column, allowed in layer.get("where", {}).items():
        keep &= frame[column].isin(allowed) if column in frame else False
    for column, dropped in layer.get("exclude", {}).items():
        if column in frame:
            keep &= ~frame[column].isin(dropped)
    for column, (low, high) in layer.get("range", {}).items():
        keep &= pd.to_numeric(frame[column], errors="coerce").between(low, high) if column in frame else False
    return frame[keep]


def drawn_count(chosen: gpd.GeoDataFrame, layer: dict, at: str) -> int:
    if not layer.get("show", True):
        return 0
    if layer.get("stack"):  # one badge per place
        return int(chosen.geometry.to_wkt().nunique())
    if layer.get("timeline") and at == "start" and len(chosen):
        times = pd.to_datetime(chosen["time"], utc=True, format="ISO8601")
        return int((times == times.min()).sum())
    return len(chosen)
