// The opening view's padding, and where badges and tallies go, without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";

import { clampPair, openingPadding } from "../../geo/static/js/view.js";
import { BADGE_SPOTS, badgeSpot } from "../../geo/static/js/badges.js";
import { TALLY_HEIGHT, tallySpot, tallyWidth, placesOf } from "../../geo/static/js/tallies.js";

const MAP = { left: 0, top: 0, right: 400, bottom: 300 };
const box = (left, top, width, height) => ({ left, top, right: left + width, bottom: top + height, width, height });

test("two paddings are kept when they fit, else scaled down together to the room", () => {
  assert.deepEqual(clampPair(40, 30, 195), [40, 30]);
  assert.deepEqual(clampPair(100, 100, 200), [100, 100]);
  assert.deepEqual(clampPair(300, 100, 200), [150, 50]);
  const [a, b] = clampPair(70, 250, 195);
  assert.ok(Math.abs(a + b - 195) < 1e-9 && Math.abs(a / b - 70 / 250) < 1e-9);
});

test("the opening view keeps half the map whatever the padding and the controls", () => {
  // A phone: 390 x 500, the recipe's padding [top, right, bottom, left], the time control's 250 px.
  const [across, down] = openingPadding([40, 30, 20, 30], { x: 390, y: 500 }, 50, 250);
  assert.deepEqual(across, [50, 30]);
  assert.deepEqual(down, [40 * 250 / 290, 250 * 250 / 290]);
  assert.ok(Math.abs(down[0] + down[1] - 250) < 1e-9);
  assert.deepEqual(openingPadding([40, 30, 20, 30], { x: 1280, y: 800 }, 50, 20), [[50, 30], [40, 20]]);
});

test("a badge takes the first spot inside the map and clear; the first when none is", () => {
  const rect = box(200, 150, 28, 28), margin = [-36, -36];  // at BADGE_SPOTS[0] now
  assert.deepEqual(badgeSpot(rect, margin, MAP, []), BADGE_SPOTS[0]);
  // Something where it is now (above left of its place): it goes below left.
  assert.deepEqual(badgeSpot(rect, margin, MAP, [box(190, 140, 20, 20)]), [-36, 8]);
  // At the map's top edge: below.
  assert.deepEqual(badgeSpot(box(200, 1, 28, 28), margin, MAP, []), [-36, 8]);
  assert.deepEqual(badgeSpot(box(200, 2, 28, 28), margin, MAP, []), BADGE_SPOTS[0], "2 px from the edge is in");
  assert.deepEqual(badgeSpot(rect, margin, MAP, [box(0, 0, 400, 300)]), BADGE_SPOTS[0]);
});

test("a tally goes on the first side of its place with room, or nowhere", () => {
  const width = tallyWidth("12");
  assert.equal(width, 26);
  assert.equal(tallyWidth("3"), TALLY_HEIGHT);
  const at = { x: 200, y: 150 };
  const first = tallySpot(at, 5, width, MAP, []);
  // Above left: its right edge 8 px (radius and gap) left of the centre, its bottom 8 px above.
  assert.deepEqual(first.box, { left: 166, right: 192, top: 122, bottom: 142 });
  assert.deepEqual([first.x, first.y], [166, 122]);
  const second = tallySpot(at, 5, width, MAP, [first.box]);
  assert.deepEqual(second.box, { left: 208, right: 234, top: 122, bottom: 142 });
  assert.equal(tallySpot(at, 5, width, MAP, [box(100, 50, 200, 200)]), undefined);
  // At the map's left edge the left sides are out.
  assert.equal(tallySpot({ x: 10, y: 150 }, 5, width, MAP, []).box.left, 18);
});

test("claims are counted by the place they are drawn at", () => {
  const places = placesOf([{ at: { lat: 29.6, lng: 67.3 }, radius: 6 }, { at: { lat: 29.6, lng: 67.3 }, radius: 6 },
                           { at: { lat: 29.7, lng: 67.3 } }]);
  assert.deepEqual(Array.from(places.values()).map((p) => [p.at.lat, p.count, p.radius]), [[29.6, 2, 6], [29.7, 1, 0]]);
});
