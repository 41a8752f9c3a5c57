/* The maps' own behaviour: popups and tooltips built as text (never markup),
 * a registry of drawn features for the event list and for tests, and the
 * event list that follows the time control.  Inlined into every map. */
(function () {
  "use strict";
  var HTTP = /^https?:\/\//i;
  var registry = { features: {}, timeline: null, slider: null, map: null };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sourceList(sources) {
    var list = el("ul", null, "geo-sources");
    sources.forEach(function (source) {
      var item = el("li");
      if (source[2] && HTTP.test(source[2])) {
        var link = el("a", source[0]);
        link.href = source[2];
        link.rel = "noopener noreferrer";
        link.target = "_blank";
        item.appendChild(link);
      } else {
        item.appendChild(document.createTextNode(source[0]));
      }
      item.appendChild(document.createTextNode(", " + source[1]));
      list.appendChild(item);
    });
    return list;
  }

  function popup(props) {
    var box = el("div", null, "geo-popup");
    box.appendChild(el("h3", props._n));
    var rows = el("dl");
    (props._p || []).forEach(function (row) {
      rows.appendChild(el("dt", row[0]));
      rows.appendChild(el("dd", row[1]));
    });
    box.appendChild(rows);
    if (props._s && props._s.length) {
      box.appendChild(el("h4", "Sources"));
      box.appendChild(sourceList(props._s));
    }
    return box;
  }

  /* Called for every feature of every layer (folium's onEachFeature). */
  function bind(feature, layer, key) {
    var props = feature.properties;
    if (props._l) {
      layer.bindTooltip(el("span", props._l), { permanent: true, direction: "right", className: "geo-label" });
    } else if (props._t) {
      layer.bindTooltip(el("span", props._t));
    }
    if (props._p) layer.bindPopup(function () { return popup(props); }, { maxWidth: 320 });
    layer.on("add", function () {
      var node = layer.getElement && layer.getElement();
      if (!node) return;
      node.classList.add("geo-f", "geo-f-" + key);
      node.setAttribute("data-feature-id", props.id);
      if (props._p) {
        node.setAttribute("tabindex", "0");
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", props._n || props.id);
        node.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); layer.openPopup(); }
        });
      }
    });
    registry.features[props.id] = layer;
  }

  function drawn(key) {
    return document.querySelectorAll(".geo-f-" + key).length;
  }

  /* The event list beside the timeline map follows the time control. */
  function registerTimeline(map, timeline, slider) {
    registry.map = map;
    registry.timeline = timeline;
    registry.slider = slider;
    var entries = Array.prototype.slice.call(document.querySelectorAll("[data-event-start]"));
    function follow() {
      var now = slider.time;
      entries.forEach(function (entry) {
        var shown = Number(entry.getAttribute("data-event-start")) <= now;
        entry.classList.toggle("is-shown", shown);
      });
    }
    timeline.on("change", follow);
    follow();
    document.querySelectorAll("button[data-event-id]").forEach(function (button) {
      button.addEventListener("click", function () { focusEvent(button.getAttribute("data-event-id")); });
    });
  }

  function focusEvent(id) {
    var entry = document.querySelector('[data-event-id="' + CSS.escape(id) + '"]');
    var start = Number(entry.closest("[data-event-start]").getAttribute("data-event-start"));
    if (registry.slider.time < start) registry.slider.setTime(start);
    var layer = null;
    registry.timeline.getLayers().forEach(function (candidate) {
      if (candidate.feature.properties.id === id) layer = candidate;
    });
    if (!layer) return false;
    registry.map.panTo(layer.getLatLng());
    layer.openPopup();
    return true;
  }

  /* On a phone the legend starts folded, leaving the map visible; it opens with a tap or the keyboard. */
  document.addEventListener("DOMContentLoaded", function () {
    if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
      document.querySelectorAll("details.geo-legend").forEach(function (details) { details.open = false; });
    }
  });

  window.GeoMap = { bind: bind, drawn: drawn, registerTimeline: registerTimeline, focusEvent: focusEvent,
                    registry: registry };
})();
