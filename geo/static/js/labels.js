/* Permanent labels, kept by rank, dropped rather than collide or run off the map.
 *
 * Every layout the browser does costs a phone tens of milliseconds, so placement reads all it needs in a
 * few batches (sizes, then boxes) and works out the rest by arithmetic; writing and reading label by label
 * made label placement most of a phone's load time.  The arithmetic (spots, boxes, the choice among them)
 * takes its inputs as arguments: tests/js/labels.test.mjs runs it without a browser. */

import { state } from "./state.js";
import { dataEl, KEEP_CLEAR } from "./dom.js";
import { inset, overlaps, inside, distanceToBox } from "./boxes.js";
import { SIDE_SHIFT, labelTooltipClass } from "./adapters.js";
import { placeBadges } from "./badges.js";
import { placeTallies } from "./tallies.js";

/* Where a label may sit beside its point, tried in this order before a shorter text is tried:
   [side, lift] — a lift of -1 or 1 moves a side label up or down by half its height and more,
   so it leans off a crowded line. */
export const LABEL_SPOTS = [["right", 0], ["left", 0], ["bottom", 0], ["top", 0],
                            ["right", -1], ["right", 1], ["left", -1], ["left", 1]];
export const LABEL_OFFSETS = { right: [6, 0], left: [-6, 0], bottom: [0, 6], top: [0, -6] };
export const NARROW_MAP = 520;  // pixels: below this width labels give the name alone

/* The offset [dx, dy] of a label of `size` [width, height] on `side`, lifted by `lift` (-1, 0, 1). */
export function labelOffset(side, lift, size) {
  const offset = LABEL_OFFSETS[side];
  return [offset[0], offset[1] + lift * (size[1] / 2 + 4)];
}

/* A permanent label (see labelTooltipClass), with its text as the data's own. */
export function makeLabel(content, options, source) {
  const Label = labelTooltipClass();
  return new Label(options, source).setContent(dataEl("span", content));
}

/* The margins the stylesheet gives a tooltip on each side: {side: [left, top]}. */
function readSideMargins(node) {
  const margins = {}, before = node.className;
  Object.keys(SIDE_SHIFT).forEach(function (side) {
    node.className = before.replace(/\bleaflet-tooltip-(right|left|top|bottom|center)\b/g, "") + " leaflet-tooltip-" + side;
    const style = window.getComputedStyle(node);
    margins[side] = [parseFloat(style.marginLeft) || 0, parseFloat(style.marginTop) || 0];
  });
  node.className = before;
  return margins;
}

/* A label's box, in page pixels, if it sat at container point `point` ({x, y}) of the map whose box is
   `box`, on `side`, moved by `offset` ([dx, dy] or {x, y}), with `size` [width, height] and the
   stylesheet's `margins` per side. */
export function sideBox(point, box, side, offset, size, margins) {
  const shift = SIDE_SHIFT[side] || SIDE_SHIFT.right, margin = margins[side] || [0, 0];
  const by = Array.isArray(offset) ? { x: offset[0], y: offset[1] } : offset || { x: 0, y: 0 };
  const left = box.left + point.x - size[0] * shift[0] + by.x + margin[0];
  const top = box.top + point.y - size[1] * shift[1] + by.y + margin[1];
  return { left: left, top: top, right: left + size[0], bottom: top + size[1], width: size[0], height: size[1] };
}

function labelBox(map, box, latlng, side, offset, size) {
  return sideBox(map.latLngToContainerPoint(latlng), box, side, offset, size, state.labels.sideMargins);
}

/* The spots beside a point, best first: each text (the full label, then shorter ones) on each of
   LABEL_SPOTS.  A map narrower than NARROW_MAP tries only the last, shortest text: a phone has no room
   for "· km 124 from Quetta" beside every name (the popups keep the km). */
export function pointSpots(point, box, texts, sizes, mapWidth, margins) {
  const spots = [];
  const from = mapWidth < NARROW_MAP && texts.length > 1 ? texts.length - 1 : 0;
  texts.forEach(function (text, index) {
    if (index < from) return;
    LABEL_SPOTS.forEach(function (spot) {
      const offset = labelOffset(spot[0], spot[1], sizes[index]);
      spots.push({ text: text, side: spot[0], offset: offset, size: sizes[index],
                   box: sideBox(point, box, spot[0], offset, sizes[index], margins) });
    });
  });
  return spots;
}

