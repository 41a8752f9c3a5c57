/* The page as printed, and as the PNGs show it (geo.browser.PRINT_MODE calls GeoMap.printView;
 * geomap.css .geo-print): no interactive controls, the key open, the source line.  Printed from the
 * browser, it is put back as it was afterwards: `state.openedForPrint` holds the keys it opened, null
 * when it is not in print view by this. */

import { state } from "./state.js";

export function startPrint() {
  const root = document.documentElement;
  if (root.classList.contains("geo-print")) return;  // a picture being taken, or printing already
  root.classList.add("geo-print");
  state.openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details.geo-legend"),
                                                     function (d) { return !d.open; });
  state.openedForPrint.forEach(function (details) { details.open = true; });
}

export function endPrint() {
  if (state.openedForPrint === null) return;
  document.documentElement.classList.remove("geo-print");
  state.openedForPrint.forEach(function (details) { details.open = false; });
  state.openedForPrint = null;
}

/* Into print view and out of it with the browser's printing, a print preview, or print media emulated. */
export function followPrinting() {
  window.addEventListener("beforeprint", startPrint);
  window.addEventListener("afterprint", endPrint);
  const printMedia = window.matchMedia("print");
  printMedia.addEventListener("change", function () { (printMedia.matches ? startPrint : endPrint)(); });
}
