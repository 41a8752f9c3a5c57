"""`geo import`: claims from a spreadsheet (the columns of dist/events.csv) into the layers."""

NAME = "import"
HELP = (
    "Read claims from a CSV with the columns of dist/events.csv and write each incident's claims into "
    "layers/events/<incident>.geojson; a bad cell is named by row and column, and then nothing is written."
)
EXAMPLE = "geo import claims.csv --layers layers"
OPTIONS = ("sheet", "layers")


def run(args) -> int:
    from geo.csvimport import import_sheet
    from geo.enrich import load_enriched

    written = import_sheet(args.sheet, args.layers, load_enriched(args.layers))
    for incident, count in written.items():
        print(f"{args.layers}/events/{incident}.geojson: {count} claims")
    return 0
