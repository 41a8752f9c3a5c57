"""The browser assets: one declaration (geo/assets.toml) that npm's files agree with, no
known-vulnerable pin, pinned CDN tags with Subresource Integrity, packaged copies."""

from __future__ import annotations

import base64
import hashlib
import json
import operator
import re
import tomllib

import folium
import pytest
from folium.plugins import Fullscreen

from geo.assets import Asset, AssetError, declared, package_file
from geo.compose import LeanMap
from geo.elements import LocatorInset, PktTimelineSlider
from geo.offline import pin_assets
from geo.timeline import DataTimeline
from tests.conftest import ROOT

COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "=": operator.eq}
TAG = re.compile(r"<(?:script|link)\b[^>]*>")


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def in_range(pinned: str, vulnerable: str) -> bool:
    """Whether a version satisfies every comparison of a range such as ">=2.18.0 <2.29.4"."""
    comparisons = [re.fullmatch(r"(<=|>=|<|>|=)?(\d+\.\d+\.\d+)", part) for part in vulnerable.split()]
    return all(COMPARE[c[1] or "="](version(pinned), version(c[2])) for c in comparisons)


def advisories_for(package: str, pinned: str) -> list[str]:
    listed = tomllib.loads((ROOT / "tests" / "advisories.toml").read_text(encoding="utf-8"))["advisory"]
    return [a["id"] for a in listed if a["package"] == package and in_range(pinned, a["vulnerable"])]


def lockfile() -> dict:
    return json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))


def locked_versions() -> dict[str, str]:
    return {
        path.removeprefix("node_modules/"): entry["version"] for path, entry in lockfile()["packages"].items() if path
    }


def test_npm_pins_the_declared_versions():
    packages = tomllib.loads((ROOT / "geo" / "assets.toml").read_text(encoding="utf-8"))["packages"]
    assert json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"] == packages
    assert lockfile()["packages"][""]["dependencies"] == packages
    locked = locked_versions()
    assert {name: locked[name] for name in packages} == packages


def test_no_locked_package_has_a_known_advisory():
    found = {
        f"{name}@{pinned}": ids for name, pinned in locked_versions().items() if (ids := advisories_for(name, pinned))
    }
    assert not found, f"known-vulnerable browser packages pinned: {found}"


def test_the_advisory_check_catches_the_old_moment():
    assert set(advisories_for("moment", "2.18.1")) >= {
        "GHSA-446m-mv8f-q348",
        "GHSA-8hfj-j24r-96c4",
        "GHSA-wc69-rhjr-hc9g",
    }
    assert advisories_for("moment", "2.31.0") == [] and advisories_for("leaflet", "1.9.4") == []


@pytest.mark.parametrize("element", [LeanMap, DataTimeline, PktTimelineSlider, LocatorInset])
def test_every_declared_link_is_a_pinned_cdn_file(element):
    declarations = {asset.url: asset for asset in declared().values()}
    for name, url in [*element.default_js, *getattr(element, "default_css", [])]:
        asset = declarations[url]
        assert (
            asset.name == name and url == f"https://cdn.jsdelivr.net/npm/{asset.package}@{asset.version}/{asset.file}"
        )


def test_packaged_copies_are_the_npm_files():
    for asset in declared().values():
        css = (
            (ROOT / "node_modules" / asset.package / asset.file).read_text(encoding="utf-8")
            if asset.kind == "css"
            else ""
        )
        files = [asset.file, *filter(None, (package_file(asset, ref) for ref in re.findall(r"url\(([^)]+)\)", css)))]
        for file in files:
            vendored = ROOT / "geo" / "vendor" / f"{asset.package}@{asset.version}" / file
            assert vendored.read_bytes() == (ROOT / "node_modules" / asset.package / file).read_bytes(), file


def sri(asset: Asset) -> str:
    digest = hashlib.sha384((ROOT / "node_modules" / asset.package / asset.file).read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


@pytest.mark.parametrize("name", ["corridor", "attack-site", "timeline"])
def test_web_pages_load_pinned_files_with_integrity(dist, name):
    head = (dist / f"{name}.html").read_text(encoding="utf-8").split("</head>")[0]
    by_url = {asset.url: asset for asset in declared().values()}
    tags = [tag for tag in TAG.findall(head) if re.search(r"(src|href)=\"?https?:", tag)]
    assert tags
    for tag in tags:
        url = re.search(r"(?:src|href)=\"?([^\"\s>]+)", tag)[1]
        assert url in by_url, f"{name}: {url} is not a pinned asset"
        assert re.search(rf"integrity=\"?{re.escape(sri(by_url[url]))}[\"\s>]", tag), tag
        assert re.search(r"\scrossorigin(=\"?anonymous\"?)?[\s/>]", tag), tag  # bare means anonymous too


def test_rendered_tags_say_crossorigin_anonymous():
    figure = LeanMap(tiles=None).get_root()
    pin_assets(figure)
    html = figure.render()
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@' in html
    assert 'crossorigin="anonymous"' in html and 'integrity="sha384-' in html


def test_a_link_that_is_not_pinned_stops_the_build():
    m = LeanMap(tiles=None)
    Fullscreen().add_to(m)
    with pytest.raises(AssetError, match=r"Fullscreen links https://\S+, which geo/assets.toml does not pin"):
        pin_assets(m.get_root())


def test_folium_defaults_are_refused():
    """folium's own Map links assets we do not ship (jQuery, Bootstrap...)."""
    with pytest.raises(AssetError, match="does not pin"):
        pin_assets(folium.Map(tiles=None).get_root())


def test_a_stylesheet_may_only_use_files_of_its_package():
    asset = declared()["leaflet_css"]
    assert package_file(asset, "images/layers.png") == "dist/images/layers.png"
    assert package_file(asset, "#default#VML") is None
    for ref in ("https://example.org/x.png", "../../other/x.png", "/x.png"):
        with pytest.raises(AssetError, match="not a file of its package"):
            package_file(asset, ref)


@pytest.mark.parametrize(
    "text, kind", [("var a = '</script>';", "js"), ("x = 1; <!-- y", "js"), ("a{}</style><b>", "css")]
)
def test_an_asset_that_would_end_its_element_is_refused(text, kind):
    """A script or stylesheet is inlined as it is or not at all: nothing rewrites it to make it fit."""
    from geo.assets import AssetError, check_inlinable

    with pytest.raises(AssetError, match="early"):
        check_inlinable(text, kind, "some.js")
    assert check_inlinable("var ok = 1 < 2;", "js", "ok.js") == "var ok = 1 < 2;"
