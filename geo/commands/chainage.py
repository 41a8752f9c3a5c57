"""`geo chainage`: where a point is on the line, in km from Quetta."""

import json

NAME = "chainage"
HELP = "Km from Quetta along the route for a point, with the stations either side and the offset from the line."
EXAMPLE = "geo chainage 67.62 29.64 --json"
OPTIONS = ("lon", "lat", "json", "layers")


def run(args) -> int:
    from geo.chainage import chainage
    from geo.contract import AREA_OF_INTEREST
    from geo.errors import GeoError

    west, south, east, north = AREA_OF_INTEREST
    if not (west <= args.lon <= east and south <= args.lat <= north):
        raise GeoError(
            f"LON LAT {args.lon:g} {args.lat:g}: outside the area the route is measured in "
            f"({west:g} to {east:g} E, {south:g} to {north:g} N); give longitude first"
        )
    where = chainage(args.lon, args.lat, args.layers)
    print(json.dumps(where.to_dict(), ensure_ascii=False) if args.json else in_words(where))
    return 0


def in_words(where) -> str:
    """One line for people: km, the stations either side, the offset."""

    def station(name, km):
        return f"{name} (km {km:g})" if name else "the end of the line"

    return (
        f"km {where.km_from_quetta:.1f} from Quetta, between "
        f"{station(where.previous_station, where.previous_station_km)} and "
        f"{station(where.next_station, where.next_station_km)}, {where.offset_m:,.0f} m from the line"
    )
