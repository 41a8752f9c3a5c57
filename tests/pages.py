"""Helpers for the browser tests: a map page opened and waited for by the state it sets, never by time."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path

from geo.browser import offline_page, wait_for_vectors
from tests.conftest import ROOT

CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/")


def cdn_file(url: str) -> tuple[bytes, str | None]:
    """What jsDelivr serves for a pinned URL: the npm package's file (node_modules/)."""
    package_at_version, file = url.split("/npm/", 1)[1].split("/", 1)
    body = (ROOT / "node_modules" / package_at_version.rsplit("@", 1)[0] / file).read_bytes()
    return body, mimetypes.guess_type(file)[0]


def serve_cdn_from_node_modules(page, changed: bool = False) -> list[str]:
    """Answer the web page's jsDelivr requests with the npm files (as jsDelivr does), `changed` by a byte
    or not; the console's messages are collected in the list returned."""
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    def fulfill(route):
        body, kind = cdn_file(route.request.url)
        route.fulfill(
            body=body + (b"\n" if changed else b""),
            content_type=kind,
            headers={"Access-Control-Allow-Origin": "*"},  # crossorigin="anonymous" needs CORS
        )

    page.route(CDN, fulfill)
    return console


# Settled (the work deferred past the first frame is done), the timeline's data read and its list made,
# and a frame drawn since: what a reader sees once the page has loaded.
SETTLED = """() => window.GeoMap && GeoMap.registry.settled && (!GeoMap.registry.timeline || GeoMap.registry.loaded)"""


def wait_for_map(page, timeout_ms: int = 20_000) -> None:
    """Until the map has drawn and settled (geomap.js says so), then one more frame."""
    wait_for_vectors(page, timeout_ms)
    page.wait_for_function(SETTLED, timeout=timeout_ms)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def open_map(chromium, path: Path, width: int = 1280, height: int = 800):
    """An offline map page (network blocked) at a size, waited for: a page a finished test gave back where
    there is one (`LentPage`), else a new one."""
    page = LentPage.lend(chromium, width, height)
    page.goto(path.resolve().as_uri())
    wait_for_map(page)
    return page


class LentPage:
    """A Playwright page lent to a test: everything the page does, except that `close()` gives it back for the
    next test to load its map in.  A page navigated from one map to the next keeps its renderer process and
    the scripts it compiled: a load costs a third of the CPU of a new page's (0.35 against 1.05 CPU-seconds,
    measured on this 2-core machine), about a minute of a full run.

    A test that stops before its `close()` (a failure) leaves the page in a state nobody knows: such pages
    are closed for good after each test (`close_the_lent`), never lent again."""

    idle: list = []  # pages given back, at about:blank
    lent: list = []

    def __init__(self, page):
        self.page = page

    def __getattr__(self, name):
        return getattr(self.page, name)

    @classmethod
    def lend(cls, chromium, width: int, height: int, cdn: bool = False) -> LentPage:
        """A page at a size, its network blocked (`cdn`: but jsDelivr, answered from node_modules/), its
        script errors in `errors` and its dialogs (dismissed) in `dialogs`."""
        idle = next((page for page in cls.idle if page.context.browser is chromium and page.cdn == cdn), None)
        if idle is None:
            page = offline_page(chromium, width, height)
            page.cdn, page.dialogs = cdn, []
            page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
            if cdn:
                serve_cdn_from_node_modules(page)
        else:
            cls.idle.remove(idle)
            page = idle
            page.set_viewport_size({"width": width, "height": height})
            for found in (page.errors, page.blocked, page.dialogs):
                found.clear()
        cls.lent.append(page)
        return cls(page)

    def close(self) -> None:
        """Back to the pool: at about:blank (nothing of the map left running), the pointer off the page."""
        self.lent.remove(self.page)
        self.page.mouse.move(-1, -1)
        self.page.goto("about:blank")
        self.idle.append(self.page)

    @classmethod
    def close_the_lent(cls, keep: list) -> None:
        """Close for good the pages lent and not given back, but those in `keep`."""
        for page in [page for page in cls.lent if page not in keep]:
            cls.lent.remove(page)
            if not page.is_closed():
                page.close()


def overlapping(boxes: list[dict]) -> list[tuple]:
    """The names of each two boxes ({name, l, r, t, b}) that overlap by more than half a pixel."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a["r"] - 0.5 <= b["l"] or b["r"] - 0.5 <= a["l"] or a["b"] - 0.5 <= b["t"] or b["b"] - 0.5 <= a["t"]
            if not apart:
                pairs.append((a["name"], b["name"]))
    return pairs


# The page boxes of the visible elements a selector matches, each named by its text.
BOXES = """selector => [...document.querySelectorAll(selector)].filter(e => {
    const s = getComputedStyle(e); const r = e.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  }).map(e => { const r = e.getBoundingClientRect();
    return {name: (e.textContent || e.className).trim().slice(0, 40),
            l: r.left, r: r.right, t: r.top, b: r.bottom}; })"""
