"""`geo build`: validate the layers, then write everything into `dist/` atomically.

The build is assembled in a temporary directory beside `dist/` and swapped in
only when complete, so a failed or interrupted build leaves the previous
`dist/` as it was.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import minify_html

from geo import describe, timefmt
from geo.chainage import Route
from geo.compose import compose
from geo.embed import embed_snippet
from geo.errors import GeoError
from geo.export import export_all
from geo.layers import Layers, load_layers
from geo.offline import inline_assets
from geo.recipe import load_recipe, tile_provider
from geo.shapes import forget_shapes

PNG_SIZE = (1200, 800)
BUILD_MARKER = ".geo-build"  # in every build output: proof that a directory may be replaced
BACKGROUND_ABOVE = 5000  # features; below this a fork costs more than it saves

POINT_LAYERS_WITH_CHAINAGE = ("tunnels", "staging", "events")


def enrich(layers: Layers, route: Route) -> Layers:
    """Add computed chainage to point features that do not publish their own.

    A computed value is marked as such (`km_from_quetta_source: computed`) so
    it is never mistaken for a published km post.
    """
    # Copies of the properties only: geometries are shared, never changed.
    enriched = {kind: {**collection, "features": [{**f, "properties": dict(f["properties"])}
                                                  for f in collection["features"]]}
                for kind, collection in layers.items()}
    for kind in POINT_LAYERS_WITH_CHAINAGE:
        todo = [f for f in enriched[kind]["features"]
                if f["geometry"]["type"] == "Point" and "km_from_quetta" not in f["properties"]]
        if not todo:
            continue
        kms, offsets = route.locate_many([f["geometry"]["coordinates"][0] for f in todo],
                                         [f["geometry"]["coordinates"][1] for f in todo])
        for feature, km, offset in zip(todo, kms, offsets):
            feature["properties"]["km_from_quetta"] = round(float(km), 1)
            feature["properties"]["km_from_quetta_source"] = "computed"
            feature["properties"]["offset_from_route_m"] = round(float(offset))
    return enriched


def load_enriched(layers_dir: str | Path = "layers") -> Layers:
    """The validated layers with computed chainage, as maps and exports use them."""
    layers = load_layers(layers_dir)
    route = Route.from_layers(layers, str(Path(layers_dir) / "railway.geojson"),
                              str(Path(layers_dir) / "stations.geojson"))
    return enrich(layers, route)


@contextmanager
def atomic_directory(out: Path, marker: str | None = BUILD_MARKER) -> Iterator[Path]:
    """Yield a staging directory that replaces `out` only if the block succeeds.

    `out` is replaced whole, so it must be a previous output (it holds
    `marker`) or not exist yet (or be empty): `--out .` must never delete a project.
    """
    shown = out
    out = out.resolve()
    previous = out.is_dir() and (not any(out.iterdir()) or marker is None or (out / marker).exists()
                                 or ((out / "offline").is_dir() and (out / "geojson").is_dir()))
    if out.exists() and not previous:
        raise GeoError(f"{shown}: exists and is not a previous build output (no {marker}); "
                       "choose a new or empty directory")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    except OSError as exc:
        raise GeoError(f"{shown}: cannot write here: {exc.strerror or exc}") from None
    staging.chmod(0o755)  # mkdtemp makes it private; dist/ is meant to be served
    try:
        yield staging
        if marker:
            (staging / marker).write_text("Written by `geo build`; the next build replaces this directory.\n",
                                          encoding="utf-8")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = out.parent / f".{out.name}.previous"
    shutil.rmtree(retired, ignore_errors=True)
    if out.exists():
        os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


class Background:
    """A function run in a forked child process when `fork` is asked for and Linux has it, else at once."""

    def __init__(self, function, *args, fork: bool = True):
        self.process = None
        if fork and sys.platform.startswith("linux"):
            context = multiprocessing.get_context("fork")
            self.process = context.Process(target=self._run, args=(function, args), daemon=True)
            self.process.start()
        else:
            function(*args)

    @staticmethod
    def _run(function, args) -> None:
        try:
            function(*args)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent through the exit code
            print(f"geo build: {function.__name__} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            os._exit(1)

    def wait(self) -> None:
        if self.process is not None:
            self.process.join()
            if self.process.exitcode != 0:
                raise RuntimeError(f"the background step failed (exit code {self.process.exitcode})")


def load_recipes(maps_dir: str | Path) -> list[dict]:
    """Every recipe in the maps directory, checked, in file-name order."""
    paths = sorted(Path(maps_dir).glob("*.toml"))
    if not paths:
        raise GeoError(f"{maps_dir}: no map recipes (*.toml) found")
    return [load_recipe(path) for path in paths]


def render_maps(recipes: list[dict], layers: Layers) -> dict[str, str]:
    """{relative output path: HTML} for the web and offline build of each map."""
    pages = {}
    for recipe in recipes:
        # The offline page inlines into the page as rendered, where every "<"
        # inside data is escaped, so only the page's own <script src> and <link>
        # tags can match; the inlined assets are minified once per process.
        html = compose(recipe, layers).render()
        pages[f"{recipe['_slug']}.html"] = minify(html)
        pages[f"offline/{recipe['_slug']}.html"] = inline_assets(html)
    return pages


def credits(recipe: dict, with_tiles: bool = True) -> str:
    """Plain-text credits: the data, and the tiles where they are shown."""
    parts = [recipe.get("attribution", "Data: see sources in each popup")]
    if with_tiles:
        for basemap in recipe.get("basemap", []):
            if basemap.get("show", basemap is recipe["basemap"][0]):
                parts.append("Tiles: " + tile_provider(basemap["provider"]).attribution)
    else:
        parts.append("Background tiles not included (rendered offline)")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def article_files(recipes: list[dict], layers: Layers) -> dict[str, str]:
    """{relative path: text} of the embeds and the screen-reader descriptions."""
    files = {}
    for recipe in recipes:
        slug = recipe["_slug"]
        text = describe.description(recipe, layers)
        files[f"embed/{slug}.html"] = embed_snippet(recipe, describe.alt_text(recipe, layers), text,
                                                    credits(recipe))
        files[f"embed/{slug}.txt"] = text + "\n"
    return files


def minify(html: str) -> str:
    """Whitespace and comments out of the page, its scripts and styles (minify-html).

    The minifier turns JSON's \\u003c back into "<" inside scripts; it escapes
    "</script" itself, and "<!--" (which would confuse the HTML parser inside a
    script) is escaped here.  Text outside scripts is HTML-escaped, so a raw
    "<!--" can only be inside one.
    """
    return minify_html.minify(html, minify_js=True, minify_css=True).replace("<!--", "\\x3C!--")


def build(layers_dir: str | Path = "layers", maps_dir: str | Path = "maps", out: str | Path = "dist") -> Path:
    """Validate every layer and recipe, then write maps, exports and embeds into `out`."""
    # The build makes millions of small dicts and frees them all at the end: the
    # cycle collector would scan them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(layers_dir, maps_dir, out)
    finally:
        if collecting:
            gc.enable()


def _build(layers_dir: str | Path, maps_dir: str | Path, out: str | Path) -> Path:
    forget_shapes()
    enriched = load_enriched(layers_dir)
    recipes = load_recipes(maps_dir)
    with atomic_directory(Path(out)) as staging:
        # On a big build the other core writes the exports meanwhile; a small one is quicker without a fork.
        size = sum(len(c["features"]) for c in enriched.values())
        exports = Background(export_all, enriched, staging, fork=size > BACKGROUND_ABOVE)
        pages = render_maps(recipes, enriched)
        texts = article_files(recipes, enriched)
        for name, text in {**pages, **texts}.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
        exports.wait()
        previous_png = Path(out) / "png"
        if previous_png.is_dir():  # PNGs are rendered by `geo png`; keep the last ones
            shutil.copytree(previous_png, staging / "png")
    return Path(out)


def render_pngs(dist: str | Path = "dist", maps_dir: str | Path = "maps", tiles: bool = False,
                at: str | None = None) -> list[Path]:
    """dist/png/<map>.png (1200 px wide) and <map>@2x.png from the offline maps, with credits beside them.

    No interactive controls; a time-control map is drawn at `at` (ISO 8601 with offset) or at its end.
    """
    from geo.browser import screenshot

    dist = Path(dist)
    recipes = load_recipes(maps_dir)
    at_ms = None
    if at is not None:
        try:
            at_ms = timefmt.epoch_ms(timefmt.parse(at))
        except ValueError as exc:
            raise GeoError(f"--at {at!r}: not an ISO 8601 time with offset, such as 2025-03-11T13:00+05:00 ({exc})") \
                from None
    written = []
    with atomic_directory(dist / "png", marker=None) as staging:
        for recipe in recipes:
            page = dist / "offline" / f"{recipe['_slug']}.html"
            if not page.is_file():
                raise GeoError(f"{page}: not built; run `geo build` first")
            for suffix, scale in (("", 1), ("@2x", 2)):
                png = staging / f"{recipe['_slug']}{suffix}.png"
                screenshot(page, png, *PNG_SIZE, scale=scale, allow_network=tiles, print_mode=True, at_ms=at_ms)
                written.append(dist / "png" / png.name)
            (staging / f"{recipe['_slug']}.txt").write_text(credits(recipe, with_tiles=tiles) + "\n",
                                                             encoding="utf-8")
    return written
