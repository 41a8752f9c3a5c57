"""The pinned browser assets declared in geo/assets.toml: CDN URL, packaged copy, integrity hash.

Standard library only, because setup.py runs this file by path to copy the
assets from node_modules/ into the package (geo/vendor/) before building it;
`python3 geo/assets.py` does the same in a working copy (make runs it after
`npm ci`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import posixpath
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

CDN = "https://cdn.jsdelivr.net/npm"
VENDOR = "vendor"  # geo/vendor/<package>@<version>/<file>: generated, ignored by git
CSS_URL = re.compile(r"url\((?P<quote>['\"]?)(?P<ref>[^'\")]+)(?P=quote)\)")
# Our own script and styles (geo/static/), minified by esbuild into geo/vendor/geo/: the pages inline them as
# they are, and no minifier ever runs over a page (it would decode what the build escaped).  The script is
# the ES modules of geo/static/js/, bundled from main.js into one script.
OWN = "geo"
OWN_FILES = {"geomap.js": "js", "geomap.css": "css", "timeline.css": "css", "record.css": "css"}
OWN_SOURCES = {
    "geomap.js": "js/main.js",
    "geomap.css": "geomap.css",
    "timeline.css": "timeline.css",
    "record.css": "record.css",
}  # in static/
ESBUILD_TARGET = "es2017"  # the oldest browsers the maps open in (tests/test_browser.py removes newer methods)
# What ends an inline <script> or <style> early, or puts the HTML parser in a state where a script never ends.
NOT_INLINABLE = {
    "js": re.compile(r"</script|<!--|<script", re.IGNORECASE),
    "css": re.compile(r"</style", re.IGNORECASE),
}


class AssetError(Exception):
    """An asset that is not declared, or whose file is missing (the command line's exit 2)."""


@dataclass(frozen=True)
class Asset:
    name: str  # folium's key for the page-head tag
    kind: str  # "js" or "css"
    package: str
    version: str
    file: str  # path inside the npm package

    @property
    def url(self) -> str:
        return f"{CDN}/{self.package}@{self.version}/{self.file}"

    def vendored(self, file: str | None = None) -> str:
        """Path of its file (or another file of its package) under geo/vendor/.

        Versioned, so a copy of another version is never taken for the pinned one."""
        return f"{self.package}@{self.version}/{file or self.file}"


def declaration(package_dir: Traversable) -> dict[str, Asset]:
    """{name: Asset} from the assets.toml in `package_dir`."""
    spec = tomllib.loads((package_dir / "assets.toml").read_text(encoding="utf-8"))
    return {
        name: Asset(name, kind, package, spec["packages"][package], file)
        for kind in ("js", "css")
        for name, (package, file) in spec[kind].items()
    }


@cache
def declared() -> dict[str, Asset]:
    return declaration(resources.files("geo"))


def links(kind: str, *names: str) -> list[tuple[str, str]]:
    """A folium `default_js` or `default_css` list: (name, pinned CDN URL) of each named asset."""
    assets = [declared()[name] for name in names]
    if any(asset.kind != kind for asset in assets):
        raise AssetError(f"not all of {names} are {kind} assets in geo/assets.toml")
    return [(asset.name, asset.url) for asset in assets]


def package_file(asset: Asset, ref: str) -> str | None:
    """The file of the package that a stylesheet's url(ref) names; None for a data: URI or a fragment."""
    if ref.startswith(("data:", "#")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(asset.file), ref.split("?")[0].split("#")[0]))
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref) or ref.startswith("/") or path.startswith("../"):
        raise AssetError(f"{asset.url} refers to {ref}, which is not a file of its package")
    return path


def referenced(asset: Asset, css: str) -> list[str]:
    """The files of the package (images) that a stylesheet uses."""
    return [file for match in CSS_URL.finditer(css) if (file := package_file(asset, match["ref"]))]


def packaged(asset: Asset, file: str | None = None) -> Traversable:
    """The copy shipped in the package of an asset's file (or of an image its stylesheet uses)."""
    path = resources.files("geo") / VENDOR / asset.vendored(file)
    if not path.is_file():
        raise AssetError(
            f"{path} is missing: geo was installed without its browser assets; run `npm ci`, "
            "then `python3 geo/assets.py` (make does both), or reinstall after `npm ci`"
        )
    return path


