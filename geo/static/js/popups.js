/* Popups that fit the screen (a bottom sheet on phones), close with Escape and give the view and the
 * focus back. */

import { state, layerState } from "./state.js";
import { HTTP, el, dataEl, isPhone } from "./dom.js";
import { rows } from "./page.js";

export function sourceList(ids) {
  const list = el("ul", null, "geo-sources");
  ids.forEach(function (id) {
    const source = state.page.sources[id];
    const item = el("li");
    if (source[2] && HTTP.test(source[2])) {
      const link = dataEl("a", source[0]);
      link.href = source[2];
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      item.appendChild(link);
    } else {
      item.appendChild(el("bdi", source[0]));
    }
    item.appendChild(document.createTextNode(", " + source[1]));
    list.appendChild(item);
  });
  return list;
}

export function popup(props, key) {
  const K = state.keys;
  const box = el("div", null, "geo-popup");
  const heading = dataEl("h2", props[K.name]);
  heading.tabIndex = -1;  // where the focus goes when the popup opens
  box.appendChild(heading);
  const list = el("dl");
  rows(props, key).forEach(function (row) {
    list.appendChild(el("dt", row[0]));
    list.appendChild(dataEl("dd", row[1], null, row[2]));
  });
  box.appendChild(list);
  if (props[K.sources] && props[K.sources].length) {
    box.appendChild(el("h3", "Sources"));
    box.appendChild(sourceList(props[K.sources]));
  }
  return box;
}

/* How far the controls reach into the map from its top and from its bottom: [top, bottom] in px; only those
   across the columns `left`..`right` (px from the map's left) count, where the popup will be. */
function controlsBox(map, left, right) {
  const box = map.getContainer().getBoundingClientRect();
  let top = 0, bottom = 0;
  map.getContainer().querySelectorAll(".leaflet-control").forEach(function (control) {
    const r = control.getBoundingClientRect();
    if (!r.width || !r.height || r.right - box.left <= left || r.left - box.left >= right) return;
    if (r.top - box.top < box.height / 2) top = Math.max(top, r.bottom - box.top);
    else bottom = Math.max(bottom, box.bottom - r.top);
  });
  return [top, bottom];
}

function anchorOf(layer) {
  if (layer.getLatLng) return layer.getLatLng();
  return layer.getCenter ? layer.getCenter() : layer.getBounds().getCenter();
}

/* Open a feature's popup (a sheet on phones); `from` gets the focus back on closing. */
export function openFeature(layer, latlng, from) {
  const map = state.registry.map;
  const view = state.current ? state.current.view : { center: map.getCenter(), zoom: map.getZoom() };
  closeCurrent(false);
  const content = popup(layer.feature.properties, layerState(layer).key);
  const node = layer.getElement && layer.getElement();
  state.current = { view: view, returnTo: from || (node && node.getAttribute("tabindex") ? node : null), layer: layer };
  if (isPhone()) {
    showSheet(map, content, latlng || anchorOf(layer));
  } else {
    const size = map.getSize(), width = Math.min(320, size.x - 40);
    // The popup opens centred over its place, moved in from the sides where it would run off the map.
    const x = map.latLngToContainerPoint(latlng || anchorOf(layer)).x;
    const left = Math.min(Math.max(x - width / 2 - 12, 0), size.x - width - 24);
    const reach = controlsBox(map, left, left + width + 24);
    state.current.popup = L.popup({
      maxWidth: width, minWidth: Math.min(200, size.x - 60),
      // Between the controls above and below it (its heading, tip and the panning margins take 80 px): a
      // popup taller than that room was panned under the time control, its sources hidden.
      maxHeight: Math.max(120, size.y - reach[0] - reach[1] - 80), className: "geo-leaflet-popup",
      autoPanPaddingTopLeft: L.point(12, reach[0] + 8), autoPanPaddingBottomRight: L.point(12, reach[1] + 8),
    }).setLatLng(latlng || anchorOf(layer)).setContent(content);
    state.current.popup.openOn(map);
  }
  content.querySelector("h2").focus({ preventScroll: true });
  map.fire("geo:open", { layer: layer });  // the record marks the incident's entry and strip mark (record.js)
}

/* Close the open popup or sheet; with `restore`, the view and the focus go back to where they were. */
export function closeCurrent(restore) {
  if (!state.current) return;
  const closing = state.current, map = state.registry.map;
  state.current = null;  // popupclose below must not restore a second time
  if (closing.popup) map.closePopup(closing.popup);
  if (closing.sheet) closing.sheet.remove();
  map.fire("geo:close");
  if (restore) {
    map.setView(closing.view.center, closing.view.zoom, { animate: false });
    if (closing.returnTo && document.contains(closing.returnTo)) closing.returnTo.focus({ preventScroll: true });
  }
}

/* The phone's bottom sheet: the popup's content below the map's place, which stays in sight above it. */
function showSheet(map, content, latlng) {
  const sheet = L.DomUtil.create("div", "geo-sheet", map.getContainer());
  sheet.setAttribute("role", "dialog");
  sheet.setAttribute("aria-label", content.querySelector("h2").textContent);
  const close = el("button", "Close", "geo-sheet-close");
  close.type = "button";
  close.addEventListener("click", function () { closeCurrent(true); });
  sheet.appendChild(close);
  const body = el("div", null, "geo-sheet-body");
  body.appendChild(content);
  sheet.appendChild(body);
  L.DomEvent.disableClickPropagation(sheet);
  L.DomEvent.disableScrollPropagation(sheet);
  state.current.sheet = sheet;
  map.panInside(latlng, { paddingTopLeft: [20, 20], paddingBottomRight: [20, sheet.offsetHeight + 20],
                          animate: false });
}
