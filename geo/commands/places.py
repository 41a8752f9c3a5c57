"""`geo places`: the ids a claim, staging point or incident site can name as its `place`."""

NAME = "places"
HELP = (
    "List the places a claim can name (stations, tunnels, staging points, places off the line), with their "
    "km from Quetta; give words to find, such as a station's name."
)
EXAMPLE = "geo places sultan"
OPTIONS = ("query", "layers")


def run(args) -> int:
    from geo.enrich import load_enriched
    from geo.errors import GeoError
    from geo.placement import place_index

    query = " ".join(args.query).casefold()
    found = [p for p in place_index(load_enriched(args.layers)).values() if query in p.searchable]
    if not found:
        raise GeoError(f"no place matches {' '.join(args.query)!r}; `geo places` lists them all")
    for place in sorted(found, key=lambda p: (p.km is None, p.km or 0, p.id)):
        km = f"km {place.km:g}" if place.km is not None else "off the line"
        print(f"{place.id}\t{place.name}\t{km}\t{place.kind}")
    return 0
