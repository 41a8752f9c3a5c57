"""The marks that tell incident kinds apart by shape as well as colour (geo.contract.INCIDENT_KINDS names
each kind's symbol): drawn as SVG on the map's markers, in the legend, in the record's list and on the
strip diagram, all from the outlines here.  The markup is ours; no text from the data goes into it."""

from __future__ import annotations

import math

from geo.contract import INCIDENT_KINDS


def _regular(corners: int, turn: float = -90.0, inner: float | None = None) -> tuple[tuple[float, float], ...]:
    """A regular polygon (or a star, with `inner` the radius of its inner corners) in a unit circle."""
    count = corners * 2 if inner else corners
    points = []
    for i in range(count):
        radius = inner if inner and i % 2 else 1.0
        angle = math.radians(turn + 360.0 * i / count)
        points.append((round(radius * math.cos(angle), 4), round(radius * math.sin(angle), 4)))
    return tuple(points)


# Outlines in a unit circle, each filling about as much of it as the others, so no kind looks bigger.
OUTLINES: dict[str, tuple[tuple[float, float], ...]] = {
    "circle": _regular(24),
    "square": ((-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)),
    "diamond": ((0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)),
    "triangle": ((0.0, -1.0), (0.95, 0.75), (-0.95, 0.75)),
    "pentagon": _regular(5),
    "star": _regular(5, inner=0.48),
}
STROKE = "#1a1a1a"  # the outline every mark has: at least 3:1 on any base map, whatever its fill


def path_d(symbol: str, cx: float, cy: float, radius: float) -> str:
    """An SVG path's `d` for `symbol` centred on (cx, cy)."""
    points = [(cx + x * radius, cy + y * radius) for x, y in OUTLINES[symbol]]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z"


def kind_path(kind: str, cx: float, cy: float, radius: float) -> dict[str, str]:
    """The attributes of an incident kind's mark as an SVG path: {d, fill, stroke}."""
    spec = INCIDENT_KINDS[kind]
    return {"d": path_d(spec.symbol, cx, cy, radius), "fill": spec.color, "stroke": STROKE}


def kind_svg(kind: str, size: int) -> str:
    """A standalone SVG of an incident kind's mark, `size` px square, hidden from screen readers (the
    mark's element or the text beside it names the kind)."""
    mark = kind_path(kind, size / 2, size / 2, size / 2 - 1.5)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}" '
        f'aria-hidden="true" focusable="false"><path d="{mark["d"]}" fill="{mark["fill"]}" '
        f'stroke="{mark["stroke"]}" stroke-width="1.5" stroke-linejoin="round"/></svg>'
    )
