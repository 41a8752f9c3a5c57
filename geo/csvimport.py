"""`geo import`: claims from a spreadsheet into the layers.

Newsrooms keep claims in a shared sheet.  The sheet's columns are those of `dist/events.csv`
(geo/export/csv_events.py: the file we export is the file we import), so export, import and export
again give the same rows.  Each incident in the sheet replaces the claims of
`layers/events/<incident>.geojson`, keeping the incident's own record (`geo new` writes one).
Columns the build works out (`time_pkt`, `lon`/`lat` and `km_from_quetta` of a claim placed by
`place`, `place_km` or `place_between`, its `position_basis`, an accuracy no wider than its place's)
are read back as the build's, not as the editor's.  Every bad cell is named by row and column; if
there is one, nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from geo.chainage import Route
from geo.contract import AREA_OF_INTEREST, LAYER_KINDS, is_placed_on_the_line
from geo.errors import GeoError
from geo.export.csv_events import COLUMNS_AFTER, COLUMNS_BEFORE, FIGURE_COLUMN
from geo.export.tables import parse_sources
from geo.inputs import LAYER_MAX_BYTES, read_regular
from geo.layers import Layers
from geo.placement import Place, PlacementError, locate, place_index
from geo.validate import check_feature, check_incident_file

DERIVED = ("time", "time_pkt", "km_from_quetta")  # worked out by the build from the row's other cells
NUMBERS = ("place_km", "place_offset_km", "position_accuracy_m")
LISTS = ("place_between",)
SOURCES = ("sources", "status_sources")


@dataclass(frozen=True)
class BadCell:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.problem}"


def read_sheet(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a CSV (UTF-8, a spreadsheet's BOM allowed)."""
    try:
        text = read_regular(path, LAYER_MAX_BYTES).decode("utf-8-sig")
    except FileNotFoundError:
        raise GeoError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise GeoError(f"{path}: not UTF-8 text (byte {exc.start}); save the sheet as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def unquoted(cell: str) -> str:
    """A cell as typed: the leading quote the export puts before text a spreadsheet would run is dropped."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def claim_of(row: dict[str, str], line: int, bad: list[BadCell]) -> dict:
    """One row as a claim feature (properties, and coordinates where it gives its own)."""
    props: dict = {}
    figures: dict[str, int] = {}
    for column, raw in row.items():
        cell = unquoted(raw or "")
        if column is None or cell == "" or column in DERIVED:
            continue
        if column.startswith(FIGURE_COLUMN):
            try:
                figures[column.removeprefix(FIGURE_COLUMN)] = int(cell)
            except ValueError:
                bad.append(BadCell(line, column, f"must be a whole number, got {cell!r}"))
        elif column in NUMBERS:
            try:
                props[column] = json.loads(cell)
            except ValueError:
                bad.append(BadCell(line, column, f"must be a number, got {cell!r}"))
        elif column in LISTS:
            props[column] = [part.strip() for part in cell.split(";")]
        elif column in SOURCES:
            sources = parse_sources(cell)
            if sources is None:
                bad.append(
                    BadCell(line, column, "must be sources as the export writes them: Outlet (YYYY-MM-DD) URL; ...")
                )
            else:
                props[column] = sources
        elif column == "time_local":
            props["time"] = cell
        elif column not in ("lon", "lat"):
            props[column] = cell
    props["figures"] = figures
    geometry = None
    if not is_placed_on_the_line(props):
        try:
            geometry = {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
        except (KeyError, TypeError, ValueError):
            bad.append(BadCell(line, "lon", "a claim with no place, place_km or place_between needs lon and lat"))
    return {"type": "Feature", "properties": props, "geometry": geometry}


def column_of(message: str, header: list[str]) -> str:
    """The column a validation message is about (its first quoted property name that is a column)."""
    for name in [part.split("'")[0] for part in message.split("'")[1::2]]:
        if name == "time" and "time_local" in header:
            return "time_local"
        if name in header:
            return name
    return "(row)"


def import_sheet(path: str | Path, layers_dir: str | Path, layers: Layers) -> dict[str, int]:
    """Write each incident's claims from the sheet into its events file; {incident: claims written}.

    `layers`: the project's layers as placed and enriched, to tell what a claim's placement derives."""
    path, layers_dir = Path(path), Path(layers_dir)
    header, rows = read_sheet(path)
    missing = [
        c
        for c in ("id", "incident", "time_local", "time_precision", "claimed_by", "name", "sources")
        if c not in header
    ]
    if missing:
        raise GeoError(f"{path}: no column {missing[0]!r}; the columns are those of dist/events.csv")
    known = {*COLUMNS_BEFORE, *COLUMNS_AFTER}
    unknown = [c for c in header if c not in known and not c.startswith(FIGURE_COLUMN)]
    if unknown:
        raise GeoError(f"{path}: row 1, column {unknown[0]!r}: not a column of dist/events.csv")
    bad: list[BadCell] = []
    by_incident: dict[str, list[dict]] = {}
    places, route = place_index(layers), Route.from_layers(layers)
    for line, row in enumerate(rows, start=2):
        feature = claim_of(row, line, bad)
        for message in check_feature(feature, LAYER_KINDS["events"], AREA_OF_INTEREST):
            bad.append(BadCell(line, column_of(message, header), message))
        by_incident.setdefault(feature["properties"].get("incident", ""), []).append({**feature, "line": line})
    files = {}
    for incident, features in by_incident.items():
        target = layers_dir / "events" / f"{incident}.geojson"
        if not target.is_file():
            bad.append(
                BadCell(
                    2,
                    "incident",
                    f"{incident!r} has no record yet: run `geo new {incident} --title ... --date ... --place ...` "
                    "first, then import",
                )
            )
            continue
        record = json.loads(target.read_text(encoding="utf-8")).get("incident")
        for feature in features:
            if problem := drop_derived(feature, places, route):
                bad.append(BadCell(feature["line"], column_of(problem, header), problem))
        collection = {
            "type": "FeatureCollection",
            "incident": record,
            "features": [{k: v for k, v in f.items() if k != "line"} for f in features],
        }
        bad += [BadCell(2, "incident", str(p)) for p in check_incident_file(str(target), collection)]
        files[target] = collection
    if bad:
        raise GeoError(f"{path}: nothing imported:\n" + "\n".join(f"{path}: {b}" for b in bad[:50]))
    for target, collection in files.items():
        target.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return {target.stem: len(collection["features"]) for target, collection in files.items()}


def drop_derived(feature: dict, places: dict[str, Place], route: Route) -> str | None:
    """Take out of a placed claim what its placement gives: its basis, and an accuracy no wider than the
    placement's (an editor's wider one is kept).  A placement that cannot be resolved: its problem."""
    props = feature["properties"]
    if not is_placed_on_the_line(props):
        return None
    try:
        placed = locate(props, places, route)
    except PlacementError as exc:
        return str(exc)
    if props.get("position_basis") == placed.basis:
        del props["position_basis"]
    if props.get("position_accuracy_m", 0) <= placed.accuracy_m:
        props.pop("position_accuracy_m", None)
    return None
