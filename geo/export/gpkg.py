"""GeoPackage: one feature table per layer and a non-spatial `sources` table.

Times: `time` is a real datetime column in UTC (what the GeoPackage standard
stores, and what FlatGeobuf keeps on conversion); `time_local` beside it is
the same moment as text in Pakistan time with its offset.

A layer that mixes points and lines (tunnels: a portal is a point, a bore is a
line) is one table of type GEOMETRY. The standard allows it (GEOMETRY is one
of its geometry type names for `gpkg_geometry_columns`), QGIS offers to split
it by type on loading, and the layer stays one table whose `id` joins `sources` like
every other; two tables (`tunnels_points`, `tunnels_lines`) would break that.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, shape

from geo.contract import LAYER_KINDS
from geo.errors import GeoError
from geo.export.tables import FlatTables, integer_figures, sources_rows
from geo.layers import Layers

# GeoPackage stamps "last changed" times; a fixed one keeps builds byte-identical.
GPKG_TIMESTAMP = "2025-03-12T00:00:00Z"
# gpkg_contents.description of the sources table: what a GIS shows beside the table's name.
SOURCES_DESCRIPTION = (
    "Non-spatial (attributes) table: one row per source of a feature. "
    "Join sources.layer = the table name and sources.feature_id = its id."
)
MULTI = {"MultiPolygon": MultiPolygon, "MultiLineString": MultiLineString, "MultiPoint": MultiPoint}


def table_geometry_type(kind: str, collection: dict) -> str:
    """One geometry type per GeoPackage table: the multi form wherever the layer kind accepts it (so a
    table's type does not change with its data), and "Unknown" (GEOMETRY, which the standard allows)
    for a layer that mixes points and lines."""
    types = {f["geometry"]["type"] for f in collection["features"]}
    bases = {t.removeprefix("Multi") for t in types}
    if len(bases) != 1:
        return "Unknown"
    base = bases.pop()
    accepted = LAYER_KINDS[kind].geometry_types if kind in LAYER_KINDS else ()
    return f"Multi{base}" if f"Multi{base}" in accepted or types != {base} else base


def as_multi(geom, target: str):
    return MULTI[target]([geom]) if target in MULTI and not geom.geom_type.startswith("Multi") else geom


def geodataframe(kind: str, collection: dict, tables: FlatTables) -> gpd.GeoDataFrame:
    features = collection["features"]
    target = table_geometry_type(kind, collection)
    if features and all(f["geometry"]["type"] == "Point" for f in features):
        geoms = gpd.points_from_xy(
            [f["geometry"]["coordinates"][0] for f in features], [f["geometry"]["coordinates"][1] for f in features]
        )
    else:
        geoms = [as_multi(shape(f["geometry"]), target) for f in features]
    frame = gpd.GeoDataFrame(integer_figures(tables.table(kind)), geometry=geoms, crs="EPSG:4326")
    if "time" in frame:
        # Real datetime columns, stored in UTC as the GeoPackage standard asks; the
        # precision column says how exact each one is, `time_local` the wall-clock time.
        frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
    return frame


def write_gpkg(layers: Layers, path: Path, tables: FlatTables | None = None) -> list[Path]:
    """Every layer as a feature table, plus a `sources` table (layer, feature_id, outlet, date, url).

    `tables`: the layers' tables, where another writer shares them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        _write_gpkg_tables(layers, path, tables if tables is not None else FlatTables(layers))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise GeoError(f"{path}: cannot write the GeoPackage: {exc}", path=path) from None
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return [path]


def _write_gpkg_tables(layers: Layers, path: Path, tables: FlatTables) -> None:
    for kind, collection in layers.items():
        pyogrio.write_dataframe(
            geodataframe(kind, collection, tables),
            path,
            layer=kind,
            driver="GPKG",
            geometry_type=table_geometry_type(kind, collection),
            use_arrow=True,
        )
    # A frame without geometry becomes an attributes table (gpkg_contents.data_type 'attributes'):
    # ogr2ogr to a spatial-only format such as FlatGeobuf gives it 0 features, hence the description.
    sources = pd.DataFrame(sources_rows(layers), columns=["layer", "feature_id", "outlet", "date", "url"])
    pyogrio.write_dataframe(
        sources,
        path,
        layer="sources",
        driver="GPKG",
        layer_options={"DESCRIPTION": SOURCES_DESCRIPTION},
        use_arrow=True,
    )
