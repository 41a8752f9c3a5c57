// Label placement without a browser: boxes, the spots beside a point, the choice among them (with its one
// step of repair), which point a name reads as, and the line cells names keep off.
import { test } from "node:test";
import assert from "node:assert/strict";

import { inset, overlaps, inside, shifted, distanceToBox } from "../../geo/static/js/boxes.js";
import {
  LABEL_SPOTS, NARROW_MAP, labelOffset, sideBox, pointSpots, chooseSpots, readsAsItsOwn, markLine, crossesLine,
  outsideZoom, samePlace,
} from "../../geo/static/js/labels.js";

const MAP = { left: 0, top: 0, right: 400, bottom: 300, width: 400, height: 300 };
const NO_MARGINS = {};
// Leaflet's stylesheet: a tooltip's arrow side is 6 px off its point (leaflet.css).
const LEAFLET_MARGINS = { right: [6, 0], left: [-6, 0], top: [0, -6], bottom: [0, 6], center: [0, 0] };

function box(left, top, width, height) {
  return { left, top, right: left + width, bottom: top + height, width, height };
}

test("boxes that only touch do not overlap; one pixel more does", () => {
  const a = box(0, 0, 10, 10);
  assert.equal(overlaps(a, box(10, 0, 10, 10)), false);
  assert.equal(overlaps(a, box(0, 10, 10, 10)), false);
  assert.equal(overlaps(a, box(9, 9, 10, 10)), true);
  assert.equal(overlaps(a, box(2, 2, 2, 2)), true, "a box inside another overlaps it");
});

test("inside keeps two pixels from every edge of the map", () => {
  assert.equal(inside(MAP, box(2, 2, 396, 296)), true);
  assert.equal(inside(MAP, box(1, 2, 10, 10)), false);
  assert.equal(inside(MAP, box(100, 100, 299, 10)), false, "right edge at 399 is within 2 px of 400");
  assert.equal(inside(MAP, box(100, 289, 10, 10)), false);
});

test("inset, shifted and distanceToBox are plain arithmetic", () => {
  assert.deepEqual(inset(box(10, 10, 20, 20), 3), box(13, 13, 14, 14));
  assert.deepEqual(inset(box(10, 10, 20, 20), -1), box(9, 9, 22, 22));
  assert.deepEqual(shifted(box(10, 10, 20, 20), 5, -5), box(15, 5, 20, 20));
  assert.equal(distanceToBox({ x: 15, y: 15 }, box(10, 10, 20, 20)), 0);
  assert.equal(distanceToBox({ x: 0, y: 10 }, box(10, 10, 20, 20)), 10);
  assert.equal(distanceToBox({ x: 33, y: 34 }, box(10, 10, 20, 20)), 5);  // 3-4-5 from the corner
});

test("label offsets: 6 px off the point, and a lift of half the height and 4 px more", () => {
  assert.deepEqual(labelOffset("right", 0, [50, 14]), [6, 0]);
  assert.deepEqual(labelOffset("left", 0, [50, 14]), [-6, 0]);
  assert.deepEqual(labelOffset("top", 0, [50, 14]), [0, -6]);
  assert.deepEqual(labelOffset("bottom", 0, [50, 14]), [0, 6]);
  assert.deepEqual(labelOffset("right", -1, [50, 14]), [6, -11]);
  assert.deepEqual(labelOffset("left", 1, [50, 20]), [-6, 14]);
});

