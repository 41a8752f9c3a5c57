"""A phone's CPU on this machine: the throttling rate at which Chromium scores as a given device.

A fixed slowdown is relative to the machine it runs on: 4x on a fast desktop is a mid-range
phone, 4x on this shared 2-core machine is about a low-end one.  Chrome DevTools calibrates
instead (its "Mid-tier mobile" and "Low-tier mobile" presets, 2024): it runs Lighthouse's CPU
benchmark (BenchmarkIndex) and bisects the throttling rate until the page scores as the device.
The scores DevTools takes for its devices are below; the benchmark's workload is the same, so
the scores compare.
"""

from __future__ import annotations

import math
import statistics

MID_TIER_SCORE = 1000  # a Pixel 5 (Chrome DevTools, CalibrationController, 2024)
LOW_TIER_SCORE = 264  # a Moto G4 Power 2022 (the same)
BENCHMARK_MS = 500
# DevTools bisects the rate; on a machine whose speed drifts by a third from minute to minute a
# bisection follows the drift.  The bench scores a spread of rates in rounds instead (so a busy
# spell falls on all of them) and fits score = k / rate^a to every run.
RATES = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0)

# Lighthouse's BenchmarkIndex: the mean of two rates, each in runs per second divided by ten:
# building a 10,000-character string one character at a time (the garbage collector's share),
# and copying 100,000 integers from one array to another and back (none of it).
BENCHMARK_INDEX = """(ms) => {
  const half = ms / 2;
  function perSecond(step) {
    const start = Date.now();
    let runs = 0;
    while (runs % 10 !== 0 || Date.now() - start < half) { step(runs); runs += 1; }
    return Math.round(runs / 10 / ((Date.now() - start) / 1000));
  }
  let built = 0;
  const buildString = () => {
    let text = "";
    for (let i = 0; i < 10000; i++) text += "a";
    built += text.length;  // kept, so the loop is not optimised away
  };
  const a = [], b = [];
  for (let i = 0; i < 100000; i++) { a[i] = i; b[i] = i; }
  const copyArray = (run) => {
    const from = run % 2 ? b : a, to = run % 2 ? a : b;
    for (let i = 0; i < from.length; i++) to[i] = from[i];
  };
  const score = (perSecond(buildString) + perSecond(copyArray)) / 2;
  return built > 0 ? score : NaN;
}"""


class Calibration:
    """A blank page whose CPU rate can be set, scored by the benchmark."""

    def __init__(self, instance):
        self.page = instance.new_page()
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.page.evaluate(BENCHMARK_INDEX, BENCHMARK_MS)  # warm up: let V8 optimise the loops first

    def score(self, rate: float) -> float:
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        return self.page.evaluate(BENCHMARK_INDEX, BENCHMARK_MS)

    def close(self) -> None:
        self.page.close()


def fit(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """(k, a) of score = k / rate^a, least squares in logs over (rate, score) runs."""
    xs = [math.log(rate) for rate, _ in runs]
    ys = [math.log(score) for _, score in runs]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    return math.exp(mean_y - slope * mean_x), -slope


def phone_rates(instance, fixed_rate: float, rounds: int = 3) -> dict:
    """This machine's score, the rate that makes it a mid-tier phone, and what `fixed_rate` makes it."""
    calibration = Calibration(instance)
    try:
        runs = [(rate, calibration.score(rate)) for _ in range(rounds) for rate in sorted({*RATES, fixed_rate})]
    finally:
        calibration.close()
    k, a = fit(runs)
    # Chromium applies a rate to 1%; a machine no faster than the phone is not slowed at all.
    mid_tier_rate = max(1.0, round((k / MID_TIER_SCORE) ** (1 / a), 2))
    return {
        "machine_score": statistics.median(score for rate, score in runs if rate == 1),
        "mid_tier_score": MID_TIER_SCORE,
        "low_tier_score": LOW_TIER_SCORE,
        "mid_tier_rate": mid_tier_rate,
        "fixed_rate": fixed_rate,
        "score_at_fixed_rate": statistics.median(score for rate, score in runs if rate == fixed_rate),
        "runs": runs,
    }
