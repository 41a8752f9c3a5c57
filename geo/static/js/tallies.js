/* Tallies: how many claims the time control shows at one place.
 *
 * Claims at one place are drawn on top of each other; a small count beside the place says how many
 * are shown so far.  Placed after the labels, on the first side clear of them, of the controls, of
 * the places and of other counts; none where there is no room.  Only for a timeline short enough to
 * be listed whole (a year of claims is read through the list's window); hidden from screen readers,
 * which read the list. */

import { state } from "./state.js";
import { el, KEEP_CLEAR } from "./dom.js";
import { inside, overlaps } from "./boxes.js";

export const LIST_ALL_UP_TO = 1000;  // longer timelines list a window of events around the slider's time
export const TALLY_HEIGHT = 20, TALLY_GAP = 3;
export const TALLY_SIDES = [[-1, -1], [1, -1], [-1, 1], [1, 1], [0, -1], [0, 1]];

/* A tally's width for its text: round for one digit, longer for more. */
export function tallyWidth(text) { return Math.max(TALLY_HEIGHT, 10 + 8 * text.length); }

/* Claims drawn at one place, by place: [{at, count, radius}] of `points` ({at: {lat, lng}, radius}). */
export function placesOf(points) {
  const places = new Map();
  points.forEach(function (point) {
    const key = point.at.lat + "," + point.at.lng;
    if (!places.has(key)) places.set(key, { at: point.at, count: 0, radius: point.radius || 0 });
    places.get(key).count += 1;
  });
  return places;
}

/* Where a tally of `width` goes beside the place at container point `point` ({x, y}) drawn with `radius`:
   the first of TALLY_SIDES inside the map's `box` and clear of the `taken` boxes, or undefined.
   {x, y} is its corner in container pixels, `box` its box in page pixels. */
export function tallySpot(point, radius, width, box, taken) {
  const reach = radius + TALLY_GAP;
  return TALLY_SIDES.map(function (side) {
    const x = point.x + side[0] * (reach + width / 2), y = point.y + side[1] * (reach + TALLY_HEIGHT / 2);
    return { x: x - width / 2, y: y - TALLY_HEIGHT / 2,
             box: { left: box.left + x - width / 2, right: box.left + x + width / 2,
                    top: box.top + y - TALLY_HEIGHT / 2, bottom: box.top + y + TALLY_HEIGHT / 2 } };
  }).find(function (spot) {
    return inside(box, spot.box) && !taken.some(function (t) { return overlaps(spot.box, t); });
  });
}

export function placeTallies() {
  const map = state.registry.map, timeline = state.registry.timeline, pane = map && map.getPane("geo-tallies");
  if (!pane || !timeline || !state.registry.loaded) return;  // the claims not yet on the map
  pane.textContent = "";
  if (state.story.byStart.length > LIST_ALL_UP_TO) return;
  const places = placesOf(timeline.getLayers().map(function (layer) {
    return { at: layer.getLatLng(), radius: layer.options.radius };
  }));
  const stacked = Array.from(places.values()).filter(function (place) { return place.count > 1; });
  if (!stacked.length) return;
  const box = map.getContainer().getBoundingClientRect();
  const taken = [];
  map.getContainer().querySelectorAll(KEEP_CLEAR + ", .leaflet-tooltip:not(.geo-label-hidden)").forEach(function (node) {
    const r = node.getBoundingClientRect();
    if (r.width && r.height) taken.push(r);
  });
  places.forEach(function (place) {
    place.point = map.latLngToContainerPoint(place.at);
    const r = place.radius + 1;
    taken.push({ left: box.left + place.point.x - r, right: box.left + place.point.x + r,
                 top: box.top + place.point.y - r, bottom: box.top + place.point.y + r });
  });
  stacked.sort(function (a, b) { return b.count - a.count; }).forEach(function (place) {
    const text = String(place.count), width = tallyWidth(text);
    const spot = tallySpot(place.point, place.radius, width, box, taken);
    if (!spot) return;
    taken.push(spot.box);
    const node = el("div", text, "geo-tally");
    node.setAttribute("aria-hidden", "true");
    node.style.width = width + "px";
    pane.appendChild(node);
    L.DomUtil.setPosition(node, map.containerPointToLayerPoint([spot.x, spot.y]));
  });
}
