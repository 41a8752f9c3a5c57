"""`geo export`: the layers in one format for GIS readers or spreadsheets."""

NAME = "export"
HELP = "Write the layers as GeoJSON, GeoPackage, KML or CSV (one row per claim)."
EXAMPLE = "geo export --format gpkg --out jaffar-express.gpkg --only stations,events"
OPTIONS = ("format", "export_out", "layers", "only", "incident")


def run(args) -> int:
    from geo.enrich import load_enriched
    from geo.export import export

    enriched = load_enriched(args.layers)
    kinds = [k.strip() for k in args.only.split(",")] if args.only else None
    for path in export(enriched, args.format, args.export_out, kinds, incident=args.incident):
        print(path)
    return 0
