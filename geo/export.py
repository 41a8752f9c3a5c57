"""Exports for GIS analysts: GeoJSON (RFC 7946), GeoPackage, KML and CSV.

Each format has one writer here; `export(layers, fmt, path)` picks it.  All
take the enriched layers (`geo.build.enrich`), so chainage and times travel
with the features, and every feature keeps its sources.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape as xml_escape

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, shape

from geo import fields, timefmt
from geo.contract import LAYER_KINDS
from geo.errors import GeoError
from geo.layers import Layers

DECIMALS = 6  # RFC 7946 suggests 6: about 0.1 m
# GeoPackage stamps "last changed" times; a fixed one keeps builds byte-identical.
GPKG_TIMESTAMP = "2025-03-12T00:00:00Z"
# Characters XML 1.0 forbids; KML gets U+FFFD in their place (`geo validate` warns about them).
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# --- GeoJSON -------------------------------------------------------------------

def rfc7946_geometry(geometry: dict) -> dict:
    """Counter-clockwise exterior rings, clockwise holes, coordinates to 6 decimals."""
    if geometry["type"] == "Point":  # most features: no shapely round trip
        return {"type": "Point", "coordinates": [round(c, DECIMALS) for c in geometry["coordinates"][:2]]}
    geom = shapely.orient_polygons(shape(geometry), exterior_cw=False)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return json.loads(shapely.to_geojson(geom))


def rfc7946_layers(layers: Layers) -> Layers:
    """The layers with RFC 7946 geometries: computed once, shared by every writer.

    Base-map layers (`LayerKind.exported` false: the context under the maps) are left out.
    """
    return {kind: {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": f["properties"], "geometry": rfc7946_geometry(f["geometry"])}
        for f in collection["features"]]} for kind, collection in layers.items()
        if kind not in LAYER_KINDS or LAYER_KINDS[kind].exported}


def write_geojson(layers: Layers, path: Path) -> list[Path]:
    """One RFC 7946 file per layer in directory `path` (or one file when a single layer goes to a .geojson path)."""
    if path.suffix == ".geojson":
        if len(layers) != 1:
            raise GeoError(f"{path}: a single .geojson file holds one layer; give a directory for {len(layers)}")
        targets = {next(iter(layers)): path}
    else:
        path.mkdir(parents=True, exist_ok=True)
        targets = {kind: path / f"{kind}.geojson" for kind in layers}
    for kind, target in targets.items():
        text = json.dumps(layers[kind], ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        target.write_text(text + "\n", encoding="utf-8")
    return list(targets.values())


# --- flat tables (GeoPackage, CSV) ------------------------------------------------

def figure_keys(collection: dict) -> list[str]:
    return sorted({k for f in collection["features"] for k in f["properties"].get("figures", {})})


def flat_value(value: Any) -> Any:
    """A property as one table cell: numbers and text as they are, lists joined, tables as JSON."""
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return "; ".join(value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def flat_rows(kind: str, collection: dict) -> list[dict]:
    """One dict per feature: scalar columns, one column per figure, no sources (they get their own table)."""
    figures = figure_keys(collection)
    columns: list[str] = []
    for feature in collection["features"]:
        columns += [k for k in feature["properties"] if k not in columns and k not in ("sources", "figures")]
    rows = []
    for feature in collection["features"]:
        props = feature["properties"]
        row = {c: flat_value(props.get(c)) for c in columns}
        for key in figures:
            row[f"figure_{key}"] = props.get("figures", {}).get(key)
        rows.append(row)
    return rows


def sources_rows(layers: Layers) -> list[dict]:
    return [{"layer": kind, "feature_id": f["properties"]["id"], "outlet": s["outlet"], "date": s["date"],
             "url": s.get("url")}
            for kind, collection in layers.items() for f in collection["features"]
            for s in f["properties"].get("sources", [])]


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


MULTI = {"MultiPolygon": MultiPolygon, "MultiLineString": MultiLineString, "MultiPoint": MultiPoint}


def as_multi(geom, target: str):
    return MULTI[target]([geom]) if target in MULTI and not geom.geom_type.startswith("Multi") else geom


def table_columns(rows: list[dict]) -> pd.DataFrame:
    """Rows as a frame whose every column has one type a GeoPackage can hold.

    A column is numeric only if every value is a finite number within 64 bits,
    boolean only if every value is; anything else becomes text (JSON for lists
    and objects), so an odd value in the data never stops an export.
    """
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        values = [v for v in frame[column] if v is not None and not (isinstance(v, float) and math.isnan(v))]
        if all(isinstance(v, bool) for v in values) or all(_storable_number(v) for v in values):
            continue
        frame[column] = [None if v is None or (isinstance(v, float) and math.isnan(v)) else
                         v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in frame[column]]
    return frame


def _storable_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and abs(value) < 2**63


def geodataframe(kind: str, collection: dict) -> gpd.GeoDataFrame:
    rows = flat_rows(kind, collection)
    features = collection["features"]
    target = table_geometry_type(kind, collection)
    if features and all(f["geometry"]["type"] == "Point" for f in features):
        geoms = gpd.points_from_xy([f["geometry"]["coordinates"][0] for f in features],
                                   [f["geometry"]["coordinates"][1] for f in features])
    else:
        geoms = [as_multi(shape(f["geometry"]), target) for f in features]
    frame = gpd.GeoDataFrame(table_columns(rows), geometry=geoms, crs="EPSG:4326")
    if "time" in frame:
        # Real datetime columns, stored in UTC as the GeoPackage standard asks; the
        # precision column says how exact each one is.
        frame["time"] = pd.to_datetime(frame["time"], utc=True, format="ISO8601")
    return frame


def write_gpkg(layers: Layers, path: Path) -> list[Path]:
    """Every layer as a feature table, plus a `sources` table (layer, feature_id, outlet, date, url)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_TIMESTAMP})
    try:
        _write_gpkg_tables(layers, path)
    except pyogrio.errors.DataSourceError as exc:
        raise GeoError(f"{path}: cannot write the GeoPackage: {exc}") from None
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return [path]


