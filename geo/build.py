"""`geo build`: validate the layers, then write everything into `dist/` atomically.

The build is assembled in a temporary directory beside `dist/` and swapped in
only when complete, so a failed or interrupted build leaves the previous
`dist/` as it was.
"""

from __future__ import annotations

import functools
import gc
import glob
import shutil
from pathlib import Path
from typing import Callable

from geo import describe, timefmt
from geo.check import check_all
from geo.compose import compose, shown_first
from geo.embed import checked_base_url, embed_snippet
from geo.enrich import load_enriched
from geo.errors import GeoError
from geo.export import export_jobs
from geo.jobs import run_jobs
from geo.layers import Layers
from geo.offline import render_pages
from geo.output import BUILD_MARKER, atomic_directory, checked_output, refuse_links, replaceable
from geo.recipe import Recipe, load_recipes, tile_provider
from geo.selection import incidents_of
from geo.shapes import forget_shapes
from geo.text import isolate

PNG_SIZE = (1200, 800)
BACKGROUND_ABOVE = 5000  # features; below this a fork costs more than it saves


def write_files(staging: Path, files: dict[str, str]) -> list[Path]:
    """Write {relative path: text} into staging; the paths written."""
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    return [staging / name for name in files]


def map_files(recipe: Recipe, layers: Layers) -> dict[str, str]:
    """{relative path: text} of one map's web and offline pages, as rendered: nothing rewrites a page after
    its text is escaped (a minifier decoded what was escaped and re-encoded the page's own script tags)."""
    web, offline = render_pages(compose(recipe, layers))
    return {f"{recipe.slug}.html": web, f"offline/{recipe.slug}.html": offline}


def write_map(recipe: Recipe, layers: Layers, staging: Path) -> list[Path]:
    return write_files(staging, map_files(recipe, layers))


def write_articles(recipes: list[Recipe], layers: Layers, staging: Path, base_url: str | None) -> list[Path]:
    return write_files(staging, article_files(recipes, layers, base_url))


# Seconds each job takes at 100,000 events on one core (measured 6 December 2026, fifth round; the
# GeoPackage alone, without the KML's tables): the two processes take the longest first, so neither is
# left with a long one at the end.  An export format or map missing here counts as the longest.
JOB_SECONDS = {"kml": 7, "timeline map": 5, "csv": 4, "gpkg": 2, "articles": 0.8, "map": 0.7, "geojson": 0.3}


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
    parts = [isolate(recipe.attribution) if recipe.attribution else "Data: see sources in each popup"]
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
    nears = incidents_of(recipes, layers)
    for recipe in recipes:
        slug = recipe.slug
        words = describe.article(recipe, layers, nears[recipe.incident])
        files[f"embed/{slug}.html"] = embed_snippet(
            recipe, words.title, words.alt_text, words.description, credits(recipe), base_url
        )
        files[f"embed/{slug}.txt"] = words.description + "\n"
    return files


def build(
    layers_dir: str | Path = "layers",
    maps_dir: str | Path = "maps",
    out: str | Path = "dist",
    base_url: str | None = None,
    only: list[str] | None = None,
) -> Path:
    """Validate every layer and recipe, then write maps, exports and embeds into `out`.

    `base_url`: where `out` will be served; the embeds then link there with absolute URLs.
    `only`: build these maps (recipe names) and the exports; the other maps' files are kept from the
    previous build in `out`, where there is one."""
    base = checked_base_url(base_url) if base_url is not None else None  # a bad URL stops before any work
    # The build makes millions of small dicts and frees them all at the end: the
    # cycle collector would scan them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build(layers_dir, maps_dir, out, base, only)
    finally:
        # Nothing of this build outlives it: the caches hold its layers, which the collector would
        # otherwise go on scanning in a long-running process.
        forget_shapes()
        if collecting:
            gc.enable()


