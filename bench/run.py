"""`make bench`: page weight, build time and render time against geopandas'
explore(), and the build at 1,000 / 10,000 / 100,000 synthetic events.

Prints a table, writes bench/results.json and the README's benchmark tables
(`readme_with`; tests/test_bench.py checks the README shows the recorded results).
Both sides run in the same process and the same run, so ratios hold on a noisy machine.

Run: ``python bench/run.py [--sizes 1000,10000,100000] [--repeat 5] [--out bench/results.json]``
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402
from pyproj import Geod  # noqa: E402
from shapely.geometry import shape  # noqa: E402

from bench.calibrate import phone_rates  # noqa: E402
from bench.synthetic import synthetic_project  # noqa: E402
from geo import docs  # noqa: E402
from geo.browser import browser  # noqa: E402
from geo.build import build  # noqa: E402
from geo.enrich import load_enriched  # noqa: E402
from geo.recipe import load_recipes  # noqa: E402
from tests.expected import expected_counts  # noqa: E402

GEOD = Geod(ellps="WGS84")
TARGETS = {
    "phone_load_ms": 1000.0,
    "page_weight_ratio": 0.3,
    "build_time_ratio": 1.5,
    "render_ms": 300,
    "area_error": 0.001,
    "point_error_m": 10.0,
    "build_100k_s": 15.0,
    "build_vs_geopandas_100k": 3.0,
    "load_100k_ms": 3000.0,
}


def median_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_time(statement: str, repeat: int = 3) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout)
        for _ in range(repeat)
    ]
    return statistics.median(runs)


# --- the alternative: geopandas explore() of the same layers --------------------------


def explore_pages(layers_dir: Path, maps_dir: Path, out: Path) -> dict[str, Path]:
    """What a user would otherwise write: each map's layers read and explored, saved to HTML."""
    import folium
    import geopandas as gpd

    out.mkdir(parents=True, exist_ok=True)
    pages = {}
    frames: dict[str, object] = {}
    for recipe in load_recipes(maps_dir):
        m = None
        for spec in recipe.layer:
            if spec.source not in frames:
                frames[spec.source] = gpd.read_file(out.parent / "explore-input" / f"{spec.source}.geojson")
            frame = frames[spec.source]
            mask = [True] * len(frame)
            for key, allowed in spec.where.items():
                mask = [a and v in allowed for a, v in zip(mask, frame[key])]
            for key, (lo, hi) in spec.range.items():
                mask = [a and v is not None and lo <= v <= hi for a, v in zip(mask, frame[key])]
            chosen = frame[mask]
            if len(chosen):
                m = chosen.explore(m=m, name=spec.name) if m is not None else chosen.explore(name=spec.name)
        folium.LayerControl().add_to(m)
        pages[recipe.slug] = out / f"{recipe.slug}.html"
        m.save(pages[recipe.slug])
    return pages


