// The time control's arithmetic and texts without a browser: years in Pakistan time, the claim the
// slider is at, the readout and the caption's time, stepping claim by claim, the list's window.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  yearOf, claimAt, distinctTimes, spansYears, whenLabel, claimWhen, readoutText, valueText, nextTime, keyStep,
  listWindow, scrollFor, selectedAt, overturnedAt, LIST_WINDOW, PKT_OFFSET_MS,
} from "../../geo/static/js/timeline.js";

const ms = (iso) => Date.parse(iso);

// A page as geo/pagedata.py writes it: the key table, each layer's popup fields, shared strings.
const K = { name: "_n", values: "_v" };
function pageOf(strings) {
  return { strings, sources: [], layers: { "timeline-3": { fields: ["claimed_by", "time"], labels: [], urdu: [] } } };
}
function claim(id, iso, timeIndex, name = id) {
  return { properties: { id, start: ms(iso), _n: name, _v: [null, timeIndex] } };
}
function storyOf(claims) {
  const byStart = claims.slice().sort((a, b) => a.properties.start - b.properties.start);
  const times = distinctTimes(byStart);
  return { key: "timeline-3", byStart, times, spansYears: spansYears(times) };
}

test("a year is Pakistan's: UTC+5, so New Year comes at 19:00 UTC", () => {
  assert.equal(PKT_OFFSET_MS, 5 * 3600 * 1000);
  assert.equal(yearOf(ms("2024-12-31T18:59:59Z")), 2024);
  assert.equal(yearOf(ms("2024-12-31T19:00:00Z")), 2025);
  assert.equal(yearOf(ms("2025-03-11T08:00:00Z")), 2025);
});

test("claims span years only when their first and last fall in different years in Pakistan", () => {
  assert.equal(spansYears([]), false);
  assert.equal(spansYears([ms("2025-03-11T08:00:00Z"), ms("2025-03-12T08:00:00Z")]), false);
  // Different years in UTC, the same in Pakistan.
  assert.equal(spansYears([ms("2024-12-31T20:00:00Z"), ms("2025-03-11T08:00:00Z")]), false);
  assert.equal(spansYears([ms("2024-12-31T18:00:00Z"), ms("2025-03-11T08:00:00Z")]), true);
});

test("a claim's time shows its year only when the claims span years", () => {
  assert.equal(whenLabel("Tuesday 11 March, 13:00", ms("2025-03-11T08:00:00Z"), false), "Tuesday 11 March, 13:00");
  assert.equal(whenLabel("Tuesday 11 March, 13:00", ms("2025-03-11T08:00:00Z"), true),
               "Tuesday 11 March, 13:00 2025");
  // The year of the moment in Pakistan, not in UTC.
  assert.equal(whenLabel("Wednesday 1 January, 01:00", ms("2024-12-31T20:00:00Z"), true),
               "Wednesday 1 January, 01:00 2025");
});

test("the claim the slider is at is the last to appear at or before its time", () => {
  const story = storyOf([claim("b", "2025-03-11T10:00:00Z", 1), claim("a", "2025-03-11T08:00:00Z", 0),
                         claim("c", "2025-03-11T10:00:00Z", 1), claim("d", "2025-03-12T06:00:00Z", 2)]);
  assert.equal(claimAt(story.byStart, ms("2025-03-11T07:59:59Z")), null);
  assert.equal(claimAt(story.byStart, ms("2025-03-11T08:00:00Z")).properties.id, "a");
  assert.equal(claimAt(story.byStart, ms("2025-03-11T09:00:00Z")).properties.id, "a");
  // Two claims at one time: the later in the list (the sort keeps the data's order).
  assert.equal(claimAt(story.byStart, ms("2025-03-11T10:00:00Z")).properties.id, "c");
  assert.equal(claimAt(story.byStart, ms("2026-01-01T00:00:00Z")).properties.id, "d");
  assert.deepEqual(story.times, [ms("2025-03-11T08:00:00Z"), ms("2025-03-11T10:00:00Z"), ms("2025-03-12T06:00:00Z")]);
});

test("the readout gives the current claim's own time text, and nothing before the first claim", () => {
  const page = pageOf(["Tuesday 11 March, 13:00", "Tuesday 11 March, evening", "Wednesday 12 March"]);
  const story = storyOf([claim("a", "2025-03-11T08:00:00Z", 0), claim("b", "2025-03-11T13:00:00Z", 1),
                         claim("c", "2025-03-12T06:00:00Z", 2)]);
  assert.equal(readoutText(ms("2025-03-11T07:00:00Z"), story, page, K), "");
  assert.equal(readoutText(ms("2025-03-11T08:00:00Z"), story, page, K), "Tuesday 11 March, 13:00");
  // Between claims: still the last claim's time at its own precision, never an interpolated minute.
  assert.equal(readoutText(ms("2025-03-11T20:30:00Z"), story, page, K), "Tuesday 11 March, evening");
  assert.equal(readoutText(ms("2025-03-30T00:00:00Z"), story, page, K), "Wednesday 12 March");
});

