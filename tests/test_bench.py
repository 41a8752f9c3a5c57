"""`make bench` runs end to end on a tiny size (the real measurements are not tests)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import MAP_NAMES, ROOT


@pytest.mark.slow
def test_bench_runs_on_a_tiny_size(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--smoke",
            "--sizes",
            "200",
            "--repeat",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-8000:]  # a hang: the stacks `--smoke` dumps
    results = json.loads(out.read_text(encoding="utf-8"))
    pages = results["compare"]["pages"]
    assert set(pages) == set(MAP_NAMES)
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
    for device in ("mid_tier", "fixed"):
        assert set(phone[device]) == set(pages) and all(
            0 < p["load_ms"] <= p["settled_ms"] and p["errors"] == [] for p in phone[device].values()
        )
    assert 0 < phone["mid_tier_blank_ms"] and 0 < phone["fixed_blank_ms"]
    cpu = phone["cpu"]
    # Both scores measured; not which is higher: on a busy machine the unslowed runs can meet a busy spell
    # that the slowed ones miss (a fresh clone's run scored 615 unslowed and 646 slowed 4x).
    assert cpu["score_at_fixed_rate"] > 0 and cpu["machine_score"] > 0
    # Calibrated: the fit of each round's scores puts the mid-tier phone's score at its rate (or the
    # rate is at a bound: the machine is no faster than the phone, or the fit would go past the rates scored).
    from bench.calibrate import MID_TIER_SCORE, fit

    assert len(cpu["round_rates"]) == len(cpu["runs"]) >= 1
    for rate, round_runs in zip(cpu["round_rates"], cpu["runs"]):
        k, a = fit(round_runs)
        highest = max(scored for scored, _ in round_runs)
        assert highest == cpu["highest_rate"] and 1 <= rate <= highest
        assert rate in (1, highest) or k / rate**a == pytest.approx(MID_TIER_SCORE, rel=0.02)


def test_the_readme_shows_the_recorded_results():
    """The README's benchmark tables are bench/results.json as `make bench` wrote it."""
    sys.path.insert(0, str(ROOT))
    from bench.run import README, RESULTS, readme_with

    readme = README.read_text(encoding="utf-8")
    assert readme_with(readme, json.loads(RESULTS.read_text(encoding="utf-8"))) == readme, (
        "README.md's benchmark tables differ from bench/results.json: run `make bench` and commit both"
    )


@given(
    k=st.floats(min_value=50, max_value=5000),
    a=st.floats(min_value=0.5, max_value=1.5),
    noise=st.lists(st.floats(min_value=0.9, max_value=1.1), min_size=6, max_size=6),
)
def test_the_calibration_fits_the_scores_it_measured(k, a, noise):
    """score = k / rate^a: recovered exactly from exact scores, and within the noise from noisy ones."""
    from bench.calibrate import RATES, fit

    exact = [(rate, k / rate**a) for rate in RATES]
    fitted_k, fitted_a = fit(exact)
    assert math.isclose(fitted_k, k, rel_tol=1e-9) and math.isclose(fitted_a, a, rel_tol=1e-9)
    noisy_k, noisy_a = fit([(rate, score * n) for (rate, score), n in zip(exact, noise)])
    assert k / 1.2 < noisy_k < k * 1.2 and abs(noisy_a - a) < 0.2  # at worst 1.16 and 0.18 here


@given(scores=st.lists(st.floats(min_value=1, max_value=1e5), min_size=6, max_size=6))
def test_a_phones_rate_stays_within_the_rates_scored(scores):
    """Any round, however noisy (flat, rising, or all but one the same), gives a rate from 1 to the
    highest rate it scored: a nearly flat fit can otherwise put the phone in the thousands."""
    from bench.calibrate import MID_TIER_SCORE, RATES, rate_for

    assert 1 <= rate_for(MID_TIER_SCORE, list(zip(RATES, scores))) <= max(RATES)


@given(k=st.floats(min_value=50, max_value=5000), a=st.floats(min_value=0.5, max_value=1.5))
def test_a_phones_rate_is_where_the_fit_scores_it(k, a):
    """Exact scores k / rate^a: the rate where the fit meets the phone, in hundredths, wherever it is in range."""
    from bench.calibrate import MID_TIER_SCORE, RATES, rate_for

    rate = rate_for(MID_TIER_SCORE, [(r, k / r**a) for r in RATES])
    exact = (k / MID_TIER_SCORE) ** (1 / a)
    if exact <= 1:
        assert rate == 1
    elif exact >= max(RATES):
        assert rate == max(RATES)
    else:
        assert exact - 0.01 - 1e-9 <= rate <= exact + 1e-9
