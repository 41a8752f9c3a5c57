/* The map, set up before any layer is drawn (GeoMap.setup, geo.elements.MapSetup): panes, the area
 * labels, the controls' icons and the reset control, Escape, the frame, refitting as the map resizes. */

import { state } from "./state.js";
import { icon } from "./dom.js";
import { makeLabel, scheduleLabels } from "./labels.js";
import { closeCurrent } from "./popups.js";
import { whenOpened, scheduleDeferred } from "./opening.js";
import { fitHome, addResetControl } from "./view.js";
import { frameMap } from "./frame.js";

export function setup(map, options) {
  const registry = state.registry;
  registry.map = map;
  const top = map.createPane("geo-top");
  top.style.zIndex = 640;  // the attack site above claims and stations
  map.getPane("mapPane").insertBefore(top, map.getPane("mapPane").firstChild);  // and first in the Tab order
  map.createPane("geo-badges").style.zIndex = 645;  // claim badges beside it, never under its tap area
  map.createPane("geo-tallies").style.zIndex = 635;  // counts of claims at a place, under the attack site
  map.on("popupclose", function (event) {
    if (state.current && state.current.popup === event.popup) closeCurrent(true);
  });
  map.on("zoomend moveend resize overlayadd overlayremove layeradd", scheduleLabels);
  // The credit line names the basemap shown: matched by its place in the recipe, never by its name
  // (the layer control holds the name as HTML, the credit as text).
  map.on("baselayerchange", function (event) {
    document.querySelectorAll("[data-basemap]").forEach(function (credit) {
      credit.hidden = credit.getAttribute("data-basemap") !== String(event.layer.options.geoBasemap);
    });
  });
  (options.areaLabels || []).forEach(function (area) {
    const tooltip = makeLabel(area.text, { direction: "center", className: "geo-label geo-area-label" }).setLatLng(area.at[0]);
    whenOpened(function () { tooltip.addTo(map); });
    registry.labels.push({ layer: { getTooltip: function () { return tooltip; } }, rank: area.rank || 0,
                           order: registry.labels.length, fixed: true, anchors: area.at, inOrder: true });
  });
  if (map.zoomControl) {
    ["zoom-in", "zoom-out"].forEach(function (name) {
      const link = map.zoomControl.getContainer().querySelector(".leaflet-control-" + name);
      link.textContent = "";  // not replaceChildren: the maps still open in browsers from before 2020
      link.appendChild(icon(name));
    });
  }
  addResetControl(map);
  if (state.framed) frameMap(map, options.map);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.current) { event.preventDefault(); closeCurrent(true); }
  });
  let moved = false;  // by the reader: then a change of frame size keeps their view
  map.on("dragstart", function () { moved = true; });
  map.getContainer().addEventListener("wheel", function () { moved = true; }, { passive: true });
  registry.home = function () { fitHome(map, options.fit, true); };
  registry.fit = options.fit;  // the opening view is set by open(), once every control is in
  scheduleDeferred();
  if (window.ResizeObserver) {  // the page's grid can resize the map without a window resize
    new ResizeObserver(function () {
      map.invalidateSize();
      if (!moved && !state.current) fitHome(map, options.fit);
      scheduleLabels();
    }).observe(map.getContainer());
  }
}
