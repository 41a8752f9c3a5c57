"""Third-party scripts and styles in the page head: pinned CDN tags, or inline copies offline.

Folium elements declare the CDN files they need (`default_js`, `default_css`)
and would link each as declared.  `pin_assets` takes those declarations over:
every URL must be an asset pinned in geo/assets.toml, and one `PageAssets`
element in the head renders them all: on the web page as CDN tags with a
Subresource Integrity hash of the packaged file, on the offline page as that
file inlined (the images a stylesheet uses become data URIs).  A link with no
pinned copy stops the build: an offline map that silently needs the network is
worse than no map.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import cache
from html import escape

from branca.element import Element, Figure, Link

from geo.assets import CSS_URL, Asset, AssetError, check_inlinable, declared, integrity, package_file, packaged
from geo.elements import walk


def cdn_tag(asset: Asset) -> str:
    checked = f'integrity="{integrity(asset)}" crossorigin="anonymous"'
    if asset.kind == "js":
        return f'<script src="{escape(asset.url)}" {checked}></script>'
    return f'<link rel="stylesheet" href="{escape(asset.url)}" {checked}/>'


def data_uri(asset: Asset, file: str) -> str:
    mime = mimetypes.guess_type(file)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(packaged(asset, file).read_bytes()).decode('ascii')}"


@cache
def inline_copy(asset: Asset) -> str:
    """The pinned file as an inline <script> or <style>, as it is (a stylesheet's images as data URIs);
    a file that would end its element early is refused, never rewritten (geo.assets.check_inlinable)."""
    text = packaged(asset).read_text(encoding="utf-8")
    if asset.kind == "js":
        return f"<script>{check_inlinable(text, 'js', asset.url)}</script>"

    def replace(match: re.Match) -> str:
        file = package_file(asset, match["ref"])
        return f'url("{data_uri(asset, file)}")' if file else match[0]

    return f"<style>{check_inlinable(CSS_URL.sub(replace, text), 'css', asset.url)}</style>"


class PageAssets(Element):
    """The pinned scripts and stylesheets of a page, rendered `offline=True` as inline copies."""

    def __init__(self, assets: list[Asset]):
        super().__init__()
        self._name = "PageAssets"
        self.assets = assets

    def render(self, offline: bool = False, **kwargs) -> str:
        return "".join(inline_copy(a) if offline else cdn_tag(a) for a in self.assets)


def pin_assets(figure: Figure) -> None:
    """Hand every element's declared CDN files to one PageAssets in the page head (see above)."""
    pinned = {asset.url: asset for asset in declared().values()}
    chosen: dict[str, Asset] = {}  # by folium's name: elements that declare one file share its tag
    for element in walk(figure):
        # Any element's, not only JSCSSMixin's: folium's Timeline declares its files too.
        declared_links = [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
        if not declared_links:
            continue
        for name, url in declared_links:
            if url not in pinned:
                raise AssetError(
                    f"{type(element).__name__} links {url}, which geo/assets.toml does not pin: "
                    "declare the file there (and its package in package.json) and use its URL"
                )
            chosen.setdefault(name, pinned[url])
        element.default_js, element.default_css = [], []  # PageAssets renders them now
    figure.header.add_child(PageAssets(list(chosen.values())), name="page_assets")


def render_pages(figure: Figure) -> tuple[str, str]:
    """The web page and the offline page of a figure passed through `pin_assets`.

    The elements render once; the offline page only re-renders the page
    template around them, with the assets inline."""
    web = figure.render()
    offline = figure._template.render(this=figure, kwargs={"offline": True})
    for child in figure.header._children.values():
        if isinstance(child, Link):  # added while rendering, after pin_assets
            raise AssetError(f"the page links {child.url}, which geo/assets.toml does not pin")
    return web, offline
