/* What the first frame can do without (the base map, tiles, the inset, the labels) is done once the
 * story's own layers are drawn; then `registry.settled` tells pictures and tests that nothing more is on
 * its way. */

import { state } from "./state.js";
import { placeLabels } from "./labels.js";

/* Do `work` once the page has opened (the base map, tiles: geo.elements). */
export function afterOpening(work) { state.deferred.push(work); }

/* Do `work` once the page has opened: now, when it has. */
export function whenOpened(work) {
  if (state.registry.settled) work();
  else afterOpening(work);
}

/* In the first frame's next task, or by the page's load event at the latest (for whoever reads the page
   once it has loaded): the deferred work, then the labels. */
export function scheduleDeferred() {
  function run() {
    if (state.registry.settled) return;
    state.registry.settled = true;
    state.deferred.forEach(function (work) { work(); });
    state.opened = true;
    placeLabels();
  }
  window.requestAnimationFrame(function () { window.setTimeout(run, 0); });
  window.addEventListener("load", run);
}
