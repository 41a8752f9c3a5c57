/* Where the maps reach past a library's public API.  One adapter function per library, each saying why;
 * nothing else in geo/static/js/ touches a member whose name starts with an underscore.
 *
 * leaflet.timeline: none.  Its slider is driven through its public members (container, time, start,
 * end, setTime, play, pause, toggle) and its range input found in its container (timeline.js).
 * Leaflet: Tooltip._setPosition, below. */

/* Leaflet's arithmetic for a tooltip's corner (Tooltip._setPosition): the share of its size it
   moves left and up for each direction; the stylesheet adds a margin per direction. */
export const SIDE_SHIFT = { right: [0, 0.5], left: [1, 0.5], bottom: [0.5, 0], top: [0.5, 1], center: [0.5, 0.5] };

let Label = null;

/* Leaflet adapter: the class of our permanent labels, an L.Tooltip that Leaflet moves by the size
   placeLabels measured for its text (`measured`, [width, height]), instead of reading the page's layout
   for each label it adds or moves (Tooltip._setPosition reads offsetWidth and offsetHeight: a phone's load
   would lay the page out once per label).  Hidden until placeLabels has placed it.
   PRIVATE: overrides L.Tooltip's `_setPosition(pos)` (Leaflet 1.9.4), which Leaflet calls to position a
   tooltip when it opens, on update() and on every frame of a zoom animation; Leaflet has no public
   way to position a tooltip itself.  Made on first use: Leaflet is loaded before the page's script,
   but the modules are also imported by unit tests without it. */
export function labelTooltipClass() {
  if (Label) return Label;
  Label = L.Tooltip.extend({
    options: { permanent: true, interactive: false, opacity: 1 },
    onAdd: function (map) {
      L.Tooltip.prototype.onAdd.call(this, map);
      if (!this.measured) this.getElement().classList.add("geo-label-hidden");
    },
    _setPosition: function (pos) {
      const node = this.getElement(), side = this.options.direction, size = this.measured || [0, 0];
      const shift = SIDE_SHIFT[side] || SIDE_SHIFT.right;
      pos = pos.subtract(L.point(size[0] * shift[0], size[1] * shift[1], true)).add(L.point(this.options.offset));
      Object.keys(SIDE_SHIFT).forEach(function (s) { node.classList.toggle("leaflet-tooltip-" + s, s === side); });
      L.DomUtil.setPosition(node, pos);
    },
  });
  return Label;
}
