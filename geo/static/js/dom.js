/* Elements built as text (textContent), never markup; data strings isolated in their own direction. */

export const HTTP = /^https?:\/\//i;  // only these source URLs become links

// A phone held either way: narrow, or short when turned sideways.  The same query opens the phone blocks of
// geomap.css and timeline.css; their rules only make a page shorter or change what lies inside the map, so
// an article's frame (whose height follows the page's) never flips between layouts.
export const PHONE = "(max-width: 600px), (max-height: 500px)";

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/* An element holding one string from the data: isolated in its own direction (dir="auto"), so a name
   holding a right-to-left override cannot reorder the text around it; Urdu is marked as Urdu. */
export function dataEl(tag, text, className, urdu) {
  const node = el(tag, text, className);
  if (urdu) { node.lang = "ur"; node.dir = "rtl"; } else node.dir = "auto";
  return node;
}

/* Words of ours with one string from the data in them ("Claimed by: ..."): the data in a <bdi>. */
export function phrase(tag, before, text, className) {
  const node = el(tag, before, className);
  node.appendChild(el("bdi", text));
  return node;
}

/* Text for an attribute (no element to isolate in): the data string between FSI and PDI. */
export function isolated(text) { return "\u2068" + text + "\u2069"; }

/* Control icons are drawn, not set in type: a glyph at its own size and weight would be one more font
   for a phone to look up before its first frame (and "⟲" looks different in every typeface). */
export const ICONS = {  // by the control's class: leaflet-control-zoom-in, ...
  "zoom-in": "M8 3v10M3 8h10",
  "zoom-out": "M3 8h10",
  reset: "M3.3 6.3A5.2 5.2 0 1 1 3.7 11.5M6.2 5.4L2.8 7.4 2.1 3.5",
};

export function icon(name) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("class", "geo-icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.appendChild(path);
  return svg;
}

export function isPhone() { return window.matchMedia && window.matchMedia(PHONE).matches; }

/* What names and counts on the map never cover: the controls, the bottom sheet, badges, the attack site. */
export const KEEP_CLEAR = ".leaflet-control, .geo-sheet, .geo-badge, .leaflet-geo-top-pane .geo-f, .geo-symbol";