def explore_input(enriched: dict, folder: Path) -> None:
    """The layers as a user would have them: the enriched GeoJSON (chainage included, for the filters)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, collection in enriched.items():
        features = [
            {
                **f,
                "properties": {
                    k: (json.dumps(v) if isinstance(v, (list, dict)) else v) for k, v in f["properties"].items()
                },
            }
            for f in collection["features"]
        ]
        (folder / f"{kind}.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))


# --- what our pages carry --------------------------------------------------------------

DRAWN = """() => {
  const out = [];
  for (const [key, layers] of Object.entries(GeoMap.registry.byKey)) {
    for (const layer of layers) {
      if (key.endsWith("-accuracy")) continue;
      const feature = layer.toGeoJSON(7);
      out.push({key: key, id: layer.feature.properties.id, geometry: feature.geometry});
    }
  }
  return out;
}"""


def display_accuracy(drawn: list[dict], enriched: dict) -> dict:
    """Largest boundary-area error and point-position error of what the page draws (read from Leaflet)."""
    source_area = abs(GEOD.geometry_area_perimeter(shape(enriched["boundary"]["features"][0]["geometry"]))[0])
    points = [
        tuple(f["geometry"]["coordinates"][:2])
        for kind in enriched
        for f in enriched[kind]["features"]
        if f["geometry"]["type"] == "Point"
    ]
    area_error, point_error = 0.0, 0.0
    for feature in drawn:
        geometry = feature["geometry"]
        if feature["id"] == "balochistan" and geometry["type"] != "Point":
            area = abs(GEOD.geometry_area_perimeter(shape(geometry))[0])
            area_error = max(area_error, abs(area - source_area) / source_area)
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"][:2]
            nearest = min(points, key=lambda p: (p[0] - lon) ** 2 + (p[1] - lat) ** 2)
            point_error = max(point_error, GEOD.inv(lon, lat, *nearest)[2])
    return {"area_error": area_error, "point_error_m": point_error}


# --- render time in headless Chromium ------------------------------------------------------

# __drawnAt: every feature of the story's layers is on the page.  __settledAt: so is everything
# drawn after the first frame (base map, tiles, inset, labels: GeoMap.registry.settled); never
# before __drawnAt, though the page's load event can run that work before the first frame.
WATCH = """(expected) => {
  window.__drawnAt = null;
  window.__settledAt = null;
  (function settled() {
    if (window.__drawnAt !== null && GeoMap.registry.settled) window.__settledAt = performance.now();
    else setTimeout(settled, 5);
  })();
  function total() {
    if (!window.GeoMap) return -1;
    return Object.keys(expected).reduce((sum, key) => sum + Math.min(GeoMap.drawn(key), expected[key]), 0);
  }
  const want = Object.values(expected).reduce((a, b) => a + b, 0);
  (function poll() {
    if (total() >= want) { window.__drawnAt = performance.now(); return; }
    requestAnimationFrame(poll);
  })();
}"""


PHONE_CPU_SLOWDOWN = 4  # the fixed rate the phone target was set at: here about a low-tier phone (bench/calibrate.py)


# The pages' waits have no time limits of their own: a page slowed 4x on a busy machine can take
# longer to load than Playwright's 30 s default, and a limit per step would make the run's outcome
# the machine's speed.  The run's hang guard (`main`) bounds the whole instead.  Navigation returns
# once the page is committed; each wait is for the state the page sets when its work is done.
NAVIGATE = {"wait_until": "commit", "timeout": 0}
UNTIMED = {"timeout": 0}


def slowed_page(instance, viewport: tuple[int, int], cpu_slowdown: float):
    """An offline page whose CPU is slowed by `cpu_slowdown` (CDP `Emulation.setCPUThrottlingRate`; 1: not)."""
    from geo.browser import offline_page

    page = offline_page(instance, *viewport)
    if cpu_slowdown > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
    return page


def render_times(
    instance,
    dist: Path,
    recipes: list[dict],
    repeat: int,
    cpu_slowdowns: tuple[float, ...] = (1,),
    viewport: tuple[int, int] = (1200, 800),
) -> list[dict[str, dict]]:
    """Per CPU slowdown, per map: median ms from navigation start until every vector layer has drawn."""
    expected = {r.slug: expected_counts(Path(r.path), dist / "geojson", at="start") for r in recipes}
    samples = {(i, r.slug): [] for i in range(len(cpu_slowdowns)) for r in recipes}
    errors = {key: [] for key in samples}
    drawn = {}
    # The slowdowns and maps in turn, not one's runs together: a busy spell of the machine falls on all.
    for _ in range(repeat):
        for i, rate in enumerate(cpu_slowdowns):
            for recipe in recipes:
                page = slowed_page(instance, viewport, rate)
                page.add_init_script(f"({WATCH})({json.dumps(expected[recipe.slug])})")
                page.goto((dist / "offline" / f"{recipe.slug}.html").as_uri(), **NAVIGATE)
                page.wait_for_function("() => window.__drawnAt !== null && window.__settledAt !== null", **UNTIMED)
                samples[i, recipe.slug].append(page.evaluate("() => [window.__drawnAt, window.__settledAt]"))
                errors[i, recipe.slug] += page.errors
                drawn[recipe.slug] = page.evaluate(DRAWN)
                page.context.close()
    return [
        {
            r.slug: {
                "render_ms": statistics.median(s[0] for s in samples[i, r.slug]),
                "settled_ms": statistics.median(s[1] for s in samples[i, r.slug]),
                "errors": errors[i, r.slug],
                "drawn": drawn[r.slug],
            }
            for r in recipes
        }
        for i in range(len(cpu_slowdowns))
    ]


BLANK_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>A blank page</title>
<script>requestAnimationFrame(() => { window.__drawnAt = performance.now(); });</script>"""


