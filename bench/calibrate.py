"""A phone's CPU on this machine: the throttling rate at which Chromium scores as a given device.

A fixed slowdown is relative to the machine it runs on: 4x on a fast desktop is a mid-range
phone, 4x on this shared 2-core machine is nearer a low-end one.  Chrome DevTools calibrates
instead (its "Mid-tier mobile" and "Low-tier mobile" presets, 2024): it runs Lighthouse's CPU
benchmark (BenchmarkIndex) and bisects the throttling rate until the page scores as the device.
The scores DevTools takes for its devices are below.  The benchmark here is the same workload
(scores are runs per second, so they compare), run for 500 ms where DevTools runs 250, to steady it.
"""

from __future__ import annotations

import math
import statistics

MID_TIER_SCORE = 1000  # a Pixel 5 (Chrome DevTools, CalibrationController, 2024)
LOW_TIER_SCORE = 264  # a Moto G4 Power 2022 (the same)
BENCHMARK_MS = 500
WARM_UP_RUNS = 3  # V8 optimises the loops over the first runs; a cold run scores low
# DevTools bisects the rate; on a machine whose speed drifts by a third from minute to minute a
# bisection follows the drift.  The bench scores a spread of rates in rounds instead and fits
# score = k / rate^a to each round; the rate is the median of the rounds' rates.
RATES = (1.0, 1.25, 1.5, 2.0, 3.0, 4.0)

# Lighthouse's BenchmarkIndex: the mean of two rates, each in runs per second divided by ten:
# building a 10,000-character string one character at a time (the garbage collector's share),
# and copying 100,000 integers from one array to another and back (none of it).  Both loops read
# the clock every tenth run, as Lighthouse's copy loop does.
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

    def __init__(self, instance, benchmark_ms: int = BENCHMARK_MS, warm_up_runs: int = WARM_UP_RUNS):
        self.page = instance.new_page()
        self.cdp = self.page.context.new_cdp_session(self.page)
        self.benchmark_ms = benchmark_ms
        for _ in range(warm_up_runs):
            self.page.evaluate(BENCHMARK_INDEX, benchmark_ms)

    def score(self, rate: float) -> float:
        self.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
        return self.page.evaluate(BENCHMARK_INDEX, self.benchmark_ms)

    def close(self) -> None:
        self.page.close()


def fit(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """(k, a) of score = k / rate^a, least squares in logs over (rate, score) runs."""
    xs = [math.log(rate) for rate, _ in runs]
    ys = [math.log(score) for _, score in runs]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    return math.exp(mean_y - slope * mean_x), -slope


def rate_for(score: float, runs: list[tuple[float, float]]) -> float:
    """The rate at which the fit of `runs` scores `score`, truncated to hundredths as Chromium's
    throttling takes it (DevTools, CalibrationController); at least 1 (no slowing), at most the
    highest rate scored: the fit is not carried past the runs it was made from.

    A round whose scores did not fall as the rate rose (a busy spell: a short run on a loaded
    machine can score a flat or rising line) places no rate, and the page is not slowed.  Without
    these bounds a nearly flat fit (a = 0.01 turns up in the smoke run's short rounds on a loaded
    machine) can put the phone at a rate in the thousands, where a page does not load in minutes."""
    k, a = fit(runs)
    if a <= 0:
        return 1.0
    highest = max(rate for rate, _ in runs)
    if math.log(k / score) / a >= math.log(highest):  # compared in logs: a nearly flat fit's rate overflows a float
        return highest
    return max(1.0, math.floor((k / score) ** (1 / a) * 100) / 100)


def phone_rates(instance, fixed_rate: float, rounds: int = 3, smoke: bool = False) -> dict:
    """This machine's score, the rate that makes it a mid-tier phone, and what `fixed_rate` makes it.

    `smoke`: every step, each benchmark run a tenth as long and one warm-up (that it runs, not a number)."""
    calibration = Calibration(instance, BENCHMARK_MS // 10, 1) if smoke else Calibration(instance)
    rates = sorted({*RATES, fixed_rate})
    try:
        by_round = [[(rate, calibration.score(rate)) for rate in rates] for _ in range(rounds)]
    finally:
        calibration.close()
    runs = [run for round_runs in by_round for run in round_runs]
    machine_score = statistics.median(score for rate, score in runs if rate == 1)
    round_rates = [rate_for(MID_TIER_SCORE, round_runs) for round_runs in by_round]
    return {
        "machine_score": machine_score,
        "mid_tier_score": MID_TIER_SCORE,
        "low_tier_score": LOW_TIER_SCORE,
        # A machine slower than the phone cannot be slowed to it (DevTools: "device is not powerful enough").
        "slower_than_mid_tier": machine_score < MID_TIER_SCORE,
        "mid_tier_rate": statistics.median(round_rates),
        "round_rates": round_rates,
        "highest_rate": max(rates),  # no round's rate goes past it (`rate_for`)
        "fixed_rate": fixed_rate,
        "score_at_fixed_rate": statistics.median(score for rate, score in runs if rate == fixed_rate),
        "runs": by_round,
    }
