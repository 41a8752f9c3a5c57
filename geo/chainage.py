"""Route chainage: kilometres from Quetta along the Jaffar Express route.

The route is a calibrated line (docs/architecture.md "Chainage"): the published km posts
of the stations give the measure, the geometry only locates it.  A point is
projected onto the line; its geodesic distance along the line is then scaled
between the two km posts either side, so a station always comes back at its
published km however rough the geometry between stations is.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, Point

from geo.errors import LayerError, Problem
from geo.layers import Layers, load_layer

GEOD = Geod(ellps="WGS84")
# Lambert conformal conic fitted to Pakistan (standard parallels 26N and 34N):
# under 1% scale error from Karachi to Peshawar, used only to find the nearest
# point on the line; every distance reported is geodesic.
PAKISTAN_LCC = "+proj=lcc +lat_1=26 +lat_2=34 +lat_0=30 +lon_0=69 +datum=WGS84 +units=m +no_defs"
# A station further than this from the line is a data error, not a rough line.
STATION_ON_LINE_TOLERANCE_M = 250.0
SAME_PLACE_KM = 0.05


@dataclass(frozen=True)
class KmPost:
    station_id: str
    name: str
    km: float
    along_m: float  # geodesic metres along the geometry from its Quetta end


@dataclass(frozen=True)
class Chainage:
    """Where a point is on the route."""

    km_from_quetta: float
    previous_station: str | None  # nearest station at or towards Quetta
    next_station: str | None  # nearest station beyond, towards Peshawar
    offset_m: float  # geodesic distance from the point to the line
    previous_station_km: float | None = None
    next_station_km: float | None = None
    on_line_lon: float | None = None
    on_line_lat: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


class Route:
    """The route line with its km posts.  Build it with `Route.from_layers`."""

    def __init__(self, line: LineString, posts: list[KmPost]):
        self.line = line
        self.posts = sorted(posts, key=lambda p: p.along_m)
        self._to_plane = Transformer.from_crs("EPSG:4326", PAKISTAN_LCC, always_xy=True)
        self._from_plane = Transformer.from_crs(PAKISTAN_LCC, "EPSG:4326", always_xy=True)

    # --- construction ------------------------------------------------------

    @classmethod
    def from_files(
        cls, railway: str | Path = "layers/railway.geojson", stations: str | Path = "layers/stations.geojson"
    ) -> "Route":
        return cls.from_layers(
            {"railway": load_layer(railway), "stations": load_layer(stations)},
            railway_path=str(railway),
            stations_path=str(stations),
        )

    @classmethod
    def from_layers(
        cls,
        layers: Layers,
        railway_path: str = "layers/railway.geojson",
        stations_path: str = "layers/stations.geojson",
    ) -> "Route":
        line = merge_route(layers["railway"], railway_path)
        stations = layers["stations"]["features"]
        line = orient_from_quetta(line, stations)
        route = cls(line, [])
        route.posts = route._calibrate(stations, stations_path)
        return route

    def _calibrate(self, stations: list[dict], path: str) -> list[KmPost]:
        posts, problems = [], []
        alongs, offsets, _, _ = self._project(
            [f["geometry"]["coordinates"][0] for f in stations], [f["geometry"]["coordinates"][1] for f in stations]
        )
        for index, (feature, along, offset) in enumerate(zip(stations, alongs.tolist(), offsets.tolist())):
            props = feature["properties"]
            if offset > STATION_ON_LINE_TOLERANCE_M:
                problems.append(
                    Problem(
                        path,
                        f"station is {offset:,.0f} m from the railway line "
                        f"(at most {STATION_ON_LINE_TOLERANCE_M:.0f} m allowed)",
                        index,
                        props["id"],
                    )
                )
            posts.append(KmPost(props["id"], props["name"], float(props["km_from_quetta"]), along))
        posts.sort(key=lambda p: p.along_m)
        if len(posts) < 2:
            problems.append(
                Problem(
                    path,
                    f"the route needs at least two stations with km_from_quetta to measure between; found {len(posts)}",
                )
            )
        for before, after in zip(posts, posts[1:]):
            if after.along_m - before.along_m < SAME_PLACE_KM * 1000 and after.km != before.km:
                index = next(i for i, f in enumerate(stations) if f["properties"]["id"] == after.station_id)
                problems.append(
                    Problem(
                        path,
                        f"stands at the same place on the line as {before.name} but has "
                        f"km_from_quetta {after.km} against {before.km}",
                        index,
                        after.station_id,
                    )
                )
            elif after.km <= before.km:
                index = next(i for i, f in enumerate(stations) if f["properties"]["id"] == after.station_id)
                problems.append(
                    Problem(
                        path,
                        f"km_from_quetta {after.km} is not beyond {before.name} "
                        f"({before.km}) although the station lies further along the line",
                        index,
                        after.station_id,
                    )
                )
        if problems:
            raise LayerError(problems)
        return posts

    # --- geometry helpers --------------------------------------------------

    @cached_property
    def _plane_line(self) -> LineString:
        xs, ys = self._to_plane.transform(*np.asarray(self.line.coords)[:, :2].T)
        return LineString(np.column_stack([xs, ys]))

    @cached_property
    def _cumulative(self) -> tuple[np.ndarray, np.ndarray]:
        """Cumulative planar and geodesic lengths at each vertex."""
        _, _, lengths = self._segments
        planar = np.concatenate([[0.0], np.cumsum(lengths)])
        lons, lats = np.asarray(self.line.coords)[:, :2].T
        _, _, seg = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
        geodesic = np.concatenate([[0.0], np.cumsum(seg)])
        return planar, geodesic

    def _project(self, lons, lats) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(geodesic metres along, geodesic offset metres, lon and lat on the line) for each point.

        The nearest point on the line is found in the plane; the distance along it is then the
        geodesic one, interpolated within the segment it falls on.
        """
        lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        xs, ys = self._to_plane.transform(lons, lats)
        along_plane, on_xs, on_ys = self._nearest_on_line(np.asarray(xs), np.asarray(ys))
        planar, geodesic = self._cumulative
        along = piecewise(along_plane, planar, geodesic)
        on_lons, on_lats = self._from_plane.transform(on_xs, on_ys)
        _, _, offsets = GEOD.inv(lons, lats, on_lons, on_lats)
        return along, np.asarray(offsets), np.asarray(on_lons), np.asarray(on_lats)

    def _nearest_on_line(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(planar metres along, x, y) of the nearest point on the line to each point in the plane.

        What shapely's line_locate_point and line_interpolate_point give, but each point is compared
        only with the segments an R-tree finds nearest, not with every segment (a year of claims on a
        line of hundreds of vertices); of segments equally near, the first along the line counts, as
        in GEOS."""
        starts, deltas, lengths = self._segments
        # (point, segment) of each nearest segment, ties included
        pairs = self._segment_tree.query_nearest(shapely.points(xs, ys), all_matches=True)
        points, segments = pairs[:, np.lexsort(pairs[::-1])]  # by point, then along the line
        first = np.r_[True, points[1:] != points[:-1]]
        nearest = np.empty(len(xs), dtype=int)
        nearest[points[first]] = segments[first]
        start, delta, length = starts[nearest], deltas[nearest], lengths[nearest]
        dot = (xs - start[:, 0]) * delta[:, 0] + (ys - start[:, 1]) * delta[:, 1]
        squared = length * length
        fraction = np.clip(np.divide(dot, squared, out=np.zeros_like(dot), where=squared > 0), 0.0, 1.0)
        planar, _ = self._cumulative
        on_xs, on_ys = start[:, 0] + fraction * delta[:, 0], start[:, 1] + fraction * delta[:, 1]
        return planar[nearest] + fraction * length, on_xs, on_ys

    @cached_property
    def _segments(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The line's segments in the plane: their starts, (dx, dy) and lengths."""
        plane = np.asarray(self._plane_line.coords)[:, :2]
        deltas = np.diff(plane, axis=0)
        return plane[:-1], deltas, np.hypot(deltas[:, 0], deltas[:, 1])

    @cached_property
    def _segment_tree(self) -> shapely.STRtree:
        """An R-tree of the line's segments in the plane, in `_segments`' order."""
        plane = np.asarray(self._plane_line.coords)[:, :2]
        return shapely.STRtree(shapely.linestrings(np.stack([plane[:-1], plane[1:]], axis=1)))

    # --- measure -----------------------------------------------------------

    def km_at(self, along_m):
        """Published-km measure at geodesic distances along the line (scaled between the posts either side)."""
        return piecewise(along_m, [p.along_m for p in self.posts], [p.km for p in self.posts])

    def locate(self, lon: float, lat: float) -> Chainage:
        """Chainage of any point: projected onto the line, measured in published km."""
        along, offset, on_lon, on_lat = (float(v[0]) for v in self._project([lon], [lat]))
        km = float(self.km_at(along))
        before = [p for p in self.posts if p.km <= km + SAME_PLACE_KM]
        after = [p for p in self.posts if p.km > km + SAME_PLACE_KM]
        prev_post = before[-1] if before else None
        next_post = after[0] if after else None
        return Chainage(
            km_from_quetta=round(km, 3),
            previous_station=prev_post.name if prev_post else None,
            next_station=next_post.name if next_post else None,
            offset_m=round(offset, 1),
            previous_station_km=prev_post.km if prev_post else None,
            next_station_km=next_post.km if next_post else None,
            on_line_lon=round(on_lon, 6),
            on_line_lat=round(on_lat, 6),
        )

    def locate_many(self, lons, lats) -> tuple[np.ndarray, np.ndarray]:
        """(km from Quetta, offset in metres) for many points at once, as `locate` gives each."""
        along, offsets, _, _ = self._project(lons, lats)
        return self.km_at(along), offsets

    def point_at(self, km: float) -> tuple[float, float]:
        """(lon, lat) on the line at a published km from Quetta."""
        along = float(piecewise(km, [p.km for p in self.posts], [p.along_m for p in self.posts]))
        _, geodesic = self._cumulative
        j = min(max(bisect.bisect_right(geodesic, along) - 1, 0), len(geodesic) - 2)
        (lon0, lat0), (lon1, lat1) = self.line.coords[j][:2], self.line.coords[j + 1][:2]
        azimuth, _, _ = GEOD.inv(lon0, lat0, lon1, lat1)
        lon, lat, _ = GEOD.fwd(lon0, lat0, azimuth, along - geodesic[j])
        return round(float(lon), 6), round(float(lat), 6)


def piecewise(x, xs, ys):
    """y at x on the broken line through the points (xs, ys), xs ascending; beyond either end, the end
    segment's slope carries on.  The one interpolation of this module: along the line, and between km posts."""
    xs, ys, at = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float), np.asarray(x, dtype=float)
    i = np.clip(np.searchsorted(xs, at, side="right") - 1, 0, len(xs) - 2)
    span = xs[i + 1] - xs[i]
    fraction = np.divide(at - xs[i], span, out=np.zeros_like(at + span), where=span != 0)
    return ys[i] + fraction * (ys[i + 1] - ys[i])


