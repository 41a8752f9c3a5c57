"""`geo png`: the built maps as pictures for print and social, without interactive controls."""

NAME = "png"
HELP = "Render each offline map to <dist>/png/<map>.png (1200 px wide) and <map>@2x.png, with a credits line."
EXAMPLE = "geo png --dist dist --map attack-site"
OPTIONS = ("dist", "maps", "tiles", "at", "map")


def run(args) -> int:
    from geo.build import render_pngs

    for path in render_pngs(args.dist, args.maps, tiles=args.tiles, at=args.at, only=args.map):
        print(path)
    return 0
