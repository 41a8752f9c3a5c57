"""The `geo` command line.

Every option is declared once in `OPTIONS`, with one meaning whatever the command (`--layers` is
always the layers directory); each command (geo/commands/) names the options it takes.  The parser
built from them is also the source of docs/cli.md (geo.docs).

Exit codes: 0 success; 2 bad input (the message names the file, the feature and the problem);
1 anything else, such as a full disk.  No tracebacks unless GEO_DEBUG is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from dataclasses import dataclass, field

from geo.assets import AssetError
from geo.commands import COMMANDS
from geo.contract import INCIDENT_KINDS
from geo.errors import GeoError, OutOfSpace
from geo.output import FULL_DISK_ERRORS

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2
DESCRIPTION = "Sourced layers in, publishable maps of attacks on the Jaffar Express and its line out."


@dataclass(frozen=True)
class Option:
    """One option or argument: its flags (none for a positional argument) and argparse's settings."""

    flags: tuple[str, ...]
    help: str
    settings: dict = field(default_factory=dict)


OPTIONS: dict[str, Option] = {
    "layers": Option(("--layers",), "the layers directory (default: layers)", {"metavar": "DIR", "default": "layers"}),
    "maps": Option(("--maps",), "the map recipes directory (default: maps)", {"metavar": "DIR", "default": "maps"}),
    "out": Option(("--out",), "the output directory (default: dist)", {"metavar": "DIR", "default": "dist"}),
    "dist": Option(("--dist",), "the built output directory (default: dist)", {"metavar": "DIR", "default": "dist"}),
    "export_out": Option(
        ("--out",),
        "the file to write (a directory for GeoJSON of several layers)",
        {"metavar": "PATH", "required": True},
    ),
    "map": Option(
        ("--map",),
        "only this map (a recipe's name, the file name without .toml); repeat for more (default: every map)",
        {"metavar": "NAME", "action": "append"},
    ),
    "base_url": Option(
        ("--base-url",),
        "where the output directory will be served, such as https://example.org/maps/: the embeds then link "
        "there with absolute URLs (default: relative links)",
        {"metavar": "URL"},
    ),
    "tiles": Option(("--tiles",), "let the browser fetch background tiles (needs a network)", {"action": "store_true"}),
    "at": Option(
        ("--at",),
        "time-control maps at this moment, ISO 8601 with offset (e.g. 2025-03-11T13:00+05:00); "
        "default: the end, every claim shown",
        {"metavar": "TIME"},
    ),
    "format": Option(
        ("--format",), "the export format", {"required": True, "choices": ["geojson", "gpkg", "kml", "csv"]}
    ),
    "only": Option(("--only",), "comma-separated layer kinds to write (default: all)", {"metavar": "KINDS"}),
    "incident": Option(
        ("--incident",), "only this incident's claims and staging points (its slug)", {"metavar": "SLUG"}
    ),
    "files": Option((), "layer files", {"nargs": "+", "metavar": "FILE"}),
    "lon": Option((), "longitude, WGS84 decimal degrees", {"type": float}),
    "lat": Option((), "latitude, WGS84 decimal degrees", {"type": float}),
    "json": Option(("--json",), "print JSON", {"action": "store_true"}),
    "query": Option((), "words to find in a place's id or name", {"nargs": "*", "metavar": "WORDS"}),
    "slug": Option((), "the incident's name: a slug such as jaffar-express-2025-10-07", {"metavar": "SLUG"}),
    "title": Option(("--title",), "the incident's headline, in your words", {"metavar": "TEXT", "required": True}),
    "date": Option(("--date",), "the day it happened, YYYY-MM-DD", {"required": True}),
    "place": Option(
        ("--place",),
        "where it happened, as the report says: a place id, 'km 320', 'between A and B', '1 km from A' "
        "(optionally 'towards B'), or 'LON,LAT' off the line",
        {"required": True},
    ),
    "kind": Option(
        ("--kind",), "what happened (default: other)", {"default": "other", "choices": list(INCIDENT_KINDS)}
    ),
    "template": Option(
        ("--template",), "the map to start from (default: site)", {"default": "site", "choices": ["site", "timeline"]}
    ),
    "sheet": Option((), "a CSV with the columns of dist/events.csv", {"metavar": "FILE.csv"}),
    "port": Option(("--port",), "the port on 127.0.0.1 (default: 8000)", {"type": int, "default": 8000}),
}


def parser() -> argparse.ArgumentParser:
    """The whole command line: a subcommand per geo/commands module, its options from `OPTIONS`."""
    top = argparse.ArgumentParser(prog="geo", description=DESCRIPTION)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        sub = commands.add_parser(
            name,
            help=command.HELP,
            description=command.HELP,
            epilog=textwrap.dedent(f"example:\n  {command.EXAMPLE}"),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        for key in command.OPTIONS:
            option = OPTIONS[key]
            if option.flags:
                sub.add_argument(*option.flags, help=option.help, dest=key, **option.settings)
            else:
                sub.add_argument(key, help=option.help, **option.settings)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
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
