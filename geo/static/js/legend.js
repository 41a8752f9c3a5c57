/* The key (legend): folded on a phone, leaving the map visible; it opens with a tap or the keyboard, and
 * the labels make room for it as it opens or closes. */

import { isPhone } from "./dom.js";
import { scheduleLabels } from "./labels.js";

export function foldKeyOnPhones() {
  document.addEventListener("DOMContentLoaded", function () {
    if (isPhone()) {
      document.querySelectorAll("details.geo-legend").forEach(function (details) { details.open = false; });
    }
    document.querySelectorAll("details.geo-legend").forEach(function (details) {
      details.addEventListener("toggle", scheduleLabels);
    });
  });
}