def _write_gpkg_tables(layers: Layers, path: Path) -> None:
    for kind, collection in layers.items():
        geodataframe(kind, collection).to_file(path, layer=kind, driver="GPKG", engine="pyogrio",
                                               geometry_type=table_geometry_type(kind, collection))
    pyogrio.write_dataframe(pd.DataFrame(sources_rows(layers)), path, layer="sources", driver="GPKG")


def csv_sources(props: dict) -> str:
    return "; ".join(f"{s['outlet']} ({s['date']})" + (f" {s['url']}" if s.get("url") else "")
                     for s in props.get("sources", []))


def csv_cell(value: Any) -> Any:
    """A cell no spreadsheet runs as a formula: text starting with = + - @ tab or CR gets a leading '.

    Numbers, and text that is a plain number (a negative figure), stay as they are.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def write_events_csv(layers: Layers, path: Path) -> list[Path]:
    """One row per claim: time with offset, precision, who, each figure, position, chainage, sources."""
    events = layers["events"]
    figures = figure_keys(events)
    header = ["id", "time", "time_precision", "time_pkt", "claimed_by", "claimed_by_detail", "name", "summary",
              *figures, "lon", "lat", "km_from_quetta", "place", "place_reported", "sources"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(name) for name in header])
    for feature in sorted(events["features"], key=lambda f: (timefmt.parse(f["properties"]["time"]),
                                                              f["properties"]["id"])):
        props = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"][:2]
        counts = props.get("figures", {})
        writer.writerow([csv_cell(cell) for cell in [props["id"], timefmt.parse(props["time"]).isoformat(),
                         props["time_precision"],
                         timefmt.display(props["time"], props["time_precision"]), props["claimed_by"],
                         props.get("claimed_by_detail", ""), props["name"], props.get("summary", ""),
                         *(counts.get(k, "") for k in figures), round(lon, DECIMALS), round(lat, DECIMALS),
                         props.get("km_from_quetta", ""), props.get("place", ""), props.get("place_reported", ""),
                         csv_sources(props)]])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return [path]


# --- KML ----------------------------------------------------------------------------

def kml_description(props: dict, popup_fields: tuple[str, ...]) -> str:
    """HTML for Google Earth's balloon, every value escaped (ElementTree escapes it once more as XML)."""
    rows = []
    for field in popup_fields:
        text = fields.format_value(field, props)
        if text is not None:
            rows.append(f"<b>{html.escape(fields.label(field))}</b>: {html.escape(text)}")
    links = []
    for outlet, date, url in fields.sources(props):
        label = f"{html.escape(outlet)}, {html.escape(date)}"
        links.append(f'<a href="{html.escape(url, quote=True)}">{label}</a>' if url else label)
    body = "<br/>".join(rows)
    if links:
        body += "<br/><b>Sources</b>: " + "; ".join(links)
    return body