/* Each label's size with each of its texts: all texts written, then all sizes read, per round. */
function measureLabels(labels) {
  const rounds = Math.max.apply(null, labels.map(function (l) { return l.texts ? l.texts.length : 1; }));
  labels.forEach(function (label) { label.sizes = []; });
  for (let round = 0; round < rounds; round++) {
    const measuring = labels.filter(function (l) { return l.texts ? round < l.texts.length : round === 0; });
    measuring.forEach(function (l) {
      if (l.texts && !l.fixed) l.layer.getTooltip().getElement().firstChild.textContent = l.texts[round];
    });
    measuring.forEach(function (l) {
      const node = l.layer.getTooltip().getElement();
      l.sizes.push([node.offsetWidth, node.offsetHeight]);
    });
  }
}

/* Whether a base-map name is outside the zooms it shows at. */
export function outsideZoom(zoom, label) {
  return (label.minZoom !== undefined && zoom < label.minZoom) || (label.maxZoom !== undefined && zoom > label.maxZoom);
}

/* An area's name positions that are in view: nearest the middle of the map first, or in the given order. */
function anchorsInView(map, anchors, inOrder) {
  const bounds = map.getBounds(), middle = map.getSize().divideBy(2);
  const spots = anchors.filter(function (at) { return bounds.contains(at); })
    .map(function (at) { return { anchor: at, d: map.latLngToContainerPoint(at).distanceTo(middle) }; });
  return inOrder ? spots : spots.sort(function (a, b) { return a.d - b.d; });
}

/* The places a label may take, best first: {text, side, offset, anchor, size, box}. */
function labelSpots(map, box, label, tilesShown) {
  const tooltip = label.layer.getTooltip();
  // The base map's names: none over tiles (which have their own), none outside their zooms.
  if (label.context && (tilesShown || outsideZoom(map.getZoom(), label))) return [];
  if (label.anchors) {  // an area's name, on the area; a data area's gets its full text back after measuring
    return anchorsInView(map, label.anchors, label.inOrder).map(function (a) {
      return { anchor: a.anchor, text: label.texts && label.texts[0], side: "center", offset: tooltip.options.offset,
               size: label.sizes[0], box: labelBox(map, box, a.anchor, "center", tooltip.options.offset, label.sizes[0]) };
    });
  }
  if (label.fixed) {
    const side = tooltip.options.direction;
    return [{ size: label.sizes[0],
              box: labelBox(map, box, tooltip.getLatLng(), side, tooltip.options.offset, label.sizes[0]) }];
  }
  return pointSpots(map.latLngToContainerPoint(tooltip.getLatLng()), box, label.texts || [], label.sizes,
                    map.getSize().x, state.labels.sideMargins);
}

/* The story's lines (the railway, tunnels) as 4 px cells of the page: names of areas and of the base
   map's places keep off them, so that no name is read across the line the map is about. */
export const LINE_CELL = 4;

function cellOf(x, y) { return Math.floor(x / LINE_CELL) + "," + Math.floor(y / LINE_CELL); }

/* Mark in `cells` every cell a line through `points` (container points, {x, y}) crosses, in page pixels
   (the map's box at `box`): a mark every half cell along each segment. */
export function markLine(cells, points, box) {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1], b = points[i];
    const dx = b.x - a.x, dy = b.y - a.y;
    const steps = Math.max(1, Math.ceil(Math.sqrt(dx * dx + dy * dy) / (LINE_CELL / 2)));
    for (let step = 0; step <= steps; step++) {
      cells.add(cellOf(box.left + a.x + (b.x - a.x) * step / steps, box.top + a.y + (b.y - a.y) * step / steps));
    }
  }
  return cells;
}

/* Whether box `r` touches a marked cell. */
export function crossesLine(cells, r) {
  for (let x = Math.floor(r.left / LINE_CELL); x <= Math.floor(r.right / LINE_CELL); x++) {
    for (let y = Math.floor(r.top / LINE_CELL); y <= Math.floor(r.bottom / LINE_CELL); y++) {
      if (cells.has(x + "," + y)) return true;
    }
  }
  return false;
}

/* A line's pixels as Leaflet draws it, through its public API: its vertices projected at this zoom,
   clipped to the area its renderer draws (the view and the renderer's padding around it) and simplified
   by its smoothFactor, as L.Polyline does (Leaflet 1.9.4: _projectLatlngs, _clipPoints, _simplifyPoints).
   Layer points, one array per drawn part. */
