// Which incidents the record's filters keep, and what its count line says, without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";

import { keptIds, countText } from "../../geo/static/js/record.js";

const ITEMS = [
  { id: "a", year: "2025", kind: "hijacking" },
  { id: "b", year: "2025", kind: "bombing" },
  { id: "c", year: "2026", kind: "bombing" },
];

test("an incident is kept when both its year and its kind are ticked", () => {
  assert.deepEqual(keptIds(ITEMS, new Set(["2025", "2026"]), new Set(["hijacking", "bombing"])), ["a", "b", "c"]);
  assert.deepEqual(keptIds(ITEMS, new Set(["2026"]), new Set(["hijacking", "bombing"])), ["c"]);
  assert.deepEqual(keptIds(ITEMS, new Set(["2025"]), new Set(["bombing"])), ["b"]);
  assert.deepEqual(keptIds(ITEMS, new Set(), new Set(["bombing"])), []);
});

test("the count line says all, some or none", () => {
  assert.equal(countText(3, 3), "All 3 incidents shown.");
  assert.equal(countText(1, 3), "1 of 3 incidents shown.");
  assert.match(countText(0, 3), /^No incident matches/);
});
