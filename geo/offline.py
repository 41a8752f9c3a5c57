"""The offline build: every script and stylesheet inlined, so a map works from file://.

The web build links folium's assets on CDNs.  Here each link is replaced by
the file of the npm package that geo/assets.toml maps its URL to (installed
at a pinned version by `npm ci`).  Images a stylesheet refers to become data
URIs.  A link with no entry in the table stops the build: an offline map
that silently needs the network is worse than no map.
"""

from __future__ import annotations

import base64
import mimetypes
import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

import minify_html

from geo.errors import GeoError

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
# As folium writes them, and as minify-html leaves them (quotes and the slash dropped).
SCRIPT_TAG = re.compile(r'<script src="?(?P<url>https?://[^"\s>]+)"?></script>')
STYLE_TAG = re.compile(r'<link (?:rel="?stylesheet"? href="?(?P<url>https?://[^"\s>]+)"?'
                       r'|href="?(?P<url2>https?://[^"\s>]+)"? rel="?stylesheet"?)\s*/?>')
CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<ref>[^'\")]+)(?P=quote)\)")


class OfflineAssetError(GeoError):
    """An asset the offline build cannot inline."""


@cache
def asset_table() -> dict[str, str]:
    return tomllib.loads((resources.files("geo") / "assets.toml").read_text(encoding="utf-8"))["assets"]


def asset_path(url: str) -> Path:
    try:
        relative = asset_table()[url]
    except KeyError:
        raise OfflineAssetError(f"no offline copy of {url}: add it to geo/assets.toml and package.json") from None
    path = NODE_MODULES / relative
    if not path.is_file():
        raise OfflineAssetError(f"{path} is missing: run `npm ci` (make does) to install the pinned assets")
    return path


def data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_css(path: Path) -> str:
    css = path.read_text(encoding="utf-8")

    def replace(match: re.Match) -> str:
        ref = match["ref"]
        if ref.startswith(("data:", "#")):
            return match[0]
        if re.match(r"^[a-z]+:", ref):
            raise OfflineAssetError(f"{path} refers to {ref}, which the offline build cannot fetch")
        target = (path.parent / ref.split("?")[0].split("#")[0]).resolve()
        return f'url("{data_uri(target)}")'

    return CSS_URL.sub(replace, css)


@cache
def inline_script(url: str) -> str:
    script = asset_path(url).read_text(encoding="utf-8").replace("</script", "<\\/script")
    return minify_html.minify(f"<script>{script}</script>", minify_js=True)


@cache
def inline_style(url: str) -> str:
    return minify_html.minify(f"<style>{inline_css(asset_path(url))}</style>", minify_css=True)


def inline_assets(html: str) -> str:
    """The web page with every linked script and stylesheet inlined (minified once per process)."""
    html = SCRIPT_TAG.sub(lambda m: inline_script(m["url"]), html)
    html = STYLE_TAG.sub(lambda m: inline_style(m["url"] or m["url2"]), html)
    left = re.findall(r'<(?:script|link)[^>]+(?:src|href)=["\']?https?://[^"\s>]+', html)
    if left:
        raise OfflineAssetError(f"the offline page still links {left[0]}")
    return html