test("a label's box on each side of its point follows Leaflet's tooltip corners", () => {
  const at = { x: 100, y: 50 }, map = { left: 10, top: 20 }, size = [40, 14];
  assert.deepEqual(sideBox(at, map, "right", [6, 0], size, NO_MARGINS), box(116, 63, 40, 14));
  assert.deepEqual(sideBox(at, map, "left", [-6, 0], size, NO_MARGINS), box(64, 63, 40, 14));
  assert.deepEqual(sideBox(at, map, "top", [0, -6], size, NO_MARGINS), box(90, 50, 40, 14));
  assert.deepEqual(sideBox(at, map, "bottom", [0, 6], size, NO_MARGINS), box(90, 76, 40, 14));
  assert.deepEqual(sideBox(at, map, "center", [0, 0], size, NO_MARGINS), box(90, 63, 40, 14));
  // An offset as a point, none at all, and an unknown side (taken as right).
  assert.deepEqual(sideBox(at, map, "center", { x: 1, y: 2 }, size, NO_MARGINS), box(91, 65, 40, 14));
  assert.deepEqual(sideBox(at, map, "center", null, size, NO_MARGINS), box(90, 63, 40, 14));
  assert.deepEqual(sideBox(at, map, "auto", [0, 0], size, NO_MARGINS), box(110, 63, 40, 14));
  // The stylesheet's margins move the box again.
  assert.deepEqual(sideBox(at, map, "right", [6, 0], size, LEAFLET_MARGINS), box(122, 63, 40, 14));
  assert.deepEqual(sideBox(at, map, "top", [0, -6], size, LEAFLET_MARGINS), box(90, 44, 40, 14));
});

test("a point's spots: every side for the full text first, then for the name alone", () => {
  const spots = pointSpots({ x: 200, y: 150 }, MAP, ["Mach · km 67", "Mach"], [[80, 14], [36, 14]], 800,
                           NO_MARGINS);
  assert.equal(spots.length, 2 * LABEL_SPOTS.length);
  assert.deepEqual(spots.slice(0, 4).map((s) => [s.text, s.side]),
                   [["Mach · km 67", "right"], ["Mach · km 67", "left"], ["Mach · km 67", "bottom"],
                    ["Mach · km 67", "top"]]);
  assert.deepEqual(spots[LABEL_SPOTS.length].text, "Mach");
  assert.deepEqual(spots[0].box, box(206, 143, 80, 14));
  assert.deepEqual(spots[0].size, [80, 14]);
  // Lifted spots lean off the line: right, up by 11 px.
  assert.deepEqual(spots[4].offset, [6, -11]);
  assert.equal(spots[4].box.top, 132);
});

test("a narrow map tries the name alone; a label with one text keeps it", () => {
  const narrow = pointSpots({ x: 100, y: 100 }, MAP, ["Mach · km 67", "Mach"], [[80, 14], [36, 14]],
                            NARROW_MAP - 1, NO_MARGINS);
  assert.equal(narrow.length, LABEL_SPOTS.length);
  assert.ok(narrow.every((s) => s.text === "Mach" && s.size[0] === 36));
  const single = pointSpots({ x: 100, y: 100 }, MAP, ["Sibi"], [[30, 14]], 390, NO_MARGINS);
  assert.equal(single.length, LABEL_SPOTS.length);
  assert.equal(single[0].text, "Sibi");
});

// Labels with explicit spots, for chooseSpots.
function label(name, boxes, extra = {}) {
  return { name, spotsGiven: boxes.map((b, i) => ({ name: name + i, box: b })), ...extra };
}
function choose(labels, taken = [], map = MAP) {
  chooseSpots(labels, taken, (l) => l.spotsGiven, (r) => inside(map, r));
  return labels.map((l) => (l.spot ? l.spot.name : null));
}

test("each label takes its first spot clear of the labels before it", () => {
  const a = label("a", [box(100, 100, 50, 14)]);
  const b = label("b", [box(120, 105, 50, 14), box(100, 120, 50, 14)]);
  assert.deepEqual(choose([a, b]), ["a0", "b1"]);
});

test("a spot must be inside the map and off the controls", () => {
  const outside = label("a", [box(380, 10, 50, 14), box(100, 10, 50, 14), box(100, 60, 50, 14)]);
  assert.deepEqual(choose([outside], [box(90, 0, 80, 40)]), ["a2"]);
});

test("boxes that would touch are not both kept: a pixel of slack", () => {
  const a = label("a", [box(100, 100, 50, 14)]);
  const touching = label("b", [box(150, 100, 50, 14), box(151, 100, 50, 14)]);
  assert.deepEqual(choose([a, touching]), ["a0", "b1"]);
});

