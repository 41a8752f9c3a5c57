/* Inside an article's frame: the other half of geo/templates/embed.html.
 *
 * No scroll trap in an article: one finger and the plain wheel scroll the article, two fingers and
 * ctrl + wheel move the map (leaflet-gesture-handling).  Once everything has drawn, the article is told,
 * and told again whenever the page's height changes. */

import { state } from "./state.js";

export const EMBED_MESSAGE = "geo-map";  // the type the embed's script listens for (geo/embed.py)
export const HEIGHT_EVERY_MS = 150;  // at most one height message this often while the frame is resized
export const GESTURE_TEXT = { touch: "Use two fingers to move the map", scroll: "Use ctrl + scroll to zoom the map",
                              scrollMac: "Use \u2318 + scroll to zoom the map" };  // the page's language, not the reader's

/* At the script's start, before the body is laid out: whether the page is in a frame; there, the page is
   as tall as its content (geomap.css, .geo-framed) and an error keeps the article's picture. */
export function startFrame() {
  state.framed = window.self !== window.top;
  if (!state.framed) return;
  document.documentElement.classList.add("geo-framed");
  window.addEventListener("error", function () { state.failed = true; });
  window.addEventListener("unhandledrejection", function () { state.failed = true; });
}

/* The map in a frame: gestures as in an article; the article told it drew (GeoMap.setup). */
export function frameMap(map, name) {
  map.options.gestureHandlingOptions = { text: GESTURE_TEXT, duration: 1000 };
  map.gestureHandling.enable();
  window.addEventListener("load", function () {
    Promise.all([state.registry.ready, state.page.ready]).then(function () {
      // A timeout, not an animation frame: a hidden frame of another origin gets no frames until it is shown.
      window.setTimeout(function () {
        if (state.failed) return;
        tellHost(name);
        followHeight(name);
      }, 0);
    }, function () { state.failed = true; });
  });
}

function contentHeight() { return Math.ceil(document.body.getBoundingClientRect().height); }

function tellHost(name) {
  // Any origin may read it (the article's is unknown here): it says only that this map drew, and its height.
  window.parent.postMessage({ type: EMBED_MESSAGE, map: name, drawn: true, height: contentHeight() }, "*");
}

function followHeight(name) {
  let last = contentHeight(), timer = null;
  function check() {
    timer = null;
    if (contentHeight() !== last) { last = contentHeight(); tellHost(name); }
  }
  function soon() { if (timer === null) timer = window.setTimeout(check, HEIGHT_EVERY_MS); }
  window.addEventListener("resize", soon);
  if (window.ResizeObserver) new ResizeObserver(soon).observe(document.body, { box: "border-box" });
}