def blank_page_ms(instance, work: Path, runs: int, cpu_slowdown: float, viewport: tuple[int, int]) -> float:
    """Median ms from navigation start to a blank page's first frame: the browser's share of a load."""
    blank = work / "blank.html"
    blank.write_text(BLANK_PAGE, encoding="utf-8")
    times = []
    for _ in range(runs):
        page = slowed_page(instance, viewport, cpu_slowdown)
        page.goto(blank.as_uri(), **NAVIGATE)
        page.wait_for_function("() => window.__drawnAt !== undefined", **UNTIMED)
        times.append(page.evaluate("() => window.__drawnAt"))
        page.context.close()
    return statistics.median(times)


def scrub_times(instance, page_path: Path) -> dict:
    """Moving the time control on a big timeline: how long the map takes to redraw."""
    from geo.browser import offline_page

    page = offline_page(instance, 1200, 800)
    page.goto(page_path.as_uri(), **NAVIGATE)
    page.wait_for_function("() => window.GeoMap && GeoMap.registry.loaded", **UNTIMED)
    timings = page.evaluate("""() => {
        const slider = GeoMap.registry.slider, out = {};
        for (const [name, fraction] of [["middle", 0.5], ["end", 1.0]]) {
            const t0 = performance.now();
            slider.setTime(slider.start + (slider.end - slider.start) * fraction);
            out[name + "_ms"] = performance.now() - t0;
            out[name + "_drawn"] = GeoMap.registry.timeline.getLayers().length;
        }
        return out;
    }""")
    timings["errors"] = page.errors
    page.context.close()
    return timings


# --- the runs ---------------------------------------------------------------------------------


PHONE_RUNS_PER_REPEAT = 2  # a throttled load varies most from run to run on a shared machine: a longer median


def phone_load(instance, dist: Path, repeat: int, smoke: bool = False) -> dict:
    """Each map's load on a phone, a 390 x 844 page: with the CPU slowed to a mid-tier phone's
    (calibrated on this machine), and slowed a fixed 4x.  `dist`: a build of the shipped layers."""
    recipes = load_recipes(ROOT / "maps")
    cpu = phone_rates(instance, PHONE_CPU_SLOWDOWN, rounds=min(3, repeat), smoke=smoke)
    runs = (1 if smoke else PHONE_RUNS_PER_REPEAT) * repeat
    rates = {"mid_tier": cpu["mid_tier_rate"], "fixed": PHONE_CPU_SLOWDOWN}
    timings = render_times(instance, dist, recipes, runs, cpu_slowdowns=tuple(rates.values()), viewport=(390, 844))
    results = {"cpu": cpu}
    for (key, rate), per_map in zip(rates.items(), timings):
        results[key] = {
            slug: {"load_ms": t["render_ms"], "settled_ms": t["settled_ms"], "errors": t["errors"]}
            for slug, t in per_map.items()
        }
        results[key + "_blank_ms"] = blank_page_ms(instance, dist.parent, runs, rate, (390, 844))
    return results


def compare(instance, work: Path, repeat: int, render_repeat: int, smoke: bool = False) -> dict:
    """Our build and pages against explore()'s; `work / "dist"` is the build timed last."""
    layers_dir, maps_dir = ROOT / "layers", ROOT / "maps"
    enriched = load_enriched(layers_dir)
    recipes = load_recipes(maps_dir)
    explore_input(enriched, work / "explore-input")
    dist = work / "dist"
    if not smoke:  # warm up both sides
        build(layers_dir, maps_dir, dist)
        explore_pages(layers_dir, maps_dir, work / "explore")
    ours_s = median_time(lambda: build(layers_dir, maps_dir, dist), repeat)
    explore_s = median_time(lambda: explore_pages(layers_dir, maps_dir, work / "explore"), repeat)
    (renders,) = render_times(instance, dist, recipes, render_repeat)
    pages = {}
    for recipe in recipes:
        slug = recipe.slug
        html = (dist / f"{slug}.html").read_text(encoding="utf-8")
        ours, theirs = len(html.encode()), (work / "explore" / f"{slug}.html").stat().st_size
        drawn = renders[slug].pop("drawn")
        pages[slug] = {
            "bytes": ours,
            "explore_bytes": theirs,
            "ratio": ours / theirs,
            "offline_bytes": (dist / "offline" / f"{slug}.html").stat().st_size,
            "features_checked": len(drawn),
            **display_accuracy(drawn, enriched),
            **renders[slug],
        }
    return {
        "build_s": ours_s,
        "explore_s": explore_s,
        "build_ratio": ours_s / explore_s,
        "import_s": import_time("import geo.build, geo.compose, geo.export", min(3, repeat)),
        "explore_import_s": import_time("import geopandas, folium, matplotlib, mapclassify", min(3, repeat)),
        "pages": pages,
    }


