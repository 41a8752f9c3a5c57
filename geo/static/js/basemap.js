/* The base map under everything: countries, provinces, rivers, cities and shaded relief (geo/context.py),
 * and the locator inset. */

import { state } from "./state.js";
import { PHONE } from "./dom.js";
import { makeLabel, scheduleLabels } from "./labels.js";
import { afterOpening } from "./opening.js";

export const CONTEXT_STYLE = {
  country: { color: "#8c8c8c", weight: 0.8, fillColor: "#ebe8e1", fillOpacity: 1 },
  subject: { color: "#8c8c8c", weight: 0.8, fillColor: "#fbfaf6", fillOpacity: 1 },
  province: { color: "#a3a3a3", weight: 0.8, dashArray: "4 3", fill: false },
  river: { color: "#8fb8d8", weight: 1.2, fill: false },
  city: { radius: 2.5, color: "#4d4d4d", weight: 1, opacity: 1, fillColor: "#ffffff", fillOpacity: 1 },
};
export const CONTEXT_ZOOMS = { country: [0, 10], province: [5, 10], city: [0, 20] };
const CONTEXT_ORDER = 1e6;  // the base map's names come after the layers' among labels of one rank
const CITY_LABEL_ROOM = 10;  // px kept clear around a base-map city's name: fewer, calmer names

/* The base map (GeoMap.context, after the opening: geo.elements.ContextLayer). */
export function context(map, data) {
  const registry = state.registry;
  const pane = map.createPane("geo-context");
  pane.style.zIndex = 150;  // below the tiles (200): where tiles load, they cover it
  pane.style.pointerEvents = "none";
  const container = map.getContainer();
  container.classList.add("geo-has-context");
  // One canvas for the whole base map: ~60 shapes and dots that no reader clicks need no SVG nodes.
  const base = { pane: "geo-context", interactive: false, renderer: L.canvas({ pane: "geo-context" }) };
  data.countries.forEach(function (country) {
    L.geoJSON(country.geometry, L.extend({ style: CONTEXT_STYLE[country.subject ? "subject" : "country"] }, base))
      .addTo(map);
  });
  (data.rivers || []).forEach(function (river) { L.geoJSON(river, L.extend({ style: CONTEXT_STYLE.river }, base)).addTo(map); });
  data.lines.forEach(function (line) { L.geoJSON(line, L.extend({ style: CONTEXT_STYLE.province }, base)).addTo(map); });
  (data.relief || []).forEach(function (relief) { reliefImage(map, relief); });
  // Names and city dots are made when they first come into view: at a story's zoom most of the
  // region's ~60 names lie off the map, and making them all would slow a phone's first view.
  let pending = [];
  function areaLabel(area, kind) {
    const tooltip = makeLabel(area.name, { direction: "center", className: "geo-label geo-context-label geo-context-" + kind })
      .setLatLng(area.at[0]);
    tooltip.addTo(map);
    return { layer: { getTooltip: function () { return tooltip; } }, rank: data.ranks[kind], fixed: true,
             anchors: area.at, context: true, minZoom: CONTEXT_ZOOMS[kind][0], maxZoom: CONTEXT_ZOOMS[kind][1] };
  }
  function cityLabel(city) {
    const dot = L.circleMarker(city.at, L.extend({}, CONTEXT_STYLE.city, base)).addTo(map);
    dot.bindTooltip(makeLabel(city.name, { direction: "right", offset: [4, 0],
                                           className: "geo-label geo-context-label geo-context-city" }, dot));
    return { layer: dot, rank: data.ranks.city, texts: [city.name], context: true, pad: CITY_LABEL_ROOM,
             dot: CONTEXT_STYLE.city, dotShown: true };
  }
  data.countries.forEach(function (country) {
    pending.push({ at: country.at, make: function () { return areaLabel(country, "country"); } });
  });
  data.provinces.forEach(function (province) {
    pending.push({ at: province.at, make: function () { return areaLabel(province, "province"); } });
  });
  data.cities.forEach(function (city) { pending.push({ at: [city.at], make: function () { return cityLabel(city); } }); });
  pending.forEach(function (item, index) { item.order = CONTEXT_ORDER + index; });
  registry.beforeLabels.push(function () {
    const view = map.getBounds().pad(0.2);
    pending = pending.filter(function (item) {
      if (!item.at.some(function (at) { return view.contains(at); })) return true;
      registry.labels.push(L.extend(item.make(), { order: item.order }));
      return false;
    });
  });
  // Where a basemap's tiles load they cover the context: its names step aside.
  map.on("layeradd", function (event) {
    if (!(event.layer instanceof L.TileLayer)) return;
    event.layer.on("tileload", function () {
      if (container.classList.contains("geo-tiles-shown")) return;
      container.classList.add("geo-tiles-shown");
      scheduleLabels();
    });
  });
}

/* Shaded relief: a grey image multiplied onto the base map's colours (geomap.css), above its canvas and
   below the tiles, shown only while the map is zoomed out enough for its cells not to blur. */
function reliefImage(map, relief) {
  const pane = map.getPane("geo-relief") || map.createPane("geo-relief");
  pane.style.zIndex = 160;
  pane.style.pointerEvents = "none";
  L.imageOverlay(relief.image, relief.bounds, { pane: "geo-relief", interactive: false, alt: "" }).addTo(map);
  function show() { pane.hidden = map.getZoom() > relief.maxZoom; }
  map.on("zoomend", show);
  show();
}

/* The locator inset (GeoMap.locatorInset, geo.elements.LocatorInset): hidden on phones, so made only where
   it shows, and after the opening view. */
export function locatorInset(make) {
  const phone = window.matchMedia(PHONE);
  let made = false;
  function run() {
    if (made || phone.matches) return;
    made = true;
    make();
    scheduleLabels();
  }
  afterOpening(run);
  if (phone.addEventListener) phone.addEventListener("change", run);
}
