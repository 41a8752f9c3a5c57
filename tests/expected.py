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


def expected_counts(recipe_path: Path, exports: Path, at: str = "end") -> dict[str, int]:
    """`{"<map>-<index>": count}` for each recipe layer (and `-accuracy` for its accuracy
    circles), with the time control at its `start` or its `end`."""
    recipe = tomllib.loads(recipe_path.read_text(encoding="utf-8"))
    sources: dict[str, gpd.GeoDataFrame] = {}
    counts = {}
    for index, layer in enumerate(recipe.get("layer", [])):
        if layer["source"] not in sources:
            sources[layer["source"]] = gpd.read_file(exports / f"{layer['source']}.geojson")
        chosen = chosen_rows(sources[layer["source"]], layer, recipe.get("incident"))
        key = f"{recipe_path.stem}-{index}"
        counts[key] = drawn_count(chosen, layer, at)
        if layer.get("accuracy_circles"):
            points = chosen[chosen.geom_type == "Point"]
            counts[f"{key}-accuracy"] = int((points.get("position_accuracy_m", pd.Series(dtype=float)) > 0).sum())
    return counts


def chosen_rows(frame: gpd.GeoDataFrame, layer: dict, incident: str | None) -> gpd.GeoDataFrame:
    keep = pd.Series(True, index=frame.index)
    if incident and "incident" in frame.columns:
        keep &= frame["incident"] == incident
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
