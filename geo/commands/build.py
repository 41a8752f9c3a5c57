"""`geo build`: validate the layers and recipes, then write everything into the output directory."""

NAME = "build"
HELP = "Validate the layers and recipes and build every map, export and embed into the output directory."
EXAMPLE = "geo build --layers layers --maps maps --out dist"
OPTIONS = ("layers", "maps", "out", "base_url", "map")


def run(args) -> int:
    from geo.build import build

    out = build(args.layers, args.maps, args.out, base_url=args.base_url, only=args.map)
    print(f"built {out}")
    return 0