KML_FIELDS = ("km_from_quetta", "time", "claimed_by", "claimed_by_detail", "summary", "figures", "role",
              "position_accuracy_m", "position_basis", "notes")


def kml_coordinates(coords) -> str:
    return " ".join(f"{x},{y}" for x, y, *_ in coords)  # already rounded to 6 decimals


def kml_geometry(geometry: dict) -> str:
    """KML geometry from an RFC 7946 geometry (already rounded and oriented)."""
    gtype, coords = geometry["type"], geometry["coordinates"]
    parts = coords if gtype.startswith("Multi") else [coords]
    out = []
    for part in parts:
        if gtype.endswith("Point"):
            out.append(f"<Point><coordinates>{kml_coordinates([part])}</coordinates></Point>")
        elif gtype.endswith("LineString"):
            out.append(f"<LineString><coordinates>{kml_coordinates(part)}</coordinates></LineString>")
        else:
            rings = "".join(
                f"<{'outer' if i == 0 else 'inner'}BoundaryIs><LinearRing><coordinates>{kml_coordinates(ring)}"
                f"</coordinates></LinearRing></{'outer' if i == 0 else 'inner'}BoundaryIs>"
                for i, ring in enumerate(part))
            out.append(f"<Polygon>{rings}</Polygon>")
    return out[0] if len(out) == 1 else "<MultiGeometry>" + "".join(out) + "</MultiGeometry>"


def kml_time(props: dict) -> str:
    """A TimeStamp for minute precision, else the TimeSpan its precision covers (Google Earth's slider)."""
    if "time" not in props or "time_precision" not in props:
        return ""
    start, end = timefmt.interval(props["time"], props["time_precision"])
    if props["time_precision"] == "minute":
        return f"<TimeStamp><when>{start.isoformat()}</when></TimeStamp>"
    return f"<TimeSpan><begin>{start.isoformat()}</begin><end>{end.isoformat()}</end></TimeSpan>"


def kml_placemark(kind: str, feature: dict) -> str:
    props = feature["properties"]
    placemark_id = xml_escape(f"{kind}-{props['id']}", {'"': "&quot;"})
    return (f'<Placemark id="{placemark_id}">'
            f"<name>{xml_escape(props.get('name', props['id']))}</name>"
            f"<description>{xml_escape(kml_description(props, KML_FIELDS))}</description>"
            f"{kml_time(props)}{kml_geometry(feature['geometry'])}</Placemark>")


def write_kml(layers: Layers, path: Path) -> list[Path]:
    """A folder per layer; descriptions are escaped HTML, which Google Earth shows as text and links."""
    chunks = ['<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
              "<name>Jaffar Express hijacking, 11-12 March 2025</name>"]
    for kind, collection in layers.items():
        chunks.append(f"<Folder><name>{xml_escape(kind)}</name>")
        chunks.extend(kml_placemark(kind, feature) + "\n" for feature in collection["features"])
        chunks.append("</Folder>")
    chunks.append("</Document></kml>\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(XML_FORBIDDEN.sub("\ufffd", "".join(chunks)), encoding="utf-8")
    return [path]


WRITERS: dict[str, Callable[[Layers, Path], list[Path]]] = {
    "geojson": write_geojson, "gpkg": write_gpkg, "kml": write_kml, "csv": write_events_csv}


def export(layers: Layers, fmt: str, path: str | Path, kinds: list[str] | None = None) -> list[Path]:
    """Write `layers` (all, or the named kinds) in one format; return the files written."""
    if fmt not in WRITERS:
        raise GeoError(f"unknown export format {fmt!r}; expected one of {', '.join(WRITERS)}")
    if kinds:
        unknown = [k for k in kinds if k not in layers]
        if unknown:
            raise GeoError(f"--layers: unknown layer {unknown[0]!r}; expected some of {', '.join(layers)}")
        layers = {k: layers[k] for k in kinds}
    if fmt == "csv" and "events" not in layers:
        raise GeoError("the CSV export is one row per claim: include the events layer")
    return WRITERS[fmt](rfc7946_layers(layers), Path(path))


def export_all(layers: Layers, out: Path) -> list[Path]:
    """The build's exports: geojson/, jaffar-express.gpkg, jaffar-express.kml, events.csv."""
    prepared = rfc7946_layers(layers)
    return (write_geojson(prepared, out / "geojson") + write_gpkg(prepared, out / "jaffar-express.gpkg")
            + write_kml(prepared, out / "jaffar-express.kml") + write_events_csv(prepared, out / "events.csv"))