function drawnParts(map, layer) {
  const rings = [];
  (function project(latlngs) {
    if (L.LineUtil.isFlat(latlngs)) rings.push(latlngs.map(function (at) { return map.latLngToLayerPoint(at); }));
    else latlngs.forEach(project);
  })(layer.getLatLngs());
  const padding = map.getRenderer(layer).options.padding, size = map.getSize();
  const min = map.containerPointToLayerPoint(size.multiplyBy(-padding)).round();
  const bounds = L.bounds(min, min.add(size.multiplyBy(1 + padding * 2)).round());
  let parts = [];
  if (layer.options.noClip) {
    parts = rings;
  } else {
    rings.forEach(function (points) {
      let part = null;
      for (let j = 0; j < points.length - 1; j++) {
        const segment = L.LineUtil.clipSegment(points[j], points[j + 1], bounds, j, true);
        if (!segment) continue;
        if (!part) parts.push(part = []);
        part.push(segment[0]);
        // A segment that leaves the drawn area, or the last one, ends the part.
        if (segment[1] !== points[j + 1] || j === points.length - 2) { part.push(segment[1]); part = null; }
      }
    });
  }
  return parts.map(function (part) { return L.LineUtil.simplify(part, layer.options.smoothFactor); });
}

function lineCells(map, box) {
  const cells = new Set();
  Object.keys(state.registry.byKey).forEach(function (key) {
    state.registry.byKey[key].forEach(function (layer) {
      if (!(layer instanceof L.Polyline) || layer instanceof L.Polygon) return;
      drawnParts(map, layer).forEach(function (part) {
        markLine(cells, part.map(function (p) { return map.layerPointToContainerPoint(p); }), box);
      });
    });
  });
  return cells;
}

/* The named points on the map, in page pixels: a point's name never sits nearer another named point
   than its own, where a reader would take it for that point's (two names of one place are one point).
   A base-map city is its dot and its name or nothing, and gives way to the story's names: its dot
   counts only for the names placed after it, and it is left out where it would sit nearer a name
   already placed than that name's own point. */
export const SAME_PLACE_PX = 3;

function labelledPoints(map, box, labels) {
  return labels.filter(function (l) { return !l.anchors && !l.fixed && l.layer.getLatLng && map.hasLayer(l.layer); })
    .map(function (l) {
      const p = map.latLngToContainerPoint(l.layer.getLatLng());
      return { label: l, x: box.left + p.x, y: box.top + p.y };
    });
}

export function samePlace(a, b) { return Math.hypot(a.x - b.x, a.y - b.y) < SAME_PLACE_PX; }

/* Whether box `r` would read as `label`'s own, given the named `points` ({label, x, y}, page pixels;
   a label placed so far has its `spot`): the other points are gathered once per label. */
export function readsAsItsOwn(points, label) {
  const own = points.find(function (p) { return p.label === label; });
  if (!own) return function () { return true; };
  const shown = points.filter(function (p) { return p !== own && !samePlace(p, own) && (!p.label.dot || p.label.spot); });
  // A city's dot may not take a name already placed for its own.
  const takesAName = !!label.dot && shown.some(function (p) {
    return p.label.spot && distanceToBox(own, p.label.spot.box) <= distanceToBox(p, p.label.spot.box) + 2;
  });
  return function (r) {
    const mine = distanceToBox(own, r);
    return !takesAName && shown.every(function (p) { return distanceToBox(p, r) > mine + 2; });
  };
}

function keepsOffLines(label) {
  return !!(label.context || label.anchors);
}

/* Each label's spot, highest rank first: the first of its spots (`spotsOf(label)`, each with a `box`)
   that is `inside` the map and clear of the `taken` boxes (controls) and of the labels placed before it,
   with `label.pad` px of room around it (1 px when none).  A label with no clear spot may move the one
   label in its way to another clear spot of that label's own (one step of repair, no more); a `fixed`
   label is never moved, and a padded one never repairs.  Sets each label's `spots` and `spot` (null
   when it has none). */