@cache
def integrity(asset: Asset) -> str:
    """The Subresource Integrity value of the file: the CDN serves the same bytes as the npm package."""
    return "sha384-" + base64.b64encode(hashlib.sha384(packaged(asset).read_bytes()).digest()).decode("ascii")


def check_inlinable(text: str, kind: str, name: str) -> str:
    """`text` as it can be inlined in a <script> or <style> element, or an AssetError naming what stops it.

    Nothing rewrites it: a file holding "</script" or "<!--" is refused, not escaped."""
    found = NOT_INLINABLE[kind].search(text)
    if found:
        raise AssetError(
            f"{name} holds {found[0]!r} at character {found.start()}, which would end its inline element early"
        )
    return text


def own_file(name: str) -> str:
    """Our minified script or stylesheet (geo/vendor/geo/<name>), checked for inlining."""
    path = resources.files("geo") / VENDOR / OWN / name
    if not path.is_file():
        raise AssetError(
            f"{path} is missing: geo was installed without its bundled script; run `npm ci`, "
            "then `python3 geo/assets.py` (make does both), or reinstall after `npm ci`"
        )
    return check_inlinable(path.read_text(encoding="utf-8"), OWN_FILES[name], str(path))


def bundle_own(node_modules: Path, package_dir: Path) -> None:
    """Bundle and minify geo/static/'s script (js/main.js and the modules it imports) and styles with the
    pinned esbuild into geo/vendor/geo/ (byte-reproducible: the same sources give the same bytes)."""
    esbuild = node_modules / "esbuild" / "bin" / "esbuild"
    if not esbuild.is_file():
        raise AssetError(f"{esbuild} is missing: run `npm ci` (package.json pins esbuild)")
    target = package_dir / VENDOR / OWN
    target.mkdir(parents=True, exist_ok=True)
    for name, kind in OWN_FILES.items():
        out = target / name
        command = [
            str(esbuild),
            str(package_dir / "static" / OWN_SOURCES[name]),
            "--minify",
            "--charset=utf8",
            "--log-level=warning",
            f"--outfile={out}",
        ]
        if kind == "js":
            # Strict mode for the whole script, as its modules are: the bundle is a plain script.
            command += ["--bundle", "--format=iife", f"--target={ESBUILD_TARGET}", '--banner:js="use strict";']
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            raise AssetError(f"esbuild could not bundle geo/static/{OWN_SOURCES[name]}:\n{run.stderr.strip()}")
        check_inlinable(out.read_text(encoding="utf-8"), kind, f"geo/static/{OWN_SOURCES[name]} (bundled)")


def installed_version(node_modules: Path, package: str) -> str | None:
    manifest = node_modules / package / "package.json"
    return json.loads(manifest.read_text(encoding="utf-8"))["version"] if manifest.is_file() else None


def vendor(node_modules: Path, package_dir: Path) -> None:
    """Copy every declared file, with the images its stylesheet uses, from node_modules/ into geo/vendor/."""
    assets = declaration(package_dir).values()
    target = package_dir / VENDOR
    own = [target / OWN / name for name in OWN_FILES]
    if (
        not node_modules.is_dir()
        and all((target / a.vendored()).is_file() for a in assets)
        and all(path.is_file() for path in own)
    ):
        return  # a source distribution ships geo/vendor/ already
    for asset in assets:
        version = installed_version(node_modules, asset.package)
        if version != asset.version:
            raise AssetError(
                f"{node_modules / asset.package} is {version or 'not installed'}, geo/assets.toml "
                f"pins {asset.version}: run `npm ci` (package.json must pin the same)"
            )
    shutil.rmtree(target, ignore_errors=True)
    for asset in assets:
        source = node_modules / asset.package
        css = (source / asset.file).read_text(encoding="utf-8") if asset.kind == "css" else ""
        for file in [asset.file, *referenced(asset, css)]:
            (target / asset.vendored(file)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / file, target / asset.vendored(file))
    bundle_own(node_modules, package_dir)


if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    try:
        vendor(Path(sys.argv[1]) if len(sys.argv) > 1 else here.parent / "node_modules", here)
    except (AssetError, OSError) as exc:
        sys.exit(f"geo/assets.py: {exc}")
