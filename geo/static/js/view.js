/* The opening view: the recipe's bounds, clear of the controls; the control that goes back to it. */

import { state } from "./state.js";
import { el, icon } from "./dom.js";
import { closeCurrent } from "./popups.js";

export const POINT_ZOOM = 12;  // the opening zoom of a view fitted to one point (a few km across)

/* Two paddings along one axis, scaled down together so they add up to at most `most` px. */
export function clampPair(a, b, most) {
  return a + b <= most ? [a, b] : [a * most / (a + b), b * most / (a + b)];
}

/* The opening view's padding [across, down] ([left, right], [top, bottom]) for a map of `size` ({x, y})
   from the recipe's `pad` [top, right, bottom, left] and the room the controls take on the `left` and
   at the `bottom`: however large they are, the view keeps half the map's width and height. */
export function openingPadding(pad, size, left, bottom) {
  return [clampPair(left, pad[1], size.x / 2), clampPair(pad[0], bottom, size.y / 2)];
}

/* The opening view: the recipe's bounds, clear of the time control along the bottom.  Unless
   `always`, only when the map's size or the controls' room has changed: a refit redraws every layer. */
export function fitHome(map, fit, always) {
  if (!fit) return;
  const pad = fit.padding, timeControl = map.getContainer().querySelector(".leaflet-timeline-control");
  let bottom = pad[2];
  if (timeControl) {
    const box = map.getContainer().getBoundingClientRect();
    bottom = Math.max(bottom, box.bottom - timeControl.getBoundingClientRect().top + 10);
    const caption = map.getContainer().querySelector(".geo-caption");
    if (caption) bottom += 60;  // the caption above it, whatever claim it shows
  }
  // Nothing the opening view shows sits under the zoom buttons down the left side.
  const left = Math.max(pad[3], map.getContainer().querySelector(".leaflet-top.leaflet-left").offsetWidth + 6);
  const size = map.getSize();
  const padding = openingPadding(pad, size, left, bottom), across = padding[0], down = padding[1];
  const key = [size.x, size.y, across, down].join();
  if (key === state.homeFit && !always) return;
  state.homeFit = key;
  const bounds = L.latLngBounds(fit.bounds);
  if (bounds.getNorthEast().equals(bounds.getSouthWest())) {  // one point: no extent to fit
    map.setView(bounds.getCenter(), Math.min(map.getMaxZoom(), POINT_ZOOM), { animate: false });
    return;
  }
  map.fitBounds(bounds, { paddingTopLeft: [across[0], down[0]], paddingBottomRight: [across[1], down[1]],
                          animate: false });
}

/* Called by geo.elements.MapOpening once every layer and control is on the map (the layer control comes
   just after): the opening view, in the room the controls leave (the time control takes the bottom).
   Leaflet draws the layers added before it only now, each once, in that view: the first frame is the
   opening view, with no jump after. */
export function open(map) {
  fitHome(map, state.registry.fit);
}

/* The opening view for another fit target ({bounds, padding}), as a recipe's view would give it. */
export function fitView(fit) { fitHome(state.registry.map, fit, true); }

/* A control that puts the map back to its opening view. */
export function addResetControl(map) {
  const control = L.control({ position: "topleft" });
  control.onAdd = function () {
    const bar = L.DomUtil.create("div", "leaflet-bar geo-reset");
    const button = el("button", null, "geo-reset-button");
    button.appendChild(icon("reset"));
    button.type = "button";
    button.title = "Back to the opening view";
    button.setAttribute("aria-label", "Back to the opening view");
    button.addEventListener("click", function () {
      closeCurrent(false);
      state.registry.home();
    });
    bar.appendChild(button);
    L.DomEvent.disableClickPropagation(bar);
    return bar;
  };
  control.addTo(map);
}
