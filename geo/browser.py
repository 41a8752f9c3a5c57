"""Headless Chromium for screenshots, PNG exports and the browser tests.

Debian's chromium package provides the browser (Playwright's own browser
download does not work here); Playwright drives it.  Every request that is
not to a file:// URL can be blocked, which is how the offline maps are
proved to need no network.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from geo.errors import GeoError

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the command line works without Playwright until a browser is needed
    PlaywrightTimeout = TimeoutError

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# Without these, Chromium keeps trying to reach Google's services on a machine with no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--font-render-hinting=none",
]


def chromium_path() -> str:
    configured = os.environ.get("GEO_CHROMIUM")
    for candidate in ([configured] if configured else []) + list(CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("chromium")
    if found:
        return found
    raise RuntimeError("no Chromium found: install Debian's chromium package (make test does) or set GEO_CHROMIUM")


@contextmanager
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def offline_page(instance, width: int = 1200, height: int = 800, scale: float = 1):
    """A page that may load file:// URLs only; every other request is aborted and recorded."""
    # A page in a context of its own, which closing the page closes too.
    page = instance.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    page.blocked = []
    page.errors = []

    def block(request_route):
        page.blocked.append(request_route.request.url)
        request_route.abort()

    # Only network URLs are intercepted: file:// pages load at full speed, and
    # anything that would leave the machine is aborted and recorded.
    page.route(re.compile(r"^(https?|wss?|ftp)://"), block)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


class PageError(GeoError):
    """A map page whose script failed: what it draws depends on the data and the recipe it was built from."""


def wait_for_vectors(page, timeout_ms: int = 10_000) -> None:
    """Until every vector layer has drawn its features and the work deferred past the first view is done.

    A script error in the page (collected by `offline_page`) is raised as a `PageError` at once, not
    waited out: a page that throws never settles."""
    errors = getattr(page, "errors", None)
    check = "() => window.GeoMap && GeoMap.registry.settled && document.querySelectorAll('.geo-f').length > 0"
    waited = 0
    while True:
        step = min(250, timeout_ms - waited)
        try:
            page.wait_for_function(check, timeout=step)
            break
        except PlaywrightTimeout:
            waited += step
            if errors:
                break
            if waited >= timeout_ms:
                raise TimeoutError(
                    f"{page.url}: the map did not finish drawing within {timeout_ms / 1000:g} s and reported no "
                    "script error (a machine this busy may need a second try)"
                ) from None
    if errors:
        raise PageError(f"{page.url}: the map's script failed: {errors[0]}", path=page.url)


# A picture for print and social: no interactive controls (CSS `.geo-print`), the key open as a
# static key, the time control at `at` (epoch ms) or at its end with every claim shown.
PRINT_MODE = """async at => {
    GeoMap.printView();
    if (GeoMap.registry.ready) await GeoMap.registry.ready;
    const slider = GeoMap.registry.slider;
    if (slider) { slider.pause(); slider.setTime(at === null ? slider.end : Math.max(slider.start, at)); }
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    GeoMap.placeLabels();
}"""


@dataclass(frozen=True)
class Shot:
    """One picture of a built map: `print_mode` without interactive controls (print and social), the time
    control at `at_ms` (epoch ms) or at its end."""

    html: Path
    png: Path
    width: int = 1200
    height: int = 800
    scale: float = 1
    print_mode: bool = False
    at_ms: int | None = None
    scroll_to: str | None = None  # a CSS selector: the page scrolled to show it (a panel below the map)


NEXT_FRAME = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def screenshots(shots: list[Shot], allow_network: bool = False) -> None:
    """The PNGs, in one browser (tiles only where the network is allowed and reachable).

    Each waits for the state the page says it has reached (drawn and settled, then a frame), never for
    a time; a page whose script fails raises `PageError` naming it."""
    with browser() as instance:
        for shot in shots:
            shot.png.parent.mkdir(parents=True, exist_ok=True)
            if allow_network:
                context = instance.new_context(
                    viewport={"width": shot.width, "height": shot.height}, device_scale_factor=shot.scale
                )
                page = context.new_page()
                page.errors = []
                page.on("pageerror", lambda error, page=page: page.errors.append(str(error)))
            else:
                page = offline_page(instance, shot.width, shot.height, shot.scale)
            try:
                page.goto(shot.html.resolve().as_uri())
                wait_for_vectors(page)
                if allow_network:
                    page.wait_for_load_state("networkidle")
                page.evaluate(NEXT_FRAME)
                if shot.print_mode:
                    page.evaluate(PRINT_MODE, shot.at_ms)
                if shot.scroll_to:
                    page.evaluate("s => document.querySelector(s).scrollIntoView()", shot.scroll_to)
                    page.evaluate(NEXT_FRAME)
                if page.errors:
                    raise PageError(f"{shot.html}: the map's script failed: {page.errors[0]}")
                page.screenshot(path=str(shot.png), full_page=False)
            except PageError as exc:
                raise PageError(str(exc), path=shot.html) from None
            finally:
                page.context.close()
