"""The README's pictures: each offline map on a desktop (1280 x 800) and on a phone (390 x 844),
rendered by headless Chromium with the network blocked, as a reader without tiles sees them.

Run after `make maps`: ``python scripts/screenshots.py [DIST] [OUT_DIR]``
(`make screenshots` does both).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.browser import Shot, screenshots  # noqa: E402

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
# Panels below the map on a phone, pictured scrolled into view: (map, selector, picture name).
BELOW_THE_MAP = [("record", "#geo-strip", "record-strip-phone")]


def main(dist: str = "dist", out: str = "docs") -> None:
    offline = Path(dist) / "offline"
    shots = [
        Shot(page, Path(out) / f"{page.stem}-{device}.png", width, height)
        for page in sorted(offline.glob("*.html"))
        for device, (width, height) in SIZES.items()
    ]
    shots += [
        Shot(offline / f"{name}.html", Path(out) / f"{picture}.png", *SIZES["phone"], scroll_to=selector)
        for name, selector, picture in BELOW_THE_MAP
        if (offline / f"{name}.html").is_file()
    ]
    screenshots(shots)
    for shot in shots:
        print(shot.png)


if __name__ == "__main__":
    main(*sys.argv[1:])