test("across years the readout, the list and the caption add the year", () => {
  const page = pageOf(["Tuesday 31 December, evening", "Tuesday 11 March, 13:00"]);
  const story = storyOf([claim("a", "2024-12-31T13:00:00Z", 0), claim("b", "2025-03-11T08:00:00Z", 1)]);
  assert.equal(story.spansYears, true);
  assert.equal(readoutText(ms("2025-01-01T00:00:00Z"), story, page, K), "Tuesday 31 December, evening 2024");
  assert.equal(claimWhen(story.byStart[1].properties, story, page, K), "Tuesday 11 March, 13:00 2025");
});

test("a claim without a time text reads as empty, not as null", () => {
  const page = pageOf(["x"]);
  const story = storyOf([claim("a", "2025-03-11T08:00:00Z", null)]);
  assert.equal(readoutText(ms("2025-03-11T08:00:00Z"), story, page, K), "");
});

test("the slider's value text is the time and the name, the name isolated in its own direction", () => {
  const page = pageOf(["Tuesday 11 March, 13:00"]);
  const story = storyOf([claim("a", "2025-03-11T08:00:00Z", 0, "\u202eMach")]);
  assert.equal(valueText(story.byStart[0].properties, story, page, K),
               "Tuesday 11 March, 13:00: \u2068\u202eMach\u2069");
});

test("stepping moves from claim time to claim time, and stops at the ends", () => {
  const times = [10, 20, 30];
  assert.equal(nextTime(times, 10, 1), 20);
  assert.equal(nextTime(times, 15, 1), 20);
  assert.equal(nextTime(times, 30, 1), undefined);
  assert.equal(nextTime(times, 30, -1), 20);
  assert.equal(nextTime(times, 25, -1), 20);
  assert.equal(nextTime(times, 10, -1), undefined);
});

test("keys on the slider: arrows and pages step a claim, Home and End go to the ends, others are left alone", () => {
  const times = [10, 20, 30];
  assert.deepEqual(keyStep("ArrowRight", times, 20), { time: 30 });
  assert.deepEqual(keyStep("ArrowUp", times, 20), { time: 30 });
  assert.deepEqual(keyStep("PageUp", times, 20), { time: 30 });
  assert.deepEqual(keyStep("ArrowLeft", times, 20), { time: 10 });
  assert.deepEqual(keyStep("PageDown", times, 20), { time: 10 });
  assert.deepEqual(keyStep("Home", times, 20), { time: 10 });
  assert.deepEqual(keyStep("End", times, 20), { time: 30 });
  assert.deepEqual(keyStep("ArrowRight", times, 30), { time: undefined }, "handled, but nowhere to go");
  assert.equal(keyStep("Tab", times, 20), null);
  assert.equal(keyStep("constructor", times, 20), null);
});

test("a long list shows a window of claims up to the slider's time", () => {
  const byStart = Array.from({ length: 1500 }, (_, i) => ({ properties: { start: i * 10 } }));
  assert.deepEqual(listWindow(byStart, -1), [0, LIST_WINDOW], "before the first claim: the first window");
  assert.deepEqual(listWindow(byStart, 0), [0, LIST_WINDOW]);
  assert.deepEqual(listWindow(byStart, 2495), [50, 250], "the 250 claims up to it, the last 200 listed");
  assert.deepEqual(listWindow(byStart, 1e9), [1300, 1500]);
  assert.deepEqual(listWindow(byStart.slice(0, 50), 1e9), [0, 50]);
});

test("the list scrolls only when the current claim is out of view, to 40 px above it", () => {
  assert.equal(scrollFor(100, 30, 50, 200), null);
  assert.equal(scrollFor(300, 30, 50, 200), 260);
  assert.equal(scrollFor(10, 30, 50, 200), 0);
  assert.equal(scrollFor(230, 30, 50, 200), 190, "its bottom past the panel's");
});

test("a claim picked from the list is the one named while the time control stays at its time", () => {
  const claim = (id, start) => ({ properties: { id, start } });
  const story = { byStart: [claim("a", 10), claim("b", 20), claim("c", 20), claim("d", 30)], selected: "b" };
  assert.equal(selectedAt(story, 20).properties.id, "b");  // not "c", the last of that time
  assert.equal(selectedAt(story, 30).properties.id, "d");  // the time moved on: the pick is dropped
  assert.equal(story.selected, null);
  assert.equal(selectedAt(story, 20).properties.id, "c");
  assert.equal(selectedAt(story, 5), null);
});

test("a superseded claim is overturned from the moment the claim superseding it appears", () => {
  const K = { overturned: "_x" };
  assert.equal(overturnedAt({ _x: 100 }, 99, K), false);
  assert.equal(overturnedAt({ _x: 100 }, 100, K), true);
  assert.equal(overturnedAt({}, 1e15, K), false);
});