export function chooseSpots(labels, taken, spotsOf, inside) {
  const placed = [];
  function clear(r, except, pad) {
    r = inset(r, -(pad || 1));  // a pixel of slack: the browser's rounding never makes chosen boxes touch
    return inside(r) && !taken.some(function (t) { return overlaps(r, t); }) &&
      !placed.some(function (p) { return p !== except && overlaps(r, p.spot.box); });
  }
  function repair(label) {
    return label.spots.find(function (spot) {
      const inWay = placed.filter(function (p) { return overlaps(inset(spot.box, -1), p.spot.box); });
      if (inWay.length !== 1 || inWay[0].fixed || !clear(spot.box, inWay[0])) return false;
      const other = inWay[0];
      const move = other.spots.find(function (alt) {
        return alt !== other.spot && clear(alt.box, other) && !overlaps(inset(alt.box, -1), spot.box);
      });
      if (move) other.spot = move;
      return !!move;
    });
  }
  labels.forEach(function (label) { label.spot = null; });  // the last pass's spots are not placed in this one
  labels.forEach(function (label) {
    label.spots = spotsOf(label);
    label.spot = label.spots.find(function (spot) { return clear(spot.box, null, label.pad); }) ||
      (label.pad ? null : repair(label)) || null;
    if (label.spot) placed.push(label);
  });
}

/* Place every label (and before them the badges, after them the tallies). */
export function placeLabels() {
  const registry = state.registry, map = registry.map;
  if (!map) return;
  state.labels.pending = false;
  state.labels.placing = true;
  registry.beforeLabels.forEach(function (prepare) { prepare(); });
  state.labels.placing = false;
  placeBadges(map);
  const box = map.getContainer().getBoundingClientRect();
  const taken = [];
  // Controls, badges and the attack site are never covered by a label.
  map.getContainer().querySelectorAll(KEEP_CLEAR).forEach(function (control) {
    let r = control.getBoundingClientRect();
    // A badge's outer ring is white: a label may touch it without hiding its number.
    if (control.classList.contains("geo-badge")) r = inset(r, 3);
    if (r.width && r.height) taken.push(r);
  });
  const labels = registry.labels.filter(function (l) { return l.layer.getTooltip() && l.layer.getTooltip().getElement(); })
    .sort(function (a, b) { return b.rank - a.rank || a.order - b.order; });
  if (!labels.length) { placeTallies(); return; }
  if (!state.labels.sideMargins) state.labels.sideMargins = readSideMargins(labels[0].layer.getTooltip().getElement());
  measureLabels(labels);
  const tilesShown = map.getContainer().classList.contains("geo-tiles-shown");
  function insideMap(r) { return inside(box, r); }
  const cells = lineCells(map, box), points = labelledPoints(map, box, labels);
  chooseSpots(labels, taken, function (label) {
    let spots = labelSpots(map, box, label, tilesShown);
    if (keepsOffLines(label)) spots = spots.filter(function (spot) { return !crossesLine(cells, spot.box); });
    const reads = readsAsItsOwn(points, label);
    return spots.filter(function (spot) { return reads(spot.box); });
  }, insideMap);
  // Write every label, then move them (moves only change transforms: no new layout) ...
  labels.forEach(function (label) {
    const tooltip = label.layer.getTooltip(), node = tooltip.getElement(), spot = label.spot;
    if (spot) tooltip.measured = spot.size;
    if (spot && spot.text !== undefined) {
      node.firstChild.textContent = spot.text;  // the full label, or the name alone
      tooltip.options.direction = spot.side;
      tooltip.options.offset = spot.offset;
    }
  });
  labels.forEach(function (label) {
    if (!label.spot) return;
    if (label.spot.anchor) label.layer.getTooltip().setLatLng(label.spot.anchor);
    else label.layer.getTooltip().update();
  });
  // ... then check what the browser drew: a box the arithmetic got wrong is dropped, never left to collide.
  const drawn = labels.map(function (label) {
    return label.spot ? label.layer.getTooltip().getElement().getBoundingClientRect() : null;
  });
  const blockers = taken.slice();
  labels.forEach(function (label, index) {
    const node = label.layer.getTooltip().getElement();
    const placed = !!label.spot && insideMap(drawn[index]) &&
      !blockers.some(function (t) { return overlaps(drawn[index], t); });
    if (placed) blockers.push(drawn[index]);
    node.classList.toggle("geo-label-hidden", !placed);
    node.setAttribute("aria-hidden", placed ? "false" : "true");
    if (label.dot && label.dotShown !== placed) {  // a base-map city is its dot and its name, or nothing
      label.dotShown = placed;
      label.layer.setStyle(placed ? label.dot : { opacity: 0, fillOpacity: 0 });
    }
  });
  placeTallies();
}

/* Labels are placed once the opening view is set (not for each layer the page adds before it),
   and at most once a frame after; a direct placeLabels() call settles any pass still pending. */
export function scheduleLabels() {
  if (!state.opened || state.labels.pending || state.labels.placing) return;
  state.labels.pending = true;
  window.requestAnimationFrame(function () { if (state.labels.pending) placeLabels(); });
}
