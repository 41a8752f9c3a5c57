"""The README's pictures: each offline map rendered by headless Chromium.

Run after `make maps`: ``python scripts/screenshots.py [DIST] [OUT_DIR]``
(`make screenshots` does both).  Tiles appear only where the network is
reachable; the vector layers are always drawn.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.browser import screenshot  # noqa: E402


def main(dist: str = "dist", out: str = "docs") -> None:
    for page in sorted((Path(dist) / "offline").glob("*.html")):
        png = Path(out) / f"{page.stem}.png"
        screenshot(page, png, width=1200, height=800)
        print(f"{png}")


if __name__ == "__main__":
    main(*sys.argv[1:])