def _build(
    layers_dir: str | Path, maps_dir: str | Path, out: str | Path, base_url: str | None, only: list[str] | None
) -> Path:
    out = Path(out)
    checked_output(out)  # a wrong --out is refused before any work
    enriched = load_enriched(layers_dir)
    recipes = load_recipes(maps_dir)
    chosen = chosen_maps(recipes, only)
    previous = out if out.is_dir() and replaceable(out, BUILD_MARKER) else None
    with atomic_directory(out) as staging:
        if previous is not None:
            keep_from_previous(previous, staging, [r.slug for r in recipes if r not in chosen])
        # On a big build forked workers share the jobs, and this process checks the layers and recipes
        # together (`geo check`) meanwhile; a small one is checked first, and quicker without a fork.
        # Either way what the check finds is the build's error, and nothing it made is kept.
        size = sum(len(c["features"]) for c in enriched.values())
        checking = functools.partial(check_all, enriched, chosen, layers_dir)
        run_jobs(build_jobs(chosen, enriched, staging, base_url), parallel=size > BACKGROUND_ABOVE, meanwhile=checking)
    return out


def chosen_maps(recipes: list[Recipe], only: list[str] | None) -> list[Recipe]:
    """The recipes `--map` names (all without it); a name with no recipe is bad input."""
    if not only:
        return recipes
    by_name = {recipe.slug: recipe for recipe in recipes}
    unknown = [name for name in only if name not in by_name]
    if unknown:
        raise GeoError(f"--map {unknown[0]!r}: no such map; the maps are {', '.join(by_name)}")
    return [by_name[name] for name in dict.fromkeys(only)]


def keep_from_previous(previous: Path, staging: Path, others: list[str]) -> None:
    """What this build does not make again: the PNGs (`geo png` makes them), and the pages and embeds of
    the maps it was not asked to build."""
    kept = [previous / "png", *(previous / f"{name}.html" for name in others)]
    kept += [previous / "offline" / f"{name}.html" for name in others]
    kept += [path for name in others for path in (previous / "embed").glob(f"{glob.escape(name)}.*")]
    for path in kept:
        if path.is_dir():
            shutil.copytree(path, staging / path.relative_to(previous), symlinks=True)
        elif path.is_file():
            (staging / path.relative_to(previous)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, staging / path.relative_to(previous))


def render_pngs(
    dist: str | Path = "dist",
    maps_dir: str | Path = "maps",
    tiles: bool = False,
    at: str | None = None,
    only: list[str] | None = None,
) -> list[Path]:
    """dist/png/<map>.png (1200 px wide) and <map>@2x.png from the offline maps, with credits beside them.

    No interactive controls; a time-control map is drawn at `at` (ISO 8601 with offset) or at its end.
    """
    from geo.browser import PageError, Shot, screenshots

    dist = Path(dist)
    if not (dist / BUILD_MARKER).is_file():
        raise GeoError(f"{dist}: not a build output (no {BUILD_MARKER}); run `geo build --out {dist}` first")
    refuse_links(dist)
    all_recipes = load_recipes(maps_dir)
    recipes = chosen_maps(all_recipes, only)
    at_ms = None
    if at is not None:
        try:
            at_ms = timefmt.epoch_ms(timefmt.parse(at))
        except ValueError as exc:
            raise GeoError(
                f"--at {at!r}: not an ISO 8601 time with offset, such as 2025-03-11T13:00+05:00 ({exc})"
            ) from None
    with atomic_directory(dist / "png", marker=None) as staging:
        others = {r.slug for r in all_recipes} - {r.slug for r in recipes}
        for name in sorted(others):  # the pictures not asked for this time stay as they were
            for path in (dist / "png").glob(f"{glob.escape(name)}[.@]*"):
                shutil.copy2(path, staging / path.name)
        shots = []
        for recipe in recipes:
            page = dist / "offline" / f"{recipe.slug}.html"
            if not page.is_file():
                raise GeoError(f"{page}: not built; run `geo build` first")
            for suffix, scale in (("", 1), ("@2x", 2)):
                png = staging / f"{recipe.slug}{suffix}.png"
                shots.append(Shot(page, png, *PNG_SIZE, scale=scale, print_mode=True, at_ms=at_ms))
            (staging / f"{recipe.slug}.txt").write_text(credits(recipe, with_tiles=tiles) + "\n", encoding="utf-8")
        try:
            screenshots(shots, allow_network=tiles)
        except PageError as exc:
            recipe = next(r for r in recipes if r.slug == Path(exc.path).stem)
            raise PageError(f"{recipe.path}: {exc}; the page was built from this recipe", path=exc.path) from None
    return [dist / "png" / shot.png.name for shot in shots]