def merge_route(railway: dict, path: str) -> LineString:
    """The railway features as one connected line, or a LayerError saying where it breaks."""
    parts = []
    for feature in railway["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        parts.extend(getattr(geom, "geoms", [geom]))
    merged = shapely.line_merge(MultiLineString(parts))
    if merged.geom_type == "LineString":
        return merged
    ends = [f"({g.coords[-1][0]:.4f}, {g.coords[-1][1]:.4f})" for g in merged.geoms]
    raise LayerError(
        [Problem(path, f"the route is not one connected line: {len(merged.geoms)} pieces, ending at {', '.join(ends)}")]
    )


def orient_from_quetta(line: LineString, stations: list[dict]) -> LineString:
    """Reverse the line if it starts at the far end from the km-0 station."""
    origin = min(stations, key=lambda f: f["properties"]["km_from_quetta"])
    point = Point(origin["geometry"]["coordinates"][:2])
    start, end = Point(line.coords[0]), Point(line.coords[-1])
    return line if point.distance(start) <= point.distance(end) else line.reverse()


def chainage(lon: float, lat: float, layers_dir: str | Path = "layers") -> Chainage:
    """Chainage of a point on the route defined by `<layers_dir>`'s railway and stations."""
    layers_dir = Path(layers_dir)
    return Route.from_files(layers_dir / "railway.geojson", layers_dir / "stations.geojson").locate(lon, lat)