def geopandas_baseline(layers_dir: Path, gpkg: Path) -> float:
    """Seconds geopandas takes to read the events and write them to a GeoPackage: the floor a full
    `geo build` (every map twice, four export formats, embeds) is measured against."""
    gpkg.unlink(missing_ok=True)
    start = time.perf_counter()
    for events in sorted((layers_dir / "events").glob("*.geojson")):
        gpd.read_file(events).to_file(gpkg, layer=events.stem, driver="GPKG")
    return time.perf_counter() - start


SCALE_PAIRS = 3  # build and baseline run in turn this many times: this machine's speed drifts by a third


def scale(instance, work: Path, sizes: list[int], pairs_wanted: int = SCALE_PAIRS) -> list[dict]:
    """The build at each synthetic size against geopandas; loaded and scrubbed in `instance` unless None."""
    rows = []
    for count in sizes:
        folder = work / f"scale-{count}"
        layers_dir, maps_dir = synthetic_project(count, ROOT / "layers", ROOT / "maps", folder)
        pairs = []
        for _ in range(max(1, pairs_wanted)):
            shutil.rmtree(folder / "dist", ignore_errors=True)  # each build writes a new dist: none times a removal
            start = time.perf_counter()
            build(layers_dir, maps_dir, folder / "dist")
            pairs.append((time.perf_counter() - start, geopandas_baseline(layers_dir, folder / "baseline.gpkg")))
        page = folder / "dist" / "timeline.html"
        row = {
            "events": count,
            "built_events": built_events(folder / "dist", maps_dir),
            "build_s": statistics.median(b for b, _ in pairs),
            "geopandas_s": statistics.median(g for _, g in pairs),
            "build_vs_geopandas": statistics.median(b / g for b, g in pairs),  # each build against its neighbour
            "pairs": pairs,
            "timeline_bytes": page.stat().st_size,
            "offline_bytes": (folder / "dist" / "offline" / "timeline.html").stat().st_size,
        }
        if instance is not None:
            recipe = next(r for r in load_recipes(maps_dir) if r.slug == "timeline")
            timing = render_times(instance, folder / "dist", [recipe], 1)[0]["timeline"]
            row.update(load_ms=timing["render_ms"], load_errors=timing["errors"])
            row.update(scrub_times(instance, folder / "dist" / "offline" / "timeline.html"))
        rows.append(row)
    return rows


def built_events(dist: Path, maps_dir: Path) -> int:
    """How many of the synthetic incident's events the build exported (the other incidents' are there too)."""
    incident = next(r for r in load_recipes(maps_dir) if r.slug == "timeline").incident
    events = gpd.read_file(dist / "geojson" / "events.geojson", columns=["id", "incident"])
    return int((events["incident"] == incident).sum())


def phone_table(phone: dict) -> list[str]:
    cpu, mid, fixed = phone["cpu"], phone["mid_tier"], phone["fixed"]
    if cpu["slower_than_mid_tier"]:
        calibrated = "It is slower than the mid-tier phone, so that column is the machine unslowed"
    else:
        rounds = " / ".join(f"{rate:.2f}" for rate in cpu["round_rates"])
        calibrated = f"It scores as the mid-tier phone slowed {cpu['mid_tier_rate']:.2f}x ({rounds} in the rounds)"
        if cpu["mid_tier_rate"] == cpu["highest_rate"]:
            calibrated += ", the highest slowdown scored: the phone may be slower still"
    lines = [
        f"This machine scored {cpu['machine_score']:,.0f} on Lighthouse's CPU benchmark (a mid-tier phone, "
        f"a Pixel 5: {cpu['mid_tier_score']:,}; a low-tier one, a Moto G4 Power 2022: {cpu['low_tier_score']}). "
        f"{calibrated}; slowed {cpu['fixed_rate']:g}x it scored {cpu['score_at_fixed_rate']:,.0f}.",
        "",
        "| map (390 × 844) | mid-tier phone: story's layers drawn, ms (target < 1,000) | all in, ms | "
        f"CPU slowed {cpu['fixed_rate']:g}x: story's layers drawn, ms | all in, ms |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = [
        f"| {slug} | {m['load_ms']:.0f} | {m['settled_ms']:.0f} | {fixed[slug]['load_ms']:.0f} | "
        f"{fixed[slug]['settled_ms']:.0f} |"
        for slug, m in mid.items()
    ]
    blank = (
        f"| a blank page's first frame (the browser's own share) | {phone['mid_tier_blank_ms']:.0f} | | "
        f"{phone['fixed_blank_ms']:.0f} | |"
    )
    return lines + rows + [blank]


