"""The embed snippet pasted into an article: the PNG until the map has drawn, the frame's height from the map
page, messages from anywhere else ignored, no scroll trap on phones, absolute links with --base-url.

The article and the build are served by a local HTTP server for this module only.  The article is on
127.0.0.1 and the maps on localhost, so the snippet meets a map of another origin, as in a newsroom; the
maps' CDN files are answered from node_modules/ and every other request is refused: no network.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from geo.browser import offline_page
from geo.build import article_files
from geo.cli import main
from geo.embed import FRAME_HEIGHT, checked_base_url
from geo.enrich import load_enriched
from geo.errors import GeoError
from geo.recipe import load_recipes
from tests.conftest import LAYERS, ROOT
from tests.pages import CDN, cdn_file

MAP = "attack-site"
LOCAL = re.compile(r"^https?://(127\.0\.0\.1|localhost)[:/]")
ARTICLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>An article</title></head>
<body style="margin: 0 16px"><p>The article before the map.</p>
{snippet}
<div style="height: 3000px">The article after the map.</div></body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(root directory, port): a build with --base-url http://localhost:<port>/dist/, served until the module ends."""
    root = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "geo.cli",
                "build",
                "--out",
                str(root / "dist"),
                "--base-url",
                f"http://localhost:{port}/dist/",
            ],
            check=True,
            cwd=ROOT,
        )
        (root / "dist" / "png").mkdir()
        for suffix, width in (("", 1200), ("@2x", 2400)):  # `geo png` takes longer; any picture will do here
            Image.new("RGB", (width, width * 2 // 3), "#d0d0d0").save(root / "dist" / "png" / f"{MAP}{suffix}.png")
        (root / "article").mkdir()
        yield root, port
    finally:
        server.shutdown()
        server.server_close()


def article(site, name: str, change=lambda snippet: snippet) -> str:
    """The URL of an article holding the built snippet (`change`d, for the broken cases)."""
    root, port = site
    snippet = (root / "dist" / "embed" / f"{MAP}.html").read_text(encoding="utf-8")
    (root / "article" / f"{name}.html").write_text(ARTICLE.format(snippet=change(snippet)), encoding="utf-8")
    return f"http://127.0.0.1:{port}/article/{name}.html"


def serve_cdn_and_local_only(route) -> None:
    url = route.request.url
    if LOCAL.match(url):
        route.continue_()
    elif CDN.match(url):
        body, kind = cdn_file(url)
        route.fulfill(body=body, content_type=kind, headers={"Access-Control-Allow-Origin": "*"})
    else:
        route.abort()  # tiles: no network


def new_page(chromium, width=1200, height=800, phone=False):
    context = chromium.new_context(viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone)
    page = context.new_page()
    page.route(re.compile(r"^(https?|wss?)://"), serve_cdn_and_local_only)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def map_frame(page):
    return page.main_frame.child_frames[0]


def shown(page) -> dict:
    return page.evaluate("""() => ({
        picture: getComputedStyle(document.querySelector('.geo-embed img')).display !== 'none',
        map: getComputedStyle(document.querySelector('.geo-embed iframe')).visibility === 'visible',
        height: document.querySelector('.geo-embed iframe').getBoundingClientRect().height})""")


def wait_until_revealed(page) -> None:
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.geo-embed iframe')).visibility === 'visible'"
    )


def settle(page, frame=None) -> None:
    """Until the frame has loaded and a few frames have passed: what it was going to say, it has said."""
    page.wait_for_function("() => document.readyState === 'complete'")
    if frame is not None:
        frame.wait_for_load_state("load")
        frame.evaluate("() => new Promise(r => setTimeout(r, 300))")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_map_replaces_the_picture_once_drawn_and_the_frame_follows_its_height(chromium, site):
    page = new_page(chromium)
    page.goto(article(site, "plain"))
    wait_until_revealed(page)
    frame = map_frame(page)
    content = frame.evaluate("() => Math.ceil(document.body.getBoundingClientRect().height)")
    state = shown(page)
    assert state == {"picture": False, "map": True, "height": min(max(content, FRAME_HEIGHT[0]), FRAME_HEIGHT[1])}
    assert 320 < content < 1600  # the page's own height (title, map at 3:2, credits), not the frame's
    frame.evaluate("() => { document.body.style.paddingBottom = '200px'; }")
    page.wait_for_function(
        "h => document.querySelector('.geo-embed iframe').getBoundingClientRect().height === h",
        arg=content + 200,
    )
    # On a desktop in a frame, the wheel scrolls the article; ctrl + wheel zooms (leaflet-gesture-handling).
    assert frame.evaluate("() => GeoMap.registry.map.gestureHandling.enabled()")
    assert page.errors == [] and not any("gesture" in e for e in page.errors)
    page.context.close()


def test_a_preview_from_file_beside_the_offline_map_shows_the_map(chromium, site):
    """An editor opening the snippet from disk: file:// pages message with origin "null"; the frame still counts."""
    root, port = site
    served = f"http://localhost:{port}/dist/"
    html = article(
        site,
        "preview",
        lambda s: s.replace(f"{served}{MAP}.html", f"../dist/offline/{MAP}.html").replace(served, "../dist/"),
    )
    page = offline_page(chromium)
    page.goto((root / "article" / Path(html).name).as_uri())
    wait_until_revealed(page)
    assert not shown(page)["picture"] and page.errors == []
    page.context.close()


def test_the_picture_stays_when_the_map_is_missing_or_fails(chromium, site):
    root, _ = site
    web = (root / "dist" / f"{MAP}.html").read_text(encoding="utf-8")
    (root / "dist" / "failing.html").write_text(
        web.replace("</body>", "<script>null.fail()</script></body>", 1), encoding="utf-8"
    )
    for name, target in (("missing", "missing.html"), ("failing", "failing.html")):
        page = new_page(chromium)
        page.goto(article(site, name, lambda s, target=target: s.replace(f"/dist/{MAP}.html", f"/dist/{target}")))
        frame = map_frame(page)
        settle(page, frame)
        if name == "failing":  # the map itself drew: only the error keeps it back
            assert frame.evaluate("() => document.querySelectorAll('.geo-f').length") > 0
        assert shown(page)["picture"] and not shown(page)["map"], name
        page.context.close()


def test_only_the_frame_of_the_map_s_origin_is_heard(chromium, site):
    _, port = site
    page = new_page(chromium)
    page.goto(article(site, "spoofed", lambda s: s.replace(f"/dist/{MAP}.html", "/dist/missing.html")))
    frame = map_frame(page)
    settle(page, frame)
    drawn = {"type": "geo-map", "map": MAP, "drawn": True, "height": 700}
    page.evaluate("m => window.postMessage(m, '*')", drawn)  # the article's own window
    page.evaluate(
        """m => { const other = document.createElement('iframe');
        other.srcdoc = '<script>parent.postMessage(' + JSON.stringify(m) + ', "*")<\\/script>';
        document.body.appendChild(other); return new Promise(r => other.onload = r); }""",
        drawn,
    )
    frame.evaluate("m => parent.postMessage(m, '*')", {**drawn, "map": "corridor"})  # another map's message
    settle(page)
    assert shown(page)["picture"] and not shown(page)["map"]
    # The frame, gone to another origin, is not heard either; while on the map's origin it is.
    frame.evaluate(f"() => {{ location.href = 'http://127.0.0.1:{port}/article/spoofed.html'; }}")
    frame.wait_for_url(re.compile(r"127\.0\.0\.1.*spoofed"))
    frame.evaluate("m => parent.postMessage(m, '*')", drawn)
    settle(page)
    assert shown(page)["picture"]
    frame.goto(f"http://localhost:{port}/dist/missing.html")
    frame.evaluate("m => parent.postMessage(m, '*')", drawn)
    page.wait_for_function("() => getComputedStyle(document.querySelector('.geo-embed img')).display === 'none'")
    assert shown(page) == {"picture": False, "map": True, "height": 700}
    page.context.close()


def swipe_up(page, x: float, y: float, distance: float = 250) -> None:
    """One finger dragged up, as the phone's touch screen reports it."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        point = {"x": x, "y": y - distance * step / 10}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_one_finger_scrolls_the_article_on_a_phone_but_drags_the_full_map(chromium, site):
    root, port = site
    page = new_page(chromium, 390, 844, phone=True)
    page.goto(article(site, "phone"))
    wait_until_revealed(page)
    frame = map_frame(page)
    center = "() => { const c = GeoMap.registry.map.getCenter(); return [c.lat, c.lng]; }"
    before = frame.evaluate(center)
    assert frame.evaluate(
        "() => GeoMap.registry.map.gestureHandling.enabled() && !GeoMap.registry.map.dragging.enabled()"
    )
    box = page.locator(".geo-embed iframe").bounding_box()
    swipe_up(page, box["x"] + box["width"] / 2, min(box["y"] + box["height"] / 2, 700))
    page.wait_for_function("() => window.scrollY > 100")  # the article scrolled ...
    assert frame.evaluate(center) == before  # ... and the map did not move
    page.goto(f"http://localhost:{port}/dist/{MAP}.html")  # the full map: no frame, the finger drags it
    page.wait_for_function("() => window.GeoMap && document.querySelectorAll('.geo-f').length > 0")
    before = page.evaluate(center)
    assert not page.evaluate("() => GeoMap.registry.map.gestureHandling.enabled()")
    box = page.locator(".folium-map").bounding_box()
    swipe_up(page, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, 150)
    page.wait_for_function(f"before => String(({center})()) !== String(before)", arg=before)  # the map moved
    page.context.close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src"):
                self.urls.append(value)
            elif name == "srcset":
                self.urls += [candidate.split()[0] for candidate in value.split(",")]


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.urls


def test_base_url_makes_every_embed_link_absolute(site):
    root, port = site
    built = sorted((root / "dist" / "embed").glob("*.html"))
    assert built
    for path in built:
        urls = links_of(path.read_text(encoding="utf-8"))
        assert len(urls) == 5 and all(u.startswith(f"http://localhost:{port}/dist/") for u in urls), urls
    base = "https://example.org/maps/"
    files = article_files(load_recipes(ROOT / "maps"), load_enriched(LAYERS), checked_base_url(base))
    for name, text in files.items():
        if name.endswith(".html"):
            slug = Path(name).stem
            assert set(links_of(text)) == {f"{base}{slug}.html", f"{base}png/{slug}.png", f"{base}png/{slug}@2x.png"}
    assert checked_base_url("https://example.org/maps") == base  # the slash is added


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/maps/",
        "example.org/maps/",
        "https:///maps/",
        "https://example.org/maps/?v=1",
        "https://example.org/a map/",
        'https://example.org/"><script>',
        "javascript:alert(1)//",
    ],
)
def test_a_bad_base_url_is_refused(url, capsys):
    with pytest.raises(GeoError, match="--base-url"):
        checked_base_url(url)
    assert main(["build", "--base-url", url, "--out", "/nonexistent/never-written"]) == 2
    assert "--base-url" in capsys.readouterr().err
