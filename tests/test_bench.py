"""`make bench` runs end to end on a tiny size (the real measurements are not tests)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def test_bench_runs_on_a_tiny_size(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "200", "--repeat", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    pages = results["compare"]["pages"]
    assert set(pages) == {"corridor", "attack-site", "timeline"}
    for page in pages.values():
        assert page["bytes"] > 0 and page["explore_bytes"] > 0 and page["render_ms"] > 0
        assert page["errors"] == [] and page["features_checked"] > 0
        assert page["point_error_m"] <= results["targets"]["point_error_m"]
    assert results["compare"]["build_s"] > 0 and results["compare"]["explore_s"] > 0
    (row,) = results["scale"]
    assert row["events"] == row["built_events"] == 200, "the build must map the synthetic events"
    assert row["load_errors"] == [] and row["end_drawn"] > 0
    (build_s, geopandas_s), *_ = row["pairs"]
    assert geopandas_s > 0 and row["build_vs_geopandas"] == build_s / geopandas_s == row["build_s"] / row["geopandas_s"]
    assert "| map | page bytes |" in result.stdout
    phone = results["phone"]
    assert set(phone) == set(pages) and all(
        0 < p["load_ms"] <= p["settled_ms"] and p["errors"] == [] for p in phone.values()
    )


def test_the_readme_shows_the_recorded_results():
    """The README's benchmark tables are bench/results.json as `make bench` wrote it."""
    sys.path.insert(0, str(ROOT))
    from bench.run import README, RESULTS, readme_with

    readme = README.read_text(encoding="utf-8")
    assert readme_with(readme, json.loads(RESULTS.read_text(encoding="utf-8"))) == readme, (
        "README.md's benchmark tables differ from bench/results.json: run `make bench` and commit both"
    )
