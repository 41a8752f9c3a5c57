"""`geo build`: validate the layers, then write everything into `dist/` atomically.

The build is assembled in a temporary directory beside `dist/` and swapped in
only when complete, so a failed or interrupted build leaves the previous
`dist/` as it was.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import gc
import glob
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import minify_html

from geo import describe, timefmt
from geo.chainage import Route
from geo.check import check_all
from geo.compose import compose, forget_selections, shown_first
from geo.contract import LAYER_KINDS
from geo.embed import checked_base_url, embed_snippet
from geo.errors import GeoError
from geo.export import export_jobs
from geo.layers import Layers, load_layers
from geo.offline import render_pages
from geo.recipe import Recipe, load_recipe, tile_provider
from geo.shapes import forget_shapes

PNG_SIZE = (1200, 800)
BUILD_MARKER = ".geo-build"  # in every build output: proof that a directory may be replaced
BACKGROUND_ABOVE = 5000  # features; below this a fork costs more than it saves


def enrich(layers: Layers, route: Route, in_place: bool = False) -> Layers:
    """Add computed chainage to point features that do not publish their own.

    A computed value is marked as such (`km_from_quetta_source: computed`) so
    it is never mistaken for a published km post.  The given layers are left
    as they are unless `in_place` (layers just read, which nothing else holds).
    """
    # Copies of the properties only: geometries are shared, never changed.
    enriched = (
        layers
        if in_place
        else {
            kind: {**c, "features": [{**f, "properties": dict(f["properties"])} for f in c["features"]]}
            for kind, c in layers.items()
        }
    )
    for kind in [name for name in enriched if name in LAYER_KINDS and LAYER_KINDS[name].chainage]:
        todo = [
            f
            for f in enriched[kind]["features"]
            if f["geometry"]["type"] == "Point" and "km_from_quetta" not in f["properties"]
        ]
        if not todo:
            continue
        kms, offsets = route.locate_many(
            [f["geometry"]["coordinates"][0] for f in todo], [f["geometry"]["coordinates"][1] for f in todo]
        )
        for feature, km, offset in zip(todo, kms, offsets):
            feature["properties"]["km_from_quetta"] = round(float(km), 1)
            feature["properties"]["km_from_quetta_source"] = "computed"
            feature["properties"]["offset_from_route_m"] = round(float(offset))
    return enriched


def load_enriched(layers_dir: str | Path = "layers") -> Layers:
    """The validated layers with computed chainage, as maps and exports use them."""
    layers = load_layers(layers_dir)
    route = Route.from_layers(
        layers, str(Path(layers_dir) / "railway.geojson"), str(Path(layers_dir) / "stations.geojson")
    )
    return enrich(layers, route, in_place=True)


@contextmanager
def atomic_directory(out: Path, marker: str | None = BUILD_MARKER) -> Iterator[Path]:
    """Yield a staging directory that replaces `out` only if the block succeeds.

    `out` is replaced whole, so it must be a previous output (it holds
    `marker`) or be empty or missing: `--out .` must never delete a project.
    Builds into one `out` take turns (a lock beside it); the swap is one
    atomic exchange, so at every instant `out` is the old or the new output.
    """
    shown = out
    refuse_links(out)
    out = out.resolve()
    if out.exists() and not replaceable(out, marker):
        raise GeoError(
            f"{shown}: exists and is not a previous build output (no {marker}); choose a new or empty directory"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = output_lock(out)
    except OSError as exc:
        raise GeoError(f"{shown}: cannot write here: {exc.strerror or exc}") from None
    with lock:
        remove_stale_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        staging.chmod(0o755)  # mkdtemp makes it private; dist/ is meant to be served
        try:
            yield staging
            if marker:
                (staging / marker).write_text(
                    "Written by `geo build`; the next build replaces this directory.\n", encoding="utf-8"
                )
            swap_in(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # the new build if it failed, else the old one


def replaceable(out: Path, marker: str | None) -> bool:
    return out.is_dir() and (marker is None or (out / marker).is_file() or not any(out.iterdir()))


def refuse_links(out: Path) -> None:
    """A link at or anywhere inside an output would make a build write or copy elsewhere: refuse it."""
    if out.is_symlink():
        raise GeoError(f"{out}: is a symbolic link; give the real directory (a build never follows links)")
    if out.is_dir():
        for child in out.rglob("*"):
            if child.is_symlink():
                raise GeoError(
                    f"{child}: is a symbolic link inside the output; remove it (a build never follows links)"
                )


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on `.<out>.lock` beside `out`: a second build waits for the first."""
    with open(out.parent / f".{out.name}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_staging(out: Path) -> None:
    """Staging folders left by builds that were killed (we hold the lock: no build is using them)."""
    for leftover in out.parent.glob(f".{glob.escape(out.name)}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(out.parent / f".{out.name}.previous", ignore_errors=True)  # from older versions


RENAME_EXCHANGE = 2  # linux/fs.h


def swap_in(staging: Path, out: Path) -> None:
    """Put `staging` at `out` in one step; the old `out`, if any, ends up at `staging`."""
    if not out.exists():
        os.rename(staging, out)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    at_fdcwd = -100
    if renameat2 is not None and renameat2(at_fdcwd, bytes(staging), at_fdcwd, bytes(out), RENAME_EXCHANGE) == 0:
        return
    # No atomic exchange here (not Linux, or a filesystem without it): two renames, the gap as short as can be.
    retired = staging.with_name(staging.name + "-old")
    os.rename(out, retired)
    os.rename(staging, out)
    os.rename(retired, staging)


class SharedJobs:
    """The build's jobs (maps, articles, exports), shared with a forked worker when asked, so both
    cores work on them; `wait` takes a share of them here and waits for the worker.

    The two processes take the jobs in turn from one shared counter, in the order given (longest
    first): whichever is free takes the next, so neither waits on a split fixed in advance.  One
    worker, not one per job: three busy processes on a two-core machine each ran half again slower.
    An exception in the worker (a `GeoError` for bad input) is raised again here, with its meaning.
    """

    def __init__(self, jobs: list[Callable[[], list[Path]]], in_worker: bool) -> None:
        self.jobs, self.pool, self.future = jobs, None, None
        if in_worker and sys.platform.startswith("linux"):
            global _FORKED
            context = multiprocessing.get_context("fork")
            self.taken = _FORKED = (jobs, context.Value("i", 0))  # inherited by the fork, never pickled
            self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            self.future = self.pool.submit(_run_forked)

    def wait(self) -> list[Path]:
        """Take a share of the jobs (all of them without a worker), wait for the worker; the files
        written.  A job that fails here, or in the worker, stops the other process taking more."""
        if self.pool is None:
            return [path for job in self.jobs for path in job()]
        try:
            here = _take_jobs(*self.taken)
            return self.future.result() + here
        finally:
            self.cancel()

    def cancel(self) -> None:
        """No more jobs are started; the worker's current one finishes (its files are in staging)."""
        global _FORKED
        if self.pool is not None:
            _take_no_more(*self.taken)
            self.pool.shutdown()
            self.pool, _FORKED = None, ()


_FORKED: tuple = ()


def _take_jobs(jobs: list[Callable[[], list[Path]]], taken) -> list[Path]:
    """Run the next job nobody has taken, until none is left; the files written."""
    written = []
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value += 1
        if index >= len(jobs):
            return written
        written += jobs[index]()


def _run_forked() -> list[Path]:
    try:
        return _take_jobs(*_FORKED)
    except BaseException:
        _take_no_more(*_FORKED)  # the main process takes no more either: the build has failed
        raise


def _take_no_more(jobs: list[Callable[[], list[Path]]], taken) -> None:
    """Neither process starts another job: the counter is moved past the last."""
    with taken.get_lock():
        taken.value = len(jobs)


def load_recipes(maps_dir: str | Path) -> list[Recipe]:
    """Every recipe in the maps directory, checked, in file-name order."""
    paths = sorted(Path(maps_dir).glob("*.toml"))
    if not paths:
        raise GeoError(f"{maps_dir}: no map recipes (*.toml) found")
    return [load_recipe(path) for path in paths]


def write_files(staging: Path, files: dict[str, str]) -> list[Path]:
    """Write {relative path: text} into staging; the paths written."""
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    return [staging / name for name in files]


def write_map(recipe: Recipe, layers: Layers, staging: Path) -> list[Path]:
    """The web and offline pages of one map; the offline page's assets come minified, the rest as rendered."""
    web, offline = render_pages(compose(recipe, layers))
    return write_files(staging, {f"{recipe.slug}.html": minify(web), f"offline/{recipe.slug}.html": offline})


def write_articles(recipes: list[Recipe], layers: Layers, staging: Path, base_url: str | None) -> list[Path]:
    return write_files(staging, article_files(recipes, layers, base_url))


# Seconds each job takes at 100,000 events on one core (a `make bench` machine): the two processes
# take the longest first, so neither is left with a long one at the end.  An export format or map
# missing here counts as the longest.
JOB_SECONDS = {"kml": 10, "timeline map": 8, "csv": 5, "gpkg": 3, "articles": 1.5, "map": 1, "geojson": 0.5}


def build_jobs(
    recipes: list[Recipe], layers: Layers, staging: Path, base_url: str | None
) -> list[Callable[[], list[Path]]]:
    """Every job of a build (maps, articles, exports), longest first (`JOB_SECONDS`)."""
    jobs = list(export_jobs(layers, staging).items())
    for recipe in recipes:
        kind = "timeline map" if recipe.timeline else "map"  # it carries every claim, popup and list entry
        jobs.append((kind, functools.partial(write_map, recipe, layers, staging)))
    jobs.append(("articles", functools.partial(write_articles, recipes, layers, staging, base_url)))
    longest = max(JOB_SECONDS.values())
    return [job for kind, job in sorted(jobs, key=lambda kind_job: -JOB_SECONDS.get(kind_job[0], longest))]


def credits(recipe: Recipe, with_tiles: bool = True) -> str:
    """Plain-text credits: the data, and the tiles where they are shown."""
    parts = [recipe.attribution or "Data: see sources in each popup"]
    if with_tiles:
        for index, basemap in enumerate(recipe.basemap):
            if shown_first(basemap, index):
                parts.append("Tiles: " + tile_provider(basemap.provider).attribution)
    else:
        parts.append("Background tiles not included (rendered offline)")
    return ". ".join(p.rstrip(".") for p in parts) + "."


def article_files(recipes: list[Recipe], layers: Layers, base_url: str | None = None) -> dict[str, str]:
    """{relative path: text} of the embeds and the screen-reader descriptions.

    The embeds link to the maps and PNGs under `base_url` (checked by `checked_base_url`), else relatively."""
    files = {}
    for recipe in recipes:
        slug = recipe.slug
        text = describe.description(recipe, layers)
        files[f"embed/{slug}.html"] = embed_snippet(
            recipe, describe.alt_text(recipe, layers), text, credits(recipe), base_url
        )
        files[f"embed/{slug}.txt"] = text + "\n"
    return files


SCRIPT_ELEMENT = re.compile(r"(<script\b[^>]*>)(.*?)(</script)", re.DOTALL | re.IGNORECASE)
SCRIPT_LOOKALIKE = re.compile(r"<(?=!--|/?script)", re.IGNORECASE)


def minify(html: str) -> str:
    """Whitespace and comments out of the page, its scripts and styles (minify-html).

    The minifier turns JSON's \\u003c back into "<" inside script strings.  It
    escapes "</script" itself; "<!--" and "<script", which would put the HTML
    parser into a state where the script never ends, are escaped here as "\\x3C"
    (they can only be inside strings, template literals or regular expressions,
    where that escape means the same character).
    """
    html = minify_html.minify(html, minify_js=True, minify_css=True)
    return SCRIPT_ELEMENT.sub(lambda m: m[1] + SCRIPT_LOOKALIKE.sub("\\\\x3C", m[2]) + m[3], html)


def build(
    layers_dir: str | Path = "layers",
    maps_dir: str | Path = "maps",
    out: str | Path = "dist",
    base_url: str | None = None,
) -> Path:
    """Validate every layer and recipe, then write maps, exports and embeds into `out`.

    `base_url`: where `out` will be served; the embeds then link there with absolute URLs."""
    base = checked_base_url(base_url) if base_url is not None else None  # a bad URL stops before any work
    # The build makes millions of small dicts and frees them all at the end: the
    # cycle collector would scan them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(layers_dir, maps_dir, out, base)
    finally:
        # Nothing of this build outlives it: the caches hold its layers, which the collector would
        # otherwise go on scanning in a long-running process.
        forget_shapes()
        forget_selections()
        if collecting:
            gc.enable()


def _build(layers_dir: str | Path, maps_dir: str | Path, out: str | Path, base_url: str | None) -> Path:
    enriched = load_enriched(layers_dir)
    recipes = load_recipes(maps_dir)
    check_all(enriched, recipes, layers_dir)  # what `geo check` finds stops the build before it starts
    with atomic_directory(Path(out)) as staging:
        # On a big build a forked worker shares the jobs; a small one is quicker without a fork.
        size = sum(len(c["features"]) for c in enriched.values())
        SharedJobs(build_jobs(recipes, enriched, staging, base_url), in_worker=size > BACKGROUND_ABOVE).wait()
        previous_png = Path(out) / "png"
        if previous_png.is_dir() and replaceable(Path(out), BUILD_MARKER):  # PNGs come from `geo png`: keep them
            shutil.copytree(previous_png, staging / "png", symlinks=True)
    return Path(out)


def render_pngs(
    dist: str | Path = "dist", maps_dir: str | Path = "maps", tiles: bool = False, at: str | None = None
) -> list[Path]:
    """dist/png/<map>.png (1200 px wide) and <map>@2x.png from the offline maps, with credits beside them.

    No interactive controls; a time-control map is drawn at `at` (ISO 8601 with offset) or at its end.
    """
    from geo.browser import screenshot

    dist = Path(dist)
    refuse_links(dist)
    if not (dist / BUILD_MARKER).is_file():
        raise GeoError(f"{dist}: not a build output (no {BUILD_MARKER}); run `geo build --out {dist}` first")
    recipes = load_recipes(maps_dir)
    at_ms = None
    if at is not None:
        try:
            at_ms = timefmt.epoch_ms(timefmt.parse(at))
        except ValueError as exc:
            raise GeoError(
                f"--at {at!r}: not an ISO 8601 time with offset, such as 2025-03-11T13:00+05:00 ({exc})"
            ) from None
    written = []
    with atomic_directory(dist / "png", marker=None) as staging:
        for recipe in recipes:
            page = dist / "offline" / f"{recipe.slug}.html"
            if not page.is_file():
                raise GeoError(f"{page}: not built; run `geo build` first")
            for suffix, scale in (("", 1), ("@2x", 2)):
                png = staging / f"{recipe.slug}{suffix}.png"
                screenshot(page, png, *PNG_SIZE, scale=scale, allow_network=tiles, print_mode=True, at_ms=at_ms)
                written.append(dist / "png" / png.name)
            (staging / f"{recipe.slug}.txt").write_text(credits(recipe, with_tiles=tiles) + "\n", encoding="utf-8")
    return written