test("a padded label (a base-map city) keeps its room and never moves another", () => {
  const a = label("a", [box(100, 100, 50, 14), box(100, 200, 50, 14)]);
  const city = label("city", [box(155, 100, 40, 14), box(158, 100, 40, 14)], { pad: 10 });
  assert.deepEqual(choose([a, city]), ["a0", null]);
  // Without its padding the same city would have moved "a" to its other spot.
  const plain = label("city", [box(140, 100, 40, 14)]);
  assert.deepEqual(choose([label("a", [box(100, 100, 50, 14), box(100, 200, 50, 14)]), plain]), ["a1", "city0"]);
  const roomy = label("city", [box(155, 100, 40, 14), box(161, 100, 40, 14)], { pad: 10 });
  assert.deepEqual(choose([label("a", [box(100, 100, 50, 14)]), roomy]), ["a0", "city1"]);
});

test("repair: a label with no clear spot moves the one label in its way to another spot of its own", () => {
  const first = label("first", [box(100, 100, 50, 14), box(100, 200, 50, 14)]);
  const second = label("second", [box(110, 102, 50, 14)]);
  assert.deepEqual(choose([first, second]), ["first1", "second0"]);
});

test("no repair past a fixed label, nor past two labels in the way", () => {
  const fixed = label("fixed", [box(100, 100, 50, 14), box(100, 200, 50, 14)], { fixed: true });
  assert.deepEqual(choose([fixed, label("second", [box(110, 102, 50, 14)])]), ["fixed0", null]);
  const left = label("left", [box(100, 100, 40, 14), box(100, 200, 40, 14)]);
  const right = label("right", [box(150, 100, 40, 14), box(150, 240, 40, 14)]);
  const across = label("across", [box(120, 104, 50, 14)]);
  assert.deepEqual(choose([left, right, across]), ["left0", "right0", null]);
});

test("repair never moves the other label onto the new one's spot", () => {
  const first = label("first", [box(100, 100, 50, 14), box(120, 104, 50, 14)]);
  const second = label("second", [box(110, 102, 50, 14)]);
  assert.deepEqual(choose([first, second]), ["first0", null]);
});

test("each pass starts afresh: the last pass's spots do not block this one's", () => {
  const a = label("a", [box(100, 100, 50, 14)]);
  const b = label("b", [box(100, 100, 50, 14)]);
  assert.deepEqual(choose([a, b]), ["a0", null]);
  assert.deepEqual(choose([b, a]), ["b0", null]);
});

test("a name reads as its own point's: never as near another named point", () => {
  const own = { label: { name: "Mach" } }, other = { label: { name: "Kolpur" } };
  const points = [{ ...own, x: 100, y: 100 }, { ...other, x: 160, y: 100 }];
  const reads = readsAsItsOwn(points, own.label);
  assert.equal(reads(box(106, 93, 30, 14)), true, "right of its own point");
  assert.equal(reads(box(135, 93, 20, 14)), false, "nearer the other point");
  assert.equal(reads(box(120, 93, 20, 14)), false, "as near the other (within 2 px)");
  // A label not among the points reads as its own anywhere.
  assert.equal(readsAsItsOwn(points, { name: "elsewhere" })(box(150, 93, 10, 14)), true);
});

test("two names of one place are one point", () => {
  assert.equal(samePlace({ x: 0, y: 0 }, { x: 2, y: 2 }), true);
  assert.equal(samePlace({ x: 0, y: 0 }, { x: 3, y: 0 }), false);
  const a = { name: "Mach station" }, b = { name: "Mach town" };
  const points = [{ label: a, x: 100, y: 100 }, { label: b, x: 101, y: 101 }];
  assert.equal(readsAsItsOwn(points, a)(box(104, 104, 30, 14)), true);
});

