"""The `geo` command line.

Exit codes: 0 success; 2 bad input (the message names the file, the feature
and the problem); 1 anything else.  No tracebacks unless GEO_DEBUG is set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap

from geo.assets import AssetError
from geo.errors import GeoError, OutOfSpace
from geo.output import FULL_DISK_ERRORS

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geo",
        description="Sourced layers in, publishable maps of the Jaffar Express hijacking out.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=textwrap.dedent(f"example:\n  {example}"),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    build = command(
        "build",
        "Validate the layers and build everything into the output directory.",
        "geo build --layers layers --maps maps --out dist",
    )
    build.add_argument("--layers", default="layers", help="directory of layer GeoJSON files (default: layers)")
    build.add_argument("--maps", default="maps", help="directory of map recipes (default: maps)")
    build.add_argument("--out", default="dist", help="output directory (default: dist)")
    build.add_argument(
        "--base-url",
        metavar="URL",
        help="where the output directory will be served, such as "
        "https://example.org/maps/: the embeds then link there with absolute URLs "
        "(default: relative links)",
    )

    validate = command(
        "validate",
        "Check layer files against the data contract; the kind comes from the file name.",
        "geo validate layers/*.geojson",
    )
    validate.add_argument("files", nargs="+", metavar="FILE")

    png = command(
        "png", "Render each offline map to dist/png/<map>.png (1200 px wide) and <map>@2x.png.", "geo png --dist dist"
    )
    png.add_argument("--dist", default="dist", help="the built output directory (default: dist)")
    png.add_argument("--maps", default="maps", help="directory of map recipes (default: maps)")
    png.add_argument("--tiles", action="store_true", help="let the browser fetch background tiles (needs a network)")
    png.add_argument(
        "--at",
        metavar="TIME",
        help="time-control maps at this moment, ISO 8601 with offset "
        "(e.g. 2025-03-11T13:00+05:00); default: the end, every claim shown",
    )

    exp = command(
        "export",
        "Write the layers as GeoJSON, GeoPackage, KML or CSV (one row per claim).",
        "geo export --format gpkg --out jaffar-express.gpkg --layers stations,events",
    )
    exp.add_argument("--format", required=True, choices=["geojson", "gpkg", "kml", "csv"])
    exp.add_argument("--out", required=True, help="output file (a directory for geojson with several layers)")
    exp.add_argument("--layers", help="comma-separated layer names (default: all)")
    exp.add_argument("--layers-dir", default="layers", help="directory of layer GeoJSON files (default: layers)")

    check = command(
        "check",
        "Check the layers and the recipes together without building: fields, filters, ids, "
        "places and figures that do not exist.",
        "geo check --layers layers --maps maps",
    )
    check.add_argument("--layers", default="layers", help="directory of layer GeoJSON files (default: layers)")
    check.add_argument("--maps", default="maps", help="directory of map recipes (default: maps)")

    chain = command(
        "chainage",
        "Km from Quetta along the route for a point, with the stations either side.",
        "geo chainage 67.62 29.64 --json",
    )
    chain.add_argument("lon", type=float, help="longitude, WGS84 decimal degrees")
    chain.add_argument("lat", type=float, help="latitude, WGS84 decimal degrees")
    chain.add_argument("--json", action="store_true", help="print JSON")
    chain.add_argument("--layers", default="layers", help="directory with railway.geojson and stations.geojson")
    return parser


def _run_build(args) -> int:
    from geo.build import build

    out = build(args.layers, args.maps, args.out, base_url=args.base_url)
    print(f"built {out}")
    return EXIT_OK


def _run_png(args) -> int:
    from geo.build import render_pngs

    for path in render_pngs(args.dist, args.maps, tiles=args.tiles, at=args.at):
        print(path)
    return EXIT_OK


def _run_export(args) -> int:
    from geo.build import load_enriched
    from geo.export import export

    enriched = load_enriched(args.layers_dir)
    kinds = [k.strip() for k in args.layers.split(",")] if args.layers else None
    for path in export(enriched, args.format, args.out, kinds):
        print(path)
    return EXIT_OK


def _run_check(args) -> int:
    from geo.build import load_enriched, load_recipes
    from geo.check import check_all

    layers, recipes = load_enriched(args.layers), load_recipes(args.maps)
    for finding in check_all(layers, recipes, args.layers):
        print(finding, file=sys.stderr)
    print(f"{args.layers} and {args.maps}: ok ({len(recipes)} maps)")
    return EXIT_OK


def _run_validate(args) -> int:
    from geo.validate import errors_only, validate_file

    failed = False
    for path in args.files:
        _, problems = validate_file(path)
        for problem in problems:
            print(problem, file=sys.stderr)
        errors = errors_only(problems)
        failed |= bool(errors)
        if not errors:
            print(f"{path}: ok")
    return EXIT_BAD_INPUT if failed else EXIT_OK


def _run_chainage(args) -> int:
    from geo.chainage import chainage
    from geo.contract import AREA_OF_INTEREST

    west, south, east, north = AREA_OF_INTEREST
    if not (west <= args.lon <= east and south <= args.lat <= north):
        raise GeoError(
            f"LON LAT {args.lon:g} {args.lat:g}: outside the area the route is measured in "
            f"({west:g} to {east:g} E, {south:g} to {north:g} N); give longitude first"
        )
    where = chainage(args.lon, args.lat, args.layers)
    if args.json:
        print(json.dumps(where.to_dict(), ensure_ascii=False))
    else:
        print(describe_chainage(where))
    return EXIT_OK


def describe_chainage(where) -> str:
    """One line for people: km, the stations either side, the offset."""

    def station(name, km):
        return f"{name} (km {km:g})" if name else "the end of the line"

    return (
        f"km {where.km_from_quetta:.1f} from Quetta, between "
        f"{station(where.previous_station, where.previous_station_km)} and "
        f"{station(where.next_station, where.next_station_km)}, {where.offset_m:,.0f} m from the line"
    )


RUNNERS = {
    "build": _run_build,
    "check": _run_check,
    "validate": _run_validate,
    "chainage": _run_chainage,
    "png": _run_png,
    "export": _run_export,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return RUNNERS[args.command](args)
    except (GeoError, AssetError) as exc:  # bad input, or an install without its browser assets
        print(f"geo {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OutOfSpace as exc:  # not the input's fault: one line, and the previous output stands
        print(f"geo {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a path the user gave cannot be read or written, or the disk is full
        where = exc.filename or ""
        print(f"geo {args.command}: {where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR if exc.errno in FULL_DISK_ERRORS else EXIT_BAD_INPUT
    except Exception as exc:  # noqa: BLE001 - the promise is no traceback
        if os.environ.get("GEO_DEBUG"):
            raise
        print(
            f"geo {args.command}: unexpected error: {type(exc).__name__}: {exc} (set GEO_DEBUG=1 for a traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def main_entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    main_entry()
