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
from pathlib import Path
from typing import Iterator

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
    context = instance.new_context(viewport={"width": width, "height": height}, device_scale_factor=scale)
    page = context.new_page()
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


def wait_for_vectors(page, timeout_ms: int = 10_000) -> None:
    """Until every vector layer has drawn its features and the work deferred past the first view is done."""
    page.wait_for_function(
        "() => window.GeoMap && GeoMap.registry.settled && document.querySelectorAll('.geo-f').length > 0",
        timeout=timeout_ms,
    )


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


def screenshot(
    html: Path,
    png: Path,
    width: int = 1200,
    height: int = 800,
    scale: float = 1,
    allow_network: bool = False,
    print_mode: bool = False,
    at_ms: int | None = None,
) -> None:
    """A PNG of a built map (tiles only where the network is allowed and reachable).

    `print_mode`: without interactive controls, for print and social; `at_ms` sets the time control.
    """
    png.parent.mkdir(parents=True, exist_ok=True)
    with browser() as instance:
        if allow_network:
            page = instance.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
        else:
            page = offline_page(instance, width, height, scale)
        page.goto(html.resolve().as_uri())
        wait_for_vectors(page)
        page.wait_for_timeout(300)  # let labels and the inset settle
        if print_mode:
            page.evaluate(PRINT_MODE, at_ms)
            page.wait_for_timeout(200)
        page.screenshot(path=str(png), full_page=False)
