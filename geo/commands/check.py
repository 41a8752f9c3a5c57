"""`geo check`: the layers and the recipes together, without building (what `geo build` checks first)."""

import sys

NAME = "check"
HELP = (
    "Check the layers and the recipes together without building: fields, filters, ids, places and figures "
    "that do not exist, and warnings about what may be a mistake."
)
EXAMPLE = "geo check --layers layers --maps maps"
OPTIONS = ("layers", "maps")


def run(args) -> int:
    from geo.check import check_all
    from geo.enrich import load_enriched
    from geo.recipe import load_recipes

    layers, recipes = load_enriched(args.layers), load_recipes(args.maps)
    for finding in check_all(layers, recipes, args.layers):
        print(finding, file=sys.stderr)
    print(f"{args.layers} and {args.maps}: ok ({len(recipes)} maps)")
    return 0
