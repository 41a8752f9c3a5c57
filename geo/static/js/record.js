/* The corridor's record (geo.record): the list of incidents beside the map, its filters by year and kind,
 * and the strip diagram below the map, linked with the map both ways by each incident's id
 * (`data-incident`).  Picking an entry or a mark opens the incident on the map; opening an incident on
 * the map marks its entry and its mark.  Which incidents a filter keeps is worked out from arguments
 * (tests/js/record.test.mjs). */

import { state } from "./state.js";
import { openFeature, closeCurrent } from "./popups.js";

/* The ids a filter keeps: each item ({id, year, kind}) whose year and kind are both ticked. */
export function keptIds(items, years, kinds) {
  return items.filter(function (item) { return years.has(item.year) && kinds.has(item.kind); })
    .map(function (item) { return item.id; });
}

/* What the count line says when `shown` of `total` incidents are shown. */
export function countText(shown, total) {
  if (shown === total) return "All " + total + " incidents shown.";
  if (shown === 0) return "No incident matches: tick a year and a kind.";
  return shown + " of " + total + " incidents shown.";
}

function ticked(form, name) {
  const values = new Set();
  form.querySelectorAll("input[name='" + name + "']").forEach(function (box) { if (box.checked) values.add(box.value); });
  return values;
}

/* GeoMap.registerRecord (geo.elements.RecordPanel): the incidents layer `group` of `map`, drawn as `key`. */
export function registerRecord(map, group, key) {
  const aside = document.getElementById("geo-record"), form = aside.querySelector(".geo-record-filters");
  const status = aside.querySelector(".geo-record-count");
  const byId = {};
  group.eachLayer(function (layer) { byId[layer.feature.properties.id] = layer; });
  const items = Array.prototype.map.call(aside.querySelectorAll(".geo-record-list li"), function (li) {
    return { id: li.getAttribute("data-incident"), year: li.getAttribute("data-year"), kind: li.getAttribute("data-kind") };
  });
  const linked = document.querySelectorAll("[data-incident]");  // list entries, strip marks, table rows

  function apply() {
    const kept = new Set(keptIds(items, ticked(form, "year"), ticked(form, "kind")));
    linked.forEach(function (node) {
      const shown = kept.has(node.getAttribute("data-incident"));
      if (node instanceof SVGElement) node.classList.toggle("is-filtered", !shown);
      else node.hidden = !shown;
    });
    items.forEach(function (item) {
      const layer = byId[item.id];
      if (!layer) return;
      if (kept.has(item.id) && !group.hasLayer(layer)) group.addLayer(layer);
      if (!kept.has(item.id) && group.hasLayer(layer)) {
        if (state.current && state.current.layer === layer) closeCurrent(false);
        group.removeLayer(layer);
      }
    });
    status.textContent = countText(kept.size, items.length);
  }

  function select(id, from) {
    const layer = byId[id];
    if (!layer || !group.hasLayer(layer)) return;
    if (!map.hasLayer(group)) map.addLayer(group);  // switched off in the layer control: the pick shows it
    const box = map.getContainer().getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) map.getContainer().scrollIntoView({ block: "nearest" });
    openFeature(layer, null, from);
  }

  function markCurrent(id) {
    linked.forEach(function (node) {
      const current = node.getAttribute("data-incident") === id;
      if (node instanceof SVGElement) node.classList.toggle("is-current", current);
      else if (current) node.setAttribute("aria-current", "true");
      else node.removeAttribute("aria-current");
    });
  }

  form.hidden = false;  // without the script, every incident is listed and nothing filters
  form.addEventListener("change", apply);
  aside.addEventListener("click", function (event) {
    const button = event.target.closest(".geo-record-show");
    if (button) select(button.closest("li").getAttribute("data-incident"), button);
  });
  document.querySelectorAll(".geo-strip-mark").forEach(function (mark) {
    const id = mark.getAttribute("data-incident");
    mark.addEventListener("click", function () { select(id, mark); });
    mark.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(id, mark); }
    });
  });
  map.on("geo:open", function (event) {
    markCurrent(event.layer && byId[event.layer.feature.properties.id] === event.layer ? event.layer.feature.properties.id : null);
  });
  map.on("geo:close", function () { markCurrent(null); });
  state.registry.record = { key: key, apply: apply, select: select };
}