test("a base-map city counts once it is placed, and never takes a name already placed", () => {
  const name = { name: "Sibi", spot: { box: box(106, 93, 30, 14) } };
  const city = { name: "Sibi city", dot: {} };
  const placedCity = { name: "Dadhar", dot: {}, spot: { box: box(0, 0, 1, 1) } };
  const unplacedCity = { name: "Bellpat", dot: {} };
  const points = [{ label: name, x: 100, y: 100 }, { label: city, x: 140, y: 100 },
                  { label: unplacedCity, x: 40, y: 100 }, { label: placedCity, x: 100, y: 160 }];
  // Sibi's own name sits between Sibi and the city's dot, nearer Sibi: the city would take it.
  assert.equal(readsAsItsOwn(points, city)(box(146, 93, 30, 14)), false);
  // For Sibi, an unplaced city is no point at all; a placed one is.
  const reads = readsAsItsOwn(points, name);
  assert.equal(reads(box(44, 93, 30, 14)), true, "beside an unplaced city's dot");
  assert.equal(reads(box(90, 150, 20, 6)), false, "beside a placed city's dot");
});

test("a line's cells: every cell it crosses, none it does not", () => {
  const cells = markLine(new Set(), [{ x: 0, y: 10 }, { x: 40, y: 10 }], { left: 0, top: 0 });
  for (let x = 0; x <= 10; x++) assert.ok(cells.has(x + ",2"), "cell " + x + ",2");
  assert.equal(cells.size, 11);
  assert.equal(crossesLine(cells, box(5, 0, 20, 7)), false, "above the line");
  assert.equal(crossesLine(cells, box(5, 6, 20, 7)), true, "across it");
  assert.equal(crossesLine(cells, box(45, 8, 20, 7)), false, "past its end");
  // Page pixels: the map's box moves the cells.
  assert.ok(markLine(new Set(), [{ x: 0, y: 0 }, { x: 1, y: 0 }], { left: 100, top: 8 }).has("25,2"));
});

test("a slanted line's cells run unbroken from its first cell to its last, and all lie on it", () => {
  const a = { x: 3, y: 1 }, b = { x: 101, y: 38 };
  const cells = markLine(new Set(), [a, b], { left: 0, top: 0 });
  assert.ok(cells.has("0,0") && cells.has("25,9"));
  // Marks every half cell: a cell the line only clips at a corner may be left out, but no step skips
  // a cell across (the marked cells touch each other, corners included).
  const seen = new Set(["0,0"]), queue = ["0,0"];
  while (queue.length) {
    const [x, y] = queue.shift().split(",").map(Number);
    for (const dx of [-1, 0, 1]) for (const dy of [-1, 0, 1]) {
      const next = (x + dx) + "," + (y + dy);
      if (cells.has(next) && !seen.has(next)) { seen.add(next); queue.push(next); }
    }
  }
  assert.equal(seen.size, cells.size);
  // Every marked cell is one the line passes through; a cell it passes through unmarked holds under
  // half a cell of it (marks are at most half a cell apart).
  const length = Math.hypot(b.x - a.x, b.y - a.y), samples = 100000, through = new Map();
  for (let i = 0; i <= samples; i++) {
    const x = a.x + (b.x - a.x) * i / samples, y = a.y + (b.y - a.y) * i / samples;
    const cell = Math.floor(x / 4) + "," + Math.floor(y / 4);
    through.set(cell, (through.get(cell) || 0) + length / samples);
  }
  for (const cell of cells) assert.ok(through.has(cell), cell + " is off the line");
  for (const [cell, inCell] of through) assert.ok(cells.has(cell) || inCell <= 2, cell + ": " + inCell + " px unmarked");
  assert.ok(cells.size >= 26 && cells.size <= 2 * 26 + 10, "about one or two cells per column: " + cells.size);
});

test("base-map names show only within their zooms", () => {
  const province = { minZoom: 5, maxZoom: 10 };
  assert.equal(outsideZoom(4.75, province), true);
  assert.equal(outsideZoom(5, province), false);
  assert.equal(outsideZoom(10, province), false);
  assert.equal(outsideZoom(10.25, province), true);
  assert.equal(outsideZoom(18, {}), false, "a story's label has no limits");
});
