/* The maps' own behaviour, inlined into every page:
 * - popups, tooltips and labels built as text (textContent), never markup;
 * - only http(s) source URLs become links;
 * - a registry of drawn features, for the event list and for tests;
 * - the event list beside the timeline map, built from the timeline's data
 *   and following the time control. */
(function () {
  "use strict";
  var HTTP = /^https?:\/\//i;
  var LIST_ALL_UP_TO = 1000;  // longer timelines list a window of events around the slider's time
  var LIST_WINDOW = 200;
  var page = { sources: [], strings: [], layers: {}, ready: Promise.resolve() };
  var registry = { byKey: {}, features: {}, timeline: null, slider: null, map: null };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function sourceList(ids) {
    var list = el("ul", null, "geo-sources");
    ids.forEach(function (id) {
      var source = page.sources[id];
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

  function rows(props, key) {
    if (props._r) return props._r;
    var meta = page.layers[key] || { labels: [] };
    var out = [];
    (props._v || []).forEach(function (index, i) {
      if (index !== null && index !== undefined) out.push([meta.labels[i], page.strings[index]]);
    });
    return out;
  }

  function value(props, key, field) {
    var meta = page.layers[key];
    var i = meta ? meta.fields.indexOf(field) : -1;
    var index = i >= 0 && props._v ? props._v[i] : null;
    return index === null || index === undefined ? null : page.strings[index];
  }

  function popup(props, key) {
    var box = el("div", null, "geo-popup");
    box.appendChild(el("h3", props._n));
    var list = el("dl");
    rows(props, key).forEach(function (row) {
      list.appendChild(el("dt", row[0]));
      list.appendChild(el("dd", row[1]));
    });
    box.appendChild(list);
    if (props._s && props._s.length) {
      box.appendChild(el("h4", "Sources"));
      box.appendChild(sourceList(props._s));
    }
    return box;
  }

  /* Called for every feature of every layer (folium's onEachFeature). */
  function bind(feature, layer, key) {
    var props = feature.properties;
    var meta = page.layers[key] || {};
    if (props._l) {
      layer.bindTooltip(el("span", props._l), { permanent: true, direction: "right", className: "geo-label" });
    } else if (props._t || meta.tooltip) {
      layer.bindTooltip(el("span", props._t || props._n));
    }
    if (props._v || props._r || props._s) layer.bindPopup(function () { return popup(props, key); }, { maxWidth: 320 });
    var drawn = registry.byKey[key] = registry.byKey[key] || new Set();
    layer.on("add", function () {
      drawn.add(layer);
      var node = layer.getElement && layer.getElement();
      if (!node) return;  // drawn on a canvas
      node.classList.add("geo-f", "geo-f-" + key);
      node.setAttribute("data-feature-id", props.id);
      if (layer.getPopup()) {
        node.setAttribute("tabindex", "0");
        node.setAttribute("role", "button");
        node.setAttribute("aria-label", props._n || props.id);
        node.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); layer.openPopup(); }
        });
      }
    });
    layer.on("remove", function () { drawn.delete(layer); });
    registry.features[props.id] = layer;
  }

  /* How many features of a layer are on the map now. */
  function drawn(key) {
    return registry.byKey[key] ? registry.byKey[key].size : 0;
  }

  /* The page's shared texts: given directly, or as a promise when they travel compressed. */
  function define(layers, texts) {
    page.layers = layers;
    function use(value) { page.sources = value.sources; page.strings = value.strings; }
    if (texts instanceof Promise) page.ready = texts.then(use);
    else use(texts);
  }

  /* Large timelines travel gzip-compressed and base64-encoded inside the page. */
  function inflate(base64) {
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  /* The event list beside the timeline map, once the timeline's data is ready. */
  function registerTimeline(map, timeline, slider, key, ready) {
    registry.map = map;
    registry.timeline = timeline;
    registry.slider = slider;
    registry.ready = Promise.all([ready, page.ready]).then(function (values) {
      var data = values[0];
      listEvents(timeline, slider, key, data.features);
      slider.setTime(slider.time === undefined ? slider.start : slider.time);
      registry.loaded = true;
    });
  }

  function listEvents(timeline, slider, key, events) {
    var list = document.querySelector(".geo-event-list");
    var entries = [];

    function entry(feature) {
      var props = feature.properties;
      var item = el("li");
      item.setAttribute("data-event-start", props.start);
      var button = el("button", props._n);
      button.type = "button";
      button.setAttribute("data-event-id", props.id);
      button.addEventListener("click", function () { focusEvent(props.id); });
      item.appendChild(button);
      var when = value(props, key, "time");
      if (when) item.appendChild(el("span", when, "when"));
      var who = value(props, key, "claimed_by_detail") || value(props, key, "claimed_by");
      if (who) item.appendChild(el("span", "Claimed by: " + who, "who"));
      var figures = value(props, key, "figures");
      if (figures) item.appendChild(el("div", figures, "figures"));
      if (props._s && props._s.length) {
        var details = el("details");
        details.appendChild(el("summary", "Sources"));
        details.appendChild(sourceList(props._s));
        item.appendChild(details);
      }
      item.feature = feature;
      return item;
    }

    function render(now) {
      if (events.length <= LIST_ALL_UP_TO) {
        if (!entries.length) {
          events.forEach(function (feature) { var item = entry(feature); entries.push(item); list.appendChild(item); });
        }
      } else {
        /* A window: the LIST_WINDOW events up to the slider's time, built anew. */
        var end = 0;
        while (end < events.length && events[end].properties.start <= now) end += 1;
        var start = Math.max(0, end - LIST_WINDOW);
        list.textContent = "";
        entries = events.slice(start, Math.max(end, Math.min(events.length, LIST_WINDOW))).map(entry);
        entries.forEach(function (item) { list.appendChild(item); });
      }
      entries.forEach(function (item) {
        item.classList.toggle("is-shown", item.feature.properties.start <= now);
      });
    }

    var pending = false;
    timeline.on("change", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; render(slider.time); });
    });
    render(slider.time);
  }

  function focusEvent(id) {
    var data = registry.timeline;
    var start = null;
    document.querySelectorAll("[data-event-start]").forEach(function (item) {
      if (item.feature && item.feature.properties.id === id) start = item.feature.properties.start;
    });
    if (start !== null && (registry.slider.time < start || !shownAt(id))) registry.slider.setTime(start);
    var layer = null;
    data.getLayers().forEach(function (candidate) {
      if (candidate.feature.properties.id === id) layer = candidate;
    });
    if (!layer) return false;
    registry.map.panTo(layer.getLatLng());
    layer.openPopup();
    return true;
  }

  function shownAt(id) {
    return registry.timeline.getLayers().some(function (layer) { return layer.feature.properties.id === id; });
  }

  /* On a phone the legend starts folded, leaving the map visible; it opens with a tap or the keyboard. */
  document.addEventListener("DOMContentLoaded", function () {
    if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
      document.querySelectorAll("details.geo-legend").forEach(function (details) { details.open = false; });
    }
  });

  window.GeoMap = { bind: bind, define: define, drawn: drawn, registerTimeline: registerTimeline, inflate: inflate,
                    focusEvent: focusEvent, registry: registry, page: page };
})();