def table(results: dict) -> str:
    if "compare" not in results:
        return "\n".join(phone_table(results["phone"]))
    c = results["compare"]
    lines = [
        "| map | page bytes | explore() bytes | ratio (target ≤ 0.3) | render ms (aim < 300) | "
        "boundary area error | max point error |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for slug, p in c["pages"].items():
        lines.append(
            f"| {slug} | {p['bytes']:,} | {p['explore_bytes']:,} | {p['ratio']:.2f} | {p['render_ms']:.0f} | "
            f"{p['area_error'] * 100:.3f}% | {p['point_error_m']:.1f} m |"
        )
    lines += [
        "",
        "| build | seconds |",
        "|---|---:|",
        f"| `geo build` (maps, offline maps, exports, embeds) | {c['build_s']:.2f} |",
        f"| explore() script, a page per map | {c['explore_s']:.2f} |",
        f"| ratio (target ≤ 1.5) | {c['build_ratio']:.2f} |",
        f"| import `geo` (not in the build time) | {c['import_s']:.2f} |",
        f"| import geopandas, folium, matplotlib, mapclassify | {c['explore_import_s']:.2f} |",
    ]
    lines += [""] + phone_table(results["phone"])
    if results["scale"]:
        pairs = len(results["scale"][0]["pairs"])
        lines += [
            "",
            f"Build and baseline run in turn {pairs} times: medians, and the median of each build's ratio "
            "to its baseline.",
            "",
            "| events | build s | geopandas read + GPKG s | ratio (target ≤ 3 at 100k) | timeline page bytes | "
            "offline bytes | load ms | scrub to middle ms | scrub to end ms | drawn at end |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results["scale"]:
            lines.append(
                f"| {r['events']:,} | {r['build_s']:.1f} | {r['geopandas_s']:.1f} | {r['build_vs_geopandas']:.1f} | "
                f"{r['timeline_bytes']:,} | {r['offline_bytes']:,} | "
                f"{r.get('load_ms', float('nan')):.0f} | {r.get('middle_ms', float('nan')):.0f} | "
                f"{r.get('end_ms', float('nan')):.0f} | {r.get('end_drawn', '-')} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="synthetic event counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measurement (median kept)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--no-render", action="store_true", help="skip the browser for the scale runs")
    parser.add_argument(
        "--phone-only",
        action="store_true",
        help="only each map's load on a phone, its CPU calibrated to a mid-tier phone's and slowed 4x "
        "(a few minutes; the whole bench takes several more); writes {targets, phone}",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="every step once, each page loaded once: that the bench runs (tests/test_bench.py), not numbers",
    )
    args = parser.parse_args(argv)
    # A run that hangs says where: every thread's stack on stderr, and an exit.
    faulthandler.dump_traceback_later(SMOKE_HANG_SECONDS if args.smoke else HANG_SECONDS, exit=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp, browser() as instance:  # one Chromium for all
        work = Path(tmp)
        results = {"targets": TARGETS}
        if not args.phone_only:
            results["compare"] = compare(instance, work, args.repeat, max(1, args.repeat), smoke=args.smoke)
            rendering = None if args.no_render else instance
            results["scale"] = scale(rendering, work, sizes, pairs_wanted=min(args.repeat, SCALE_PAIRS))
        else:
            build(ROOT / "layers", ROOT / "maps", work / "dist")
        results["phone"] = phone_load(instance, work / "dist", max(1, args.repeat), smoke=args.smoke)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(table(results))
    if Path(args.out).resolve() == RESULTS and not args.phone_only:  # the recorded run: the README shows it
        README.write_text(readme_with(README.read_text(encoding="utf-8"), results), encoding="utf-8")


RESULTS = ROOT / "bench" / "results.json"
SMOKE_HANG_SECONDS = 480  # a smoke run takes a minute alone, a few beside the other tests (test_bench: 600)
HANG_SECONDS = 3 * 3600  # a whole run: about 5 minutes on this machine
README = ROOT / "README.md"


def readme_with(readme: str, results: dict) -> str:
    """The README with its benchmark tables (`<!-- generated: benchmarks -->`) written from `results`."""
    return docs.render(readme, {"benchmarks": table(results)}, "README.md")


if __name__ == "__main__":
    main()
