/* Each feature of each layer: its label or hover text, its popup, its tab stop, its badge and tap area. */

import { state, layerState } from "./state.js";
import { el, dataEl } from "./dom.js";
import { makeLabel } from "./labels.js";
import { openFeature } from "./popups.js";
import { whenOpened } from "./opening.js";

/* Called for every feature of every layer (GeoMap.bind, folium's onEachFeature). */
export function bind(feature, layer, key) {
  const K = state.keys, registry = state.registry;
  const props = feature.properties;
  const meta = state.page.layers[key] || {};
  const own = layerState(layer);
  own.key = key;
  if (props[K.label]) {
    const beside = props[K.label_at] ? { direction: "center", offset: [0, 0] } : { direction: "right", offset: [6, 0] };
    const label = makeLabel(props[K.label], L.extend({ className: "geo-label" }, beside), layer);
    if (props[K.label_at]) {
      // An area's label opens at its first anchor, not where Leaflet opens a bound tooltip (the area's
      // centre); placeLabels then moves it to the first of its anchors with room.
      const first = L.latLng(props[K.label_at][0]);
      layer.on("tooltipopen", function (event) { if (event.tooltip === label) label.setLatLng(first); });
    }
    whenOpened(function () { layer.bindTooltip(label); });  // hidden until placed: no need to make it sooner
    registry.labels.push({ layer: layer, rank: props[K.label_rank] || 0, order: registry.labels.length,
                           texts: [props[K.label], props[K.label_short]].filter(Boolean),
                           anchors: props[K.label_at], inOrder: true });  // an area's: places inside it, roomiest first
  } else if (props[K.tooltip] || meta.tooltip) {
    const hover = el("span");
    hover.appendChild(dataEl("span", props[K.tooltip] || props[K.name]));
    if (props[K.tooltip_ur]) {  // the Urdu name marked as Urdu (WCAG 2.2 3.1.2): an Urdu voice, right to left
      hover.appendChild(document.createTextNode(" · "));
      hover.appendChild(dataEl("span", props[K.tooltip_ur], null, true));
    }
    whenOpened(function () { layer.bindTooltip(hover); });  // no pointer reaches it before the first frame
  }
  const opens = props[K.values] || props[K.rows] || props[K.sources];
  if (opens) {
    layer.on("click", function (event) {
      L.DomEvent.stop(event);
      openFeature(layer, layer.getLatLng ? null : event.latlng);
    });
  }
  const shown = registry.byKey[key] = registry.byKey[key] || new Set();
  layer.on("add", function () {
    shown.add(layer);
    const node = layer.getElement && layer.getElement();
    if (!node) return;  // drawn on a canvas
    node.classList.add("geo-f", "geo-f-" + key);
    node.setAttribute("data-feature-id", props.id);
    if (props[K.offset]) node.style.transform = "translate(" + props[K.offset][0] + "px," + props[K.offset][1] + "px)";
    // Only places are tab stops: lines and areas are not, and claims are reached through the list.
    if (opens && meta.focusable) focusable(node, layer, props[K.name] || props.id);
    // A badge takes its side when the labels are placed, and the tap area is unseen: both can wait
    // (once, however often a time control adds the layer before then).
    if (own.extrasPending) return;
    own.extrasPending = true;
    whenOpened(function () {
      own.extrasPending = false;
      if (!shown.has(layer)) return;  // taken off the map again before the opening was over
      if (props[K.count]) addBadge(layer, props);
      if (meta.target) addTarget(layer);
    });
  });
  layer.on("remove", function () {
    shown.delete(layer);
    own.extras.forEach(function (added) { added.remove(); });
    own.extras.length = 0;
  });
}

/* How many features of a layer are on the map now (GeoMap.drawn). */
export function drawn(key) {
  return state.registry.byKey[key] ? state.registry.byKey[key].size : 0;
}

function focusable(node, layer, name) {
  node.setAttribute("tabindex", "0");
  node.setAttribute("role", "button");
  node.setAttribute("aria-label", name);
  node.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openFeature(layer, null, node); }
  });
}

/* Something drawn with a feature (its badge, its tap area): taken off the map with it. */
function extra(layer, added) {
  layerState(layer).extras.push(added);
  added.addTo(state.registry.map);
  return added;
}

/* A stack of claims: a numbered badge beside the place (the place itself keeps a small dot); placed
   with the labels (badges.js). */
function addBadge(layer, props) {
  const K = state.keys, badges = state.registry.badges;
  const icon = L.divIcon({ className: "geo-badge", html: "", iconSize: [28, 28], iconAnchor: [36, 36] });
  const badge = extra(layer, L.marker(layer.getLatLng(), { icon: icon, keyboard: true, pane: "geo-badges",
                                                          title: props[K.name], alt: props[K.name] }));
  const node = badge.getElement();
  badges.push(node);
  badge.on("remove", function () { badges.splice(badges.indexOf(node), 1); });
  node.textContent = String(props[K.count]);
  node.setAttribute("role", "button");
  node.setAttribute("aria-label", props[K.name]);
  node.setAttribute("data-badge-for", props.id);
  badge.on("click", function () { openFeature(layer, null, node); });
  node.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openFeature(layer, null, node); }
  });
}

/* The attack site answers a tap anywhere within 22 px of its centre (a 44 px target). */
function addTarget(layer) {
  const target = extra(layer, L.circleMarker(layer.getLatLng(), { radius: 22, stroke: false, fillOpacity: 0,
                                                                  pane: layer.options.pane }));
  target.getElement().setAttribute("aria-hidden", "true");
  target.on("click", function (event) { L.DomEvent.stop(event); openFeature(layer); });
}
