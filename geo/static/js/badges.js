/* Badges: the number of claims a stack holds, beside its place (the place itself keeps a small dot). */

import { state } from "./state.js";
import { KEEP_CLEAR } from "./dom.js";
import { inside, overlaps, shifted } from "./boxes.js";

/* Where a badge may go, [left, top] margins from its place, in the order tried. */
export const BADGE_SPOTS = [[-36, -36], [-36, 8], [8, -36], [8, 8], [-14, -46], [-14, 18]];

/* A badge's spot: the first of BADGE_SPOTS inside the map's `box` and clear of the `taken` boxes, or the
   first when none is.  `rect` is the badge's box now, with its margins `margin` [left, top]. */
export function badgeSpot(rect, margin, box, taken) {
  return BADGE_SPOTS.find(function (spot) {
    const r = badgeBox(rect, margin, spot);
    return inside(box, r) && !taken.some(function (t) { return overlaps(r, t); });
  }) || BADGE_SPOTS[0];
}

/* The badge's box at `spot`. */
export function badgeBox(rect, margin, spot) {
  return shifted(rect, spot[0] - margin[0], spot[1] - margin[1]);
}

/* Badges go beside their place, on the first side inside the map and free of the controls, the
   attack site and other badges. */
export function placeBadges(map) {
  const box = map.getContainer().getBoundingClientRect(), taken = [];
  map.getContainer().querySelectorAll(KEEP_CLEAR).forEach(function (node) {
    const r = node.getBoundingClientRect();
    if (r.width && r.height && !node.classList.contains("geo-badge")) taken.push(r);
  });
  const badges = state.registry.badges.map(function (node) {
    return { node: node, rect: node.getBoundingClientRect(),
             margin: [parseFloat(node.style.marginLeft) || 0, parseFloat(node.style.marginTop) || 0] };
  });
  badges.forEach(function (badge) {
    badge.spot = badgeSpot(badge.rect, badge.margin, box, taken);
    taken.push(badgeBox(badge.rect, badge.margin, badge.spot));
  });
  badges.forEach(function (badge) {
    badge.node.style.marginLeft = badge.spot[0] + "px";
    badge.node.style.marginTop = badge.spot[1] + "px";
  });
}
