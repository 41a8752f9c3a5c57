/* Box arithmetic in page pixels: {left, right, top, bottom, width, height}, as getBoundingClientRect gives. */

export function inset(r, by) {
  return { left: r.left + by, right: r.right - by, top: r.top + by, bottom: r.bottom - by,
           width: r.width - 2 * by, height: r.height - 2 * by };
}

export function overlaps(a, b) {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

export function shifted(r, dx, dy) {
  return { left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy, width: r.width,
           height: r.height };
}

/* Whether box `r` lies inside the map's box with 2 px to spare (nothing is cut at the edge). */
export function inside(box, r) {
  return r.left >= box.left + 2 && r.right <= box.right - 2 && r.top >= box.top + 2 && r.bottom <= box.bottom - 2;
}

/* How far `point` ({x, y}) is from box `r`: 0 inside it. */
export function distanceToBox(point, r) {
  const dx = Math.max(r.left - point.x, 0, point.x - r.right), dy = Math.max(r.top - point.y, 0, point.y - r.bottom);
  return Math.sqrt(dx * dx + dy * dy);
}
