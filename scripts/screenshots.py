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


def main(dist: str = "dist", out: str = "docs") -> None:
    shots = [
        Shot(page, Path(out) / f"{page.stem}-{device}.png", width, height)
        for page in sorted((Path(dist) / "offline").glob("*.html"))
        for device, (width, height) in SIZES.items()
    ]
    screenshots(shots)
    for shot in shots:
        print(shot.png)


if __name__ == "__main__":
    main(*sys.argv[1:])
