/* The maps' own behaviour, inlined into every page:
 * - popups, tooltips and labels built as text (textContent), never markup;
 * - only http(s) source URLs become links;
 * - popups that fit the screen (a bottom sheet on phones), close with Escape
 *   and give the view and the focus back;
 * - permanent labels that drop rather than collide or run off the map;
 * - the event list beside the timeline map, following the time control.
 * Feature properties are read through K, the key table geo/pagedata.py
 * declares (PageKeys) and sends with GeoMap.define. */
(function () {
  "use strict";
  var HTTP = /^https?:\/\//i;
  var LIST_ALL_UP_TO = 1000;  // longer timelines list a window of events around the slider's time
  var LIST_WINDOW = 200;
  // Entries made before the first frame: more than a desktop's panel shows at once, and below the map on a
  // phone; the rest come once the page is in (the whole list first was a sixth of the timeline's own
  // script on a phone).
  var LIST_BEFORE_OPENING = 8;
  // A phone held either way: narrow, or short when turned sideways.  The same query opens the phone blocks of
  // geomap.css and timeline.css; their rules only make a page shorter or change what lies inside the map, so
  // an article's frame (whose height follows the page's) never flips between layouts.
  var PHONE = "(max-width: 600px), (max-height: 500px)";
  var PLAY_STEP_MS = 1500;  // playback: one claim every this long
  var HOUR = 3600000;
  var PKT_OFFSET_MS = 5 * HOUR;
  var K = {};
  var page = { sources: [], strings: [], layers: {}, ready: Promise.resolve() };
  var registry = { byKey: {}, timeline: null, slider: null, map: null, labels: [], badges: [], beforeLabels: [],
                   settled: false };
  var current = null;  // the open popup or sheet: {view, returnTo, popup}

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* An element holding one string from the data: isolated in its own direction (dir="auto"), so a name
     holding a right-to-left override cannot reorder the text around it; Urdu is marked as Urdu. */
  function dataEl(tag, text, className, urdu) {
    var node = el(tag, text, className);
    if (urdu) { node.lang = "ur"; node.dir = "rtl"; } else node.dir = "auto";
    return node;
  }

  /* Words of ours with one string from the data in them ("Claimed by: ..."): the data in a <bdi>. */
  function phrase(tag, before, text, className) {
    var node = el(tag, before, className);
    node.appendChild(el("bdi", text));
    return node;
  }

  /* Text for an attribute (no element to isolate in): the data string between FSI and PDI. */
  function isolated(text) { return "\u2068" + text + "\u2069"; }

  /* Control icons are drawn, not set in type: a glyph at its own size and weight would be one more font
     for a phone to look up before its first frame (and "⟲" looks different in every typeface). */
  var ICONS = {  // by the control's class: leaflet-control-zoom-in, ...
    "zoom-in": "M8 3v10M3 8h10",
    "zoom-out": "M3 8h10",
    reset: "M3.3 6.3A5.2 5.2 0 1 1 3.7 11.5M6.2 5.4L2.8 7.4 2.1 3.5",
  };
  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("class", "geo-icon");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function isPhone() { return window.matchMedia && window.matchMedia(PHONE).matches; }

  function sourceList(ids) {
    var list = el("ul", null, "geo-sources");
    ids.forEach(function (id) {
      var source = page.sources[id];
      var item = el("li");
      if (source[2] && HTTP.test(source[2])) {
        var link = dataEl("a", source[0]);
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

  /* [label, text, urdu] rows of a popup: a stack's own rows, or the layer's fields. */
  function rows(props, key) {
    if (props[K.rows]) return props[K.rows];
    var meta = page.layers[key] || { labels: [], urdu: [] };
    var out = [];
    (props[K.values] || []).forEach(function (index, i) {
      if (index !== null && index !== undefined) out.push([meta.labels[i], page.strings[index], meta.urdu[i]]);
    });
    return out;
  }

  function value(props, key, field) {
    var meta = page.layers[key];
    var i = meta ? meta.fields.indexOf(field) : -1;
    var index = i >= 0 && props[K.values] ? props[K.values][i] : null;
    return index === null || index === undefined ? null : page.strings[index];
  }

  function popup(props, key) {
    var box = el("div", null, "geo-popup");
    var heading = dataEl("h2", props[K.name]);
    heading.tabIndex = -1;  // where the focus goes when the popup opens
    box.appendChild(heading);
    var list = el("dl");
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

  /* ---- popups: capped, restoring the view and the focus --------------------------------- */

  function controlsBox(map, corners) {
    /* How far the controls in the given corners reach into the map: [top, bottom] in px. */
    var box = map.getContainer().getBoundingClientRect();
    var top = 0, bottom = 0;
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (control) {
      var r = control.getBoundingClientRect();
      if (!r.width || !r.height) return;
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
  function openFeature(layer, latlng, from) {
    var map = registry.map;
    var view = current ? current.view : { center: map.getCenter(), zoom: map.getZoom() };
    closeCurrent(false);
    var content = popup(layer.feature.properties, layer.geoKey);
    var node = layer.getElement && layer.getElement();
    current = { view: view, returnTo: from || (node && node.getAttribute("tabindex") ? node : null) };
    if (isPhone()) {
      showSheet(map, content, latlng || anchorOf(layer));
    } else {
      var size = map.getSize(), reach = controlsBox(map);
      current.popup = L.popup({
        maxWidth: Math.min(320, size.x - 40), minWidth: Math.min(200, size.x - 60),
        maxHeight: Math.max(120, size.y - reach[0] - 90), className: "geo-leaflet-popup",
        autoPanPaddingTopLeft: L.point(12, reach[0] + 8), autoPanPaddingBottomRight: L.point(12, reach[1] + 8),
      }).setLatLng(latlng || anchorOf(layer)).setContent(content);
      current.popup.openOn(map);
    }
    content.querySelector("h2").focus({ preventScroll: true });
  }

  function closeCurrent(restore) {
    if (!current) return;
    var closing = current;
    current = null;  // popupclose below must not restore a second time
    if (closing.popup) registry.map.closePopup(closing.popup);
    if (closing.sheet) closing.sheet.remove();
    if (restore) {
      registry.map.setView(closing.view.center, closing.view.zoom, { animate: false });
      if (closing.returnTo && document.contains(closing.returnTo)) closing.returnTo.focus({ preventScroll: true });
    }
  }

  function showSheet(map, content, latlng) {
    var sheet = L.DomUtil.create("div", "geo-sheet", map.getContainer());
    sheet.setAttribute("role", "dialog");
    sheet.setAttribute("aria-label", content.querySelector("h2").textContent);
    var close = el("button", "Close", "geo-sheet-close");
    close.type = "button";
    close.addEventListener("click", function () { closeCurrent(true); });
    sheet.appendChild(close);
    var body = el("div", null, "geo-sheet-body");
    body.appendChild(content);
    sheet.appendChild(body);
    L.DomEvent.disableClickPropagation(sheet);
    L.DomEvent.disableScrollPropagation(sheet);
    current.sheet = sheet;
    // The place stays in sight above the sheet.
    map.panInside(latlng, { paddingTopLeft: [20, 20], paddingBottomRight: [20, sheet.offsetHeight + 20],
                            animate: false });
  }

  /* ---- features ------------------------------------------------------------------------------ */

  /* Called for every feature of every layer (folium's onEachFeature). */
  function bind(feature, layer, key) {
    var props = feature.properties;
    var meta = page.layers[key] || {};
    layer.geoKey = key;
    if (props[K.label]) {
      var beside = props[K.label_at] ? { direction: "center", offset: [0, 0] } : { direction: "right", offset: [6, 0] };
      var label = makeLabel(props[K.label], L.extend({ className: "geo-label" }, beside), layer);
      if (props[K.label_at]) label.anchor = L.latLng(props[K.label_at][0]);
      whenOpened(function () { layer.bindTooltip(label); });  // hidden until placed: no need to make it sooner
      registry.labels.push({ layer: layer, rank: props[K.label_rank] || 0, order: registry.labels.length,
                             texts: [props[K.label], props[K.label_short]].filter(Boolean),
                             anchors: props[K.label_at], inOrder: true });  // an area's: places inside it, roomiest first
    } else if (props[K.tooltip] || meta.tooltip) {
      var hover = dataEl("span", props[K.tooltip] || props[K.name]);
      whenOpened(function () { layer.bindTooltip(hover); });  // no pointer reaches it before the first frame
    }
    var opens = props[K.values] || props[K.rows] || props[K.sources];
    if (opens) {
      layer.on("click", function (event) {
        L.DomEvent.stop(event);
        openFeature(layer, layer.getLatLng ? null : event.latlng);
      });
    }
    var drawn = registry.byKey[key] = registry.byKey[key] || new Set();
    layer.on("add", function () {
      drawn.add(layer);
      var node = layer.getElement && layer.getElement();
      if (!node) return;  // drawn on a canvas
      node.classList.add("geo-f", "geo-f-" + key);
      node.setAttribute("data-feature-id", props.id);
      if (props[K.offset]) node.style.transform = "translate(" + props[K.offset][0] + "px," + props[K.offset][1] + "px)";
      // Only places are tab stops: lines and areas are not, and claims are reached through the list.
      if (opens && meta.focusable) focusable(node, layer, props[K.name] || props.id);
      // A badge takes its side when the labels are placed, and the tap area is unseen: both can wait
      // (once, however often a time control adds the layer before then).
      if (layer.geoExtrasPending) return;
      layer.geoExtrasPending = true;
      whenOpened(function () {
        layer.geoExtrasPending = false;
        if (!layer._map) return;  // taken off the map again before the opening was over
        if (props[K.count]) addBadge(layer, props);
        if (meta.target) addTarget(layer);
      });
    });
    layer.on("remove", function () {
      drawn.delete(layer);
      if (layer.geoExtra) layer.geoExtra.forEach(function (extra) { extra.remove(); });
    });
  }

  function focusable(node, layer, name) {
    node.setAttribute("tabindex", "0");
    node.setAttribute("role", "button");
    node.setAttribute("aria-label", name);
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); openFeature(layer, null, node); }
    });
  }

  function extra(layer, added) {
    (layer.geoExtra = layer.geoExtra || []).push(added);
    added.addTo(layer._map);
    return added;
  }

  /* A stack of claims: a numbered badge beside the place (the place itself keeps a small dot). */
  function addBadge(layer, props) {
    var icon = L.divIcon({ className: "geo-badge", html: "", iconSize: [28, 28], iconAnchor: [36, 36] });
    var badge = extra(layer, L.marker(layer.getLatLng(), { icon: icon, keyboard: true, pane: "geo-badges",
                                                          title: props[K.name], alt: props[K.name] }));
    var node = badge.getElement();
    registry.badges.push(node);
    badge.on("remove", function () { registry.badges.splice(registry.badges.indexOf(node), 1); });
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
    var target = extra(layer, L.circleMarker(layer.getLatLng(), { radius: 22, stroke: false, fillOpacity: 0,
                                                                  pane: layer.options.pane }));
    target.getElement().setAttribute("aria-hidden", "true");
    target.on("click", function (event) { L.DomEvent.stop(event); openFeature(layer); });
  }

  /* How many features of a layer are on the map now. */
  function drawn(key) {
    return registry.byKey[key] ? registry.byKey[key].size : 0;
  }

  /* ---- labels: kept by rank, dropped when they collide or run off the map -------------------- */

  function inset(r, by) {
    return { left: r.left + by, right: r.right - by, top: r.top + by, bottom: r.bottom - by,
             width: r.width - 2 * by, height: r.height - 2 * by };
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* Every layout the browser does costs a phone tens of milliseconds, so placement reads all it
     needs in a few batches (sizes, then boxes) and works out the rest by arithmetic; writing and
     reading label by label made label placement most of a phone's load time. */

  function shifted(r, dx, dy) {
    return { left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy, width: r.width, height: r.height };
  }

  /* Badges go beside their place, on the first side inside the map and free of the controls, the
     attack site and other badges. */
  var BADGE_SPOTS = [[-36, -36], [-36, 8], [8, -36], [8, 8], [-14, -46], [-14, 18]];

  function placeBadges(map) {
    var box = map.getContainer().getBoundingClientRect(), taken = [];
    map.getContainer().querySelectorAll(KEEP_CLEAR).forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height && !node.classList.contains("geo-badge")) taken.push(r);
    });
    var badges = registry.badges.map(function (node) {
      return { node: node, rect: node.getBoundingClientRect(),
               margin: [parseFloat(node.style.marginLeft) || 0, parseFloat(node.style.marginTop) || 0] };
    });
    badges.forEach(function (badge) {
      var at = function (spot) { return shifted(badge.rect, spot[0] - badge.margin[0], spot[1] - badge.margin[1]); };
      badge.spot = BADGE_SPOTS.find(function (spot) {
        var r = at(spot);
        return inside(box, r) && !taken.some(function (t) { return overlaps(r, t); });
      }) || BADGE_SPOTS[0];
      taken.push(at(badge.spot));
    });
    badges.forEach(function (badge) {
      badge.node.style.marginLeft = badge.spot[0] + "px";
      badge.node.style.marginTop = badge.spot[1] + "px";
    });
  }

  /* Where a label may sit beside its point, tried in this order before a shorter text is tried:
     [side, lift] — a lift of -1 or 1 moves a side label up or down by half its height and more,
     so it leans off a crowded line. */
  var LABEL_SPOTS = [["right", 0], ["left", 0], ["bottom", 0], ["top", 0],
                     ["right", -1], ["right", 1], ["left", -1], ["left", 1]];
  var LABEL_OFFSETS = { right: [6, 0], left: [-6, 0], bottom: [0, 6], top: [0, -6] };

  function labelOffset(side, lift, size) {
    var offset = LABEL_OFFSETS[side];
    return [offset[0], offset[1] + lift * (size[1] / 2 + 4)];
  }
  /* Leaflet's arithmetic for a tooltip's corner (Tooltip._setPosition): the share of its size it
     moves left and up for each direction; the stylesheet adds a margin per direction. */
  var SIDE_SHIFT = { right: [0, 0.5], left: [1, 0.5], bottom: [0.5, 0], top: [0.5, 1], center: [0.5, 0.5] };
  var sideMargins = null;
  var NARROW_MAP = 520;  // pixels: below this width labels give the name alone

  /* A permanent label that Leaflet moves by the size placeLabels measured for its text, instead of
     reading the page's layout for each label it adds or moves (a phone's load would lay the page
     out once per label).  Hidden until placeLabels has placed it. */
  var Label = L.Tooltip.extend({
    options: { permanent: true, interactive: false, opacity: 1 },
    onAdd: function (map) {
      L.Tooltip.prototype.onAdd.call(this, map);
      if (!this.measured) this._container.classList.add("geo-label-hidden");
    },
    // An area's label opens at its first anchor: Leaflet would work out the polygon's centre first.
    _prepareOpen: function (latlng) {
      return L.Tooltip.prototype._prepareOpen.call(this, latlng || this.anchor);
    },
    _setPosition: function (pos) {
      var node = this._container, side = this.options.direction, size = this.measured || [0, 0];
      var shift = SIDE_SHIFT[side] || SIDE_SHIFT.right;
      pos = pos.subtract(L.point(size[0] * shift[0], size[1] * shift[1], true)).add(L.point(this.options.offset));
      Object.keys(SIDE_SHIFT).forEach(function (s) { node.classList.toggle("leaflet-tooltip-" + s, s === side); });
      L.DomUtil.setPosition(node, pos);
    },
  });

  function makeLabel(content, options, source) {
    return new Label(options, source).setContent(dataEl("span", content));
  }

  function readSideMargins(node) {
    var margins = {}, before = node.className;
    Object.keys(SIDE_SHIFT).forEach(function (side) {
      node.className = before.replace(/\bleaflet-tooltip-(right|left|top|bottom|center)\b/g, "") + " leaflet-tooltip-" + side;
      var style = window.getComputedStyle(node);
      margins[side] = [parseFloat(style.marginLeft) || 0, parseFloat(style.marginTop) || 0];
    });
    node.className = before;
    return margins;
  }

  /* A label's box, in page pixels, if it sat at `latlng` on `side` with `size`. */
  function labelBox(map, box, latlng, side, offset, size) {
    var p = map.latLngToContainerPoint(latlng), shift = SIDE_SHIFT[side] || SIDE_SHIFT.right;
    var margin = sideMargins[side] || [0, 0];
    offset = L.point(offset || [0, 0]);
    var left = box.left + p.x - size[0] * shift[0] + offset.x + margin[0];
    var top = box.top + p.y - size[1] * shift[1] + offset.y + margin[1];
    return { left: left, top: top, right: left + size[0], bottom: top + size[1], width: size[0], height: size[1] };
  }

  /* Each label's size with each of its texts: all texts written, then all sizes read, per round. */
  function measureLabels(labels) {
    var rounds = Math.max.apply(null, labels.map(function (l) { return l.texts ? l.texts.length : 1; }));
    labels.forEach(function (label) { label.sizes = []; });
    for (var round = 0; round < rounds; round++) {
      var measuring = labels.filter(function (l) { return l.texts ? round < l.texts.length : round === 0; });
      measuring.forEach(function (l) {
        if (l.texts && !l.fixed) l.layer.getTooltip().getElement().firstChild.textContent = l.texts[round];
      });
      measuring.forEach(function (l) {
        var node = l.layer.getTooltip().getElement();
        l.sizes.push([node.offsetWidth, node.offsetHeight]);
      });
    }
  }

  /* The places a label may take, best first: {text, side, anchor, box}. */
  function labelSpots(map, box, label, tilesShown) {
    var tooltip = label.layer.getTooltip();
    // The base map's names: none over tiles (which have their own), none outside their zooms.
    if (label.context && (tilesShown || outsideZoom(map, label))) return [];
    if (label.anchors) {  // an area's name, on the area; a data area's gets its full text back after measuring
      return anchorsInView(map, label.anchors, label.inOrder).map(function (a) {
        return { anchor: a.anchor, text: label.texts && label.texts[0], side: "center", offset: tooltip.options.offset,
                 size: label.sizes[0], box: labelBox(map, box, a.anchor, "center", tooltip.options.offset, label.sizes[0]) };
      });
    }
    if (label.fixed) {
      var side = tooltip.options.direction;
      return [{ size: label.sizes[0],
                box: labelBox(map, box, tooltip.getLatLng(), side, tooltip.options.offset, label.sizes[0]) }];
    }
    var spots = [], texts = label.texts || [];
    // A phone has no room for "· km 124 from Quetta" beside every name: names alone (the popups keep the km).
    var from = map.getSize().x < NARROW_MAP && texts.length > 1 ? texts.length - 1 : 0;
    texts.forEach(function (text, index) {
      if (index < from) return;
      LABEL_SPOTS.forEach(function (spot) {
        var offset = labelOffset(spot[0], spot[1], label.sizes[index]);
        spots.push({ text: text, side: spot[0], offset: offset, size: label.sizes[index],
                     box: labelBox(map, box, tooltip.getLatLng(), spot[0], offset, label.sizes[index]) });
      });
    });
    return spots;
  }

  /* The story's lines (the railway, tunnels) as 4 px cells of the page: names of areas and of the base
     map's places keep off them, so that no name is read across the line the map is about. */
  var LINE_CELL = 4;
  function lineCells(map, box) {
    var cells = new Set();
    function mark(x, y) { cells.add(Math.floor(x / LINE_CELL) + "," + Math.floor(y / LINE_CELL)); }
    Object.keys(registry.byKey).forEach(function (key) {
      registry.byKey[key].forEach(function (layer) {
        if (!(layer instanceof L.Polyline) || layer instanceof L.Polygon || !layer._parts) return;
        layer._parts.forEach(function (part) {  // Leaflet's clipped pixels of the line at this zoom
          for (var i = 1; i < part.length; i++) {
            var a = map.layerPointToContainerPoint(part[i - 1]), b = map.layerPointToContainerPoint(part[i]);
            var steps = Math.max(1, Math.ceil(a.distanceTo(b) / (LINE_CELL / 2)));
            for (var step = 0; step <= steps; step++) {
              mark(box.left + a.x + (b.x - a.x) * step / steps, box.top + a.y + (b.y - a.y) * step / steps);
            }
          }
        });
      });
    });
    return cells;
  }

  function crossesLine(cells, r) {
    for (var x = Math.floor(r.left / LINE_CELL); x <= Math.floor(r.right / LINE_CELL); x++) {
      for (var y = Math.floor(r.top / LINE_CELL); y <= Math.floor(r.bottom / LINE_CELL); y++) {
        if (cells.has(x + "," + y)) return true;
      }
    }
    return false;
  }

  /* The named points on the map, in page pixels: a point's name never sits nearer another named point
     than its own, where a reader would take it for that point's (two names of one place are one point).
     A base-map city is its dot and its name or nothing, and gives way to the story's names: its dot
     counts only for the names placed after it, and it is left out where it would sit nearer a name
     already placed than that name's own point. */
  var SAME_PLACE_PX = 3;
  function labelledPoints(map, box, labels) {
    return labels.filter(function (l) { return !l.anchors && !l.fixed && l.layer.getLatLng && l.layer._map; })
      .map(function (l) {
        var p = map.latLngToContainerPoint(l.layer.getLatLng());
        return { label: l, x: box.left + p.x, y: box.top + p.y };
      });
  }
  function distanceToBox(point, r) {
    var dx = Math.max(r.left - point.x, 0, point.x - r.right), dy = Math.max(r.top - point.y, 0, point.y - r.bottom);
    return Math.sqrt(dx * dx + dy * dy);
  }
  function samePlace(a, b) { return Math.hypot(a.x - b.x, a.y - b.y) < SAME_PLACE_PX; }
  /* Whether box `r` would read as `label`'s own: the other points are gathered once per label. */
  function readsAsItsOwn(points, label) {
    var own = points.find(function (p) { return p.label === label; });
    if (!own) return function () { return true; };
    var shown = points.filter(function (p) { return p !== own && !samePlace(p, own) && (!p.label.dot || p.label.spot); });
    // A city's dot may not take a name already placed for its own.
    var takesAName = !!label.dot && shown.some(function (p) {
      return p.label.spot && distanceToBox(own, p.label.spot.box) <= distanceToBox(p, p.label.spot.box) + 2;
    });
    return function (r) {
      var mine = distanceToBox(own, r);
      return !takesAName && shown.every(function (p) { return distanceToBox(p, r) > mine + 2; });
    };
  }

  function keepsOffLines(label) {
    return !!(label.context || label.anchors);
  }

  /* Each label's spot, highest rank first: the first of its spots inside the map and clear of the
     controls and of the labels placed before it.  A label with no clear spot may move the one label
     in its way to another clear spot of that label's own (one step of repair, no more). */
  function chooseSpots(labels, taken, spotsOf, inside) {
    var placed = [];
    function clear(r, except, pad) {
      r = inset(r, -(pad || 1));  // a pixel of slack: the browser's rounding never makes chosen boxes touch
      return inside(r) && !taken.some(function (t) { return overlaps(r, t); }) &&
        !placed.some(function (p) { return p !== except && overlaps(r, p.spot.box); });
    }
    function repair(label) {
      return label.spots.find(function (spot) {
        var inWay = placed.filter(function (p) { return overlaps(inset(spot.box, -1), p.spot.box); });
        if (inWay.length !== 1 || inWay[0].fixed || !clear(spot.box, inWay[0])) return false;
        var other = inWay[0];
        var move = other.spots.find(function (alt) {
          return alt !== other.spot && clear(alt.box, other) && !overlaps(inset(alt.box, -1), spot.box);
        });
        if (move) other.spot = move;
        return !!move;
      });
    }
    labels.forEach(function (label) { label.spot = null; });  // the last pass's spots are not placed in this one
    labels.forEach(function (label) {
      label.spots = spotsOf(label);
      label.spot = label.spots.find(function (spot) { return clear(spot.box, null, label.pad); }) ||
        (label.pad ? null : repair(label)) || null;
      if (label.spot) placed.push(label);
    });
  }

  /* What names and counts on the map never cover: the controls, the bottom sheet, badges, the attack site. */
  var KEEP_CLEAR = ".leaflet-control, .geo-sheet, .geo-badge, .leaflet-geo-top-pane .geo-f";

  /* Whether box `r` lies inside the map's box with 2 px to spare (nothing is cut at the edge). */
  function inside(box, r) {
    return r.left >= box.left + 2 && r.right <= box.right - 2 && r.top >= box.top + 2 && r.bottom <= box.bottom - 2;
  }

  function placeLabels() {
    var map = registry.map;
    if (!map) return;
    labelsPending = false;
    placing = true;
    registry.beforeLabels.forEach(function (prepare) { prepare(); });
    placing = false;
    placeBadges(map);
    var box = map.getContainer().getBoundingClientRect();
    var taken = [];
    // Controls, badges and the attack site are never covered by a label.
    map.getContainer().querySelectorAll(KEEP_CLEAR).forEach(function (control) {
      var r = control.getBoundingClientRect();
      // A badge's outer ring is white: a label may touch it without hiding its number.
      if (control.classList.contains("geo-badge")) r = inset(r, 3);
      if (r.width && r.height) taken.push(r);
    });
    var labels = registry.labels.filter(function (l) { return l.layer.getTooltip() && l.layer.getTooltip().getElement(); })
      .sort(function (a, b) { return b.rank - a.rank || a.order - b.order; });
    if (!labels.length) { placeTallies(); return; }
    if (!sideMargins) sideMargins = readSideMargins(labels[0].layer.getTooltip().getElement());
    measureLabels(labels);
    var tilesShown = map.getContainer().classList.contains("geo-tiles-shown");
    function insideMap(r) { return inside(box, r); }
    var cells = lineCells(map, box), points = labelledPoints(map, box, labels);
    chooseSpots(labels, taken, function (label) {
      var spots = labelSpots(map, box, label, tilesShown);
      if (keepsOffLines(label)) spots = spots.filter(function (spot) { return !crossesLine(cells, spot.box); });
      var reads = readsAsItsOwn(points, label);
      return spots.filter(function (spot) { return reads(spot.box); });
    }, insideMap);
    // Write every label, then move them (moves only change transforms: no new layout) ...
    labels.forEach(function (label) {
      var tooltip = label.layer.getTooltip(), node = tooltip.getElement(), spot = label.spot;
      if (spot) tooltip.measured = spot.size;
      if (spot && spot.text !== undefined) {
        node.firstChild.textContent = spot.text;  // the full label, or the name alone
        tooltip.options.direction = spot.side;
        tooltip.options.offset = spot.offset;
      }
    });
    labels.forEach(function (label) {
      if (!label.spot) return;
      if (label.spot.anchor) label.layer.getTooltip().setLatLng(label.spot.anchor);
      else label.layer.getTooltip().update();
    });
    // ... then check what the browser drew: a box the arithmetic got wrong is dropped, never left to collide.
    var drawn = labels.map(function (label) {
      return label.spot ? label.layer.getTooltip().getElement().getBoundingClientRect() : null;
    });
    var blockers = taken.slice();
    labels.forEach(function (label, index) {
      var node = label.layer.getTooltip().getElement();
      var placed = !!label.spot && insideMap(drawn[index]) &&
        !blockers.some(function (t) { return overlaps(drawn[index], t); });
      if (placed) blockers.push(drawn[index]);
      node.classList.toggle("geo-label-hidden", !placed);
      node.setAttribute("aria-hidden", placed ? "false" : "true");
      if (label.dot && label.dotShown !== placed) {  // a base-map city is its dot and its name, or nothing
        label.dotShown = placed;
        label.layer.setStyle(placed ? label.dot : { opacity: 0, fillOpacity: 0 });
      }
    });
    placeTallies();
  }

  /* ---- tallies: how many claims the time control shows at one place ------------------------------ */

  /* Claims at one place are drawn on top of each other; a small count beside the place says how many
     are shown so far.  Placed after the labels, on the first side clear of them, of the controls, of
     the places and of other counts; none where there is no room.  Only for a timeline short enough to
     be listed whole (a year of claims is read through the list's window); hidden from screen readers,
     which read the list. */
  var TALLY_HEIGHT = 20, TALLY_GAP = 3;
  var TALLY_SIDES = [[-1, -1], [1, -1], [-1, 1], [1, 1], [0, -1], [0, 1]];

  function placeTallies() {
    var map = registry.map, timeline = registry.timeline, pane = map && map.getPane("geo-tallies");
    if (!pane || !timeline) return;
    pane.textContent = "";
    if (story.byStart.length > LIST_ALL_UP_TO) return;
    var shown = timeline.getLayers();
    var places = new Map();
    shown.forEach(function (layer) {
      var at = layer.getLatLng(), key = at.lat + "," + at.lng;
      if (!places.has(key)) places.set(key, { at: at, count: 0, radius: layer.options.radius || 0 });
      places.get(key).count += 1;
    });
    var stacked = Array.from(places.values()).filter(function (place) { return place.count > 1; });
    if (!stacked.length) return;
    var box = map.getContainer().getBoundingClientRect();
    var taken = [];
    map.getContainer().querySelectorAll(KEEP_CLEAR + ", .leaflet-tooltip:not(.geo-label-hidden)").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (r.width && r.height) taken.push(r);
    });
    places.forEach(function (place) {
      place.point = map.latLngToContainerPoint(place.at);
      var r = place.radius + 1;
      taken.push({ left: box.left + place.point.x - r, right: box.left + place.point.x + r,
                   top: box.top + place.point.y - r, bottom: box.top + place.point.y + r });
    });
    stacked.sort(function (a, b) { return b.count - a.count; }).forEach(function (place) {
      var text = String(place.count), width = Math.max(TALLY_HEIGHT, 10 + 8 * text.length);
      var reach = place.radius + TALLY_GAP;
      var spot = TALLY_SIDES.map(function (side) {
        var x = place.point.x + side[0] * (reach + width / 2), y = place.point.y + side[1] * (reach + TALLY_HEIGHT / 2);
        return { x: x - width / 2, y: y - TALLY_HEIGHT / 2,
                 box: { left: box.left + x - width / 2, right: box.left + x + width / 2,
                        top: box.top + y - TALLY_HEIGHT / 2, bottom: box.top + y + TALLY_HEIGHT / 2 } };
      }).find(function (spot) {
        return inside(box, spot.box) && !taken.some(function (t) { return overlaps(spot.box, t); });
      });
      if (!spot) return;
      taken.push(spot.box);
      var node = el("div", text, "geo-tally");
      node.setAttribute("aria-hidden", "true");
      node.style.width = width + "px";
      pane.appendChild(node);
      L.DomUtil.setPosition(node, map.containerPointToLayerPoint([spot.x, spot.y]));
    });
  }

  function outsideZoom(map, label) {
    var zoom = map.getZoom();
    return (label.minZoom !== undefined && zoom < label.minZoom) || (label.maxZoom !== undefined && zoom > label.maxZoom);
  }

  /* An area's name positions that are in view: nearest the middle of the map first, or in the given order. */
  function anchorsInView(map, anchors, inOrder) {
    var bounds = map.getBounds(), middle = map.getSize().divideBy(2);
    var spots = anchors.filter(function (at) { return bounds.contains(at); })
      .map(function (at) { return { anchor: at, d: map.latLngToContainerPoint(at).distanceTo(middle) }; });
    return inOrder ? spots : spots.sort(function (a, b) { return a.d - b.d; });
  }

  /* Labels are placed once the opening view is set (not for each layer the page adds before it),
     and at most once a frame after; a direct placeLabels() call settles any pass still pending. */
  var labelsPending = false, placing = false, opened = false;
  function scheduleLabels() {
    if (!opened || labelsPending || placing) return;
    labelsPending = true;
    window.requestAnimationFrame(function () { if (labelsPending) placeLabels(); });
  }

  /* What the first frame can do without (the base map, tiles, the inset, the labels) is done once the
     story's own layers are drawn; then `registry.settled` tells pictures and tests that nothing more
     is on its way. */
  var deferred = [];
  function afterOpening(work) { deferred.push(work); }
  function whenOpened(work) {
    if (registry.settled) work();
    else afterOpening(work);
  }
  function scheduleDeferred() {
    function run() {
      if (registry.settled) return;
      registry.settled = true;
      deferred.forEach(function (work) { work(); });
      opened = true;
      placeLabels();
    }
    window.requestAnimationFrame(function () { window.setTimeout(run, 0); });
    // And by the page's load event at the latest, for whoever reads the page once it has loaded.
    window.addEventListener("load", run);
  }

  /* The locator inset: hidden on phones, so made only where it shows, and after the opening view. */
  function locatorInset(make) {
    var phone = window.matchMedia(PHONE), made = false;
    function run() {
      if (made || phone.matches) return;
      made = true;
      make();
      scheduleLabels();
    }
    afterOpening(run);
    if (phone.addEventListener) phone.addEventListener("change", run);
  }

  /* ---- the map: set up before any layer is drawn ----------------------------------------------- */

  /* Called once the Leaflet map exists (geo.elements.MapSetup). */
  function setup(map, options) {
    registry.map = map;
    var top = map.createPane("geo-top");
    top.style.zIndex = 640;  // the attack site above claims and stations
    map.getPane("mapPane").insertBefore(top, map.getPane("mapPane").firstChild);  // and first in the Tab order
    map.createPane("geo-badges").style.zIndex = 645;  // claim badges beside it, never under its tap area
    map.createPane("geo-tallies").style.zIndex = 635;  // counts of claims at a place, under the attack site
    map.on("popupclose", function (event) {
      if (current && current.popup === event.popup) closeCurrent(true);
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
      var tooltip = makeLabel(area.text, { direction: "center", className: "geo-label geo-area-label" }).setLatLng(area.at[0]);
      whenOpened(function () { tooltip.addTo(map); });
      registry.labels.push({ layer: { getTooltip: function () { return tooltip; } }, rank: area.rank || 0,
                             order: registry.labels.length, fixed: true, anchors: area.at, inOrder: true });
    });
    if (map.zoomControl) {
      ["zoom-in", "zoom-out"].forEach(function (name) {
        var link = map.zoomControl.getContainer().querySelector(".leaflet-control-" + name);
        link.textContent = "";  // not replaceChildren: the maps still open in browsers from before 2020
        link.appendChild(icon(name));
      });
    }
    addResetControl(map);
    if (FRAMED) frameMap(map, options.map);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) { event.preventDefault(); closeCurrent(true); }
    });
    var moved = false;  // by the reader: then a change of frame size keeps their view
    map.on("dragstart", function () { moved = true; });
    map.getContainer().addEventListener("wheel", function () { moved = true; }, { passive: true });
    registry.home = function () { fitHome(map, options.fit, true); };
    registry.fit = options.fit;  // the opening view is set by open(), once every control is in
    scheduleDeferred();
    if (window.ResizeObserver) {  // the page's grid can resize the map without a window resize
      new ResizeObserver(function () {
        map.invalidateSize();
        if (!moved && !current) fitHome(map, options.fit);
        scheduleLabels();
      }).observe(map.getContainer());
    }
  }

  /* ---- the base map under everything: countries, provinces, cities (geo/context.py) ----------- */

  var CONTEXT_STYLE = {
    country: { color: "#8c8c8c", weight: 0.8, fillColor: "#ebe8e1", fillOpacity: 1 },
    subject: { color: "#8c8c8c", weight: 0.8, fillColor: "#fbfaf6", fillOpacity: 1 },
    province: { color: "#a3a3a3", weight: 0.8, dashArray: "4 3", fill: false },
    river: { color: "#8fb8d8", weight: 1.2, fill: false },
    city: { radius: 2.5, color: "#4d4d4d", weight: 1, opacity: 1, fillColor: "#ffffff", fillOpacity: 1 },
  };
  var CONTEXT_ZOOMS = { country: [0, 10], province: [5, 10], city: [0, 20] };
  var CONTEXT_ORDER = 1e6;  // the base map's names come after the layers' among labels of one rank
  var CITY_LABEL_ROOM = 10;  // px kept clear around a base-map city's name: fewer, calmer names

  function context(map, data) {
    var pane = map.createPane("geo-context");
    pane.style.zIndex = 150;  // below the tiles (200): where tiles load, they cover it
    pane.style.pointerEvents = "none";
    var container = map.getContainer();
    container.classList.add("geo-has-context");
    // One canvas for the whole base map: ~60 shapes and dots that no reader clicks need no SVG nodes.
    var base = { pane: "geo-context", interactive: false, renderer: L.canvas({ pane: "geo-context" }) };
    data.countries.forEach(function (country) {
      L.geoJSON(country.geometry, L.extend({ style: CONTEXT_STYLE[country.subject ? "subject" : "country"] }, base))
        .addTo(map);
    });
    (data.rivers || []).forEach(function (river) { L.geoJSON(river, L.extend({ style: CONTEXT_STYLE.river }, base)).addTo(map); });
    data.lines.forEach(function (line) { L.geoJSON(line, L.extend({ style: CONTEXT_STYLE.province }, base)).addTo(map); });
    (data.relief || []).forEach(function (relief) { reliefImage(map, relief); });
    // Names and city dots are made when they first come into view: at a story's zoom most of the
    // region's ~60 names lie off the map, and making them all would slow a phone's first view.
    var pending = [];
    function areaLabel(area, kind) {
      var tooltip = makeLabel(area.name, { direction: "center", className: "geo-label geo-context-label geo-context-" + kind })
        .setLatLng(area.at[0]);
      tooltip.addTo(map);
      return { layer: { getTooltip: function () { return tooltip; } }, rank: data.ranks[kind], fixed: true,
               anchors: area.at, context: true, minZoom: CONTEXT_ZOOMS[kind][0], maxZoom: CONTEXT_ZOOMS[kind][1] };
    }
    function cityLabel(city) {
      var dot = L.circleMarker(city.at, L.extend({}, CONTEXT_STYLE.city, base)).addTo(map);
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
      var view = map.getBounds().pad(0.2);
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
    var pane = map.getPane("geo-relief") || map.createPane("geo-relief");
    pane.style.zIndex = 160;
    pane.style.pointerEvents = "none";
    L.imageOverlay(relief.image, relief.bounds, { pane: "geo-relief", interactive: false, alt: "" }).addTo(map);
    function show() { pane.hidden = map.getZoom() > relief.maxZoom; }
    map.on("zoomend", show);
    show();
  }

  /* The opening view: the recipe's bounds, clear of the time control along the bottom.  Unless
     `always`, only when the map's size or the controls' room has changed: a refit redraws every layer. */
  var homeFit = null;
  var POINT_ZOOM = 12;  // the opening zoom of a view fitted to one point (a few km across)
  function fitHome(map, fit, always) {
    if (!fit) return;
    var pad = fit.padding, timeControl = map.getContainer().querySelector(".leaflet-timeline-control");
    var bottom = pad[2];
    if (timeControl) {
      var box = map.getContainer().getBoundingClientRect();
      bottom = Math.max(bottom, box.bottom - timeControl.getBoundingClientRect().top + 10);
      var caption = map.getContainer().querySelector(".geo-caption");
      if (caption) bottom += 60;  // the caption above it, whatever claim it shows
    }
    // Nothing the opening view shows sits under the zoom buttons down the left side.
    var left = Math.max(pad[3], map.getContainer().querySelector(".leaflet-top.leaflet-left").offsetWidth + 6);
    // However large the padding and the controls, the opening view keeps half the map's width and height.
    var size = map.getSize();
    var across = clampPair(left, pad[1], size.x / 2), down = clampPair(pad[0], bottom, size.y / 2);
    var key = [size.x, size.y, across, down].join();
    if (key === homeFit && !always) return;
    homeFit = key;
    var bounds = L.latLngBounds(fit.bounds);
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {  // one point: no extent to fit
      map.setView(bounds.getCenter(), Math.min(map.getMaxZoom(), POINT_ZOOM), { animate: false });
      return;
    }
    map.fitBounds(bounds, { paddingTopLeft: [across[0], down[0]], paddingBottomRight: [across[1], down[1]],
                            animate: false });
  }

  /* Two paddings along one axis, scaled down together so they leave at least `room` px between them. */
  function clampPair(a, b, most) {
    return a + b <= most ? [a, b] : [a * most / (a + b), b * most / (a + b)];
  }

  /* Called by geo.elements.MapOpening once every layer and control is on the map (the layer control comes
     just after): the opening view, in the room the controls leave (the time control takes the bottom).
     Leaflet draws the layers added before it only now, each once, in that view: the first frame is the
     opening view, with no jump after. */
  function open(map) {
    fitHome(map, registry.fit);
  }

  /* A control that puts the map back to its opening view. */
  function addResetControl(map) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar geo-reset");
      var button = el("button", null, "geo-reset-button");
      button.appendChild(icon("reset"));
      button.type = "button";
      button.title = "Back to the opening view";
      button.setAttribute("aria-label", "Back to the opening view");
      button.addEventListener("click", function () {
        closeCurrent(false);
        registry.home();
      });
      bar.appendChild(button);
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    };
    control.addTo(map);
  }

  /* The page's shared texts: given directly, or as a promise when they travel compressed. */
  function define(keys, layers, texts) {
    K = keys;
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

  /* ---- the timeline: the list, the slider stepping claim by claim, the caption ----------------- */

  var story = { times: [], byStart: [], key: null, spansYears: false, now: null, listed: false };

  function yearOf(ms) { return new Date(ms + PKT_OFFSET_MS).getUTCFullYear(); }

  /* The claim the time control is at: the last to appear at or before `time`. */
  function claimAt(time) {
    var found = null;
    for (var i = 0; i < story.byStart.length && story.byStart[i].properties.start <= time; i++) {
      found = story.byStart[i];
    }
    return found;
  }

  function whenText(props) {
    var when = value(props, story.key, "time") || "";
    return story.spansYears ? when + " " + yearOf(props.start) : when;
  }

  /* The slider's readout (leaflet.timeline writes it as HTML: escaped here). */
  function readout(time) {
    var claim = claimAt(time);
    var holder = el("span", claim ? whenText(claim.properties) : "");
    return holder.innerHTML;
  }

  function registerTimeline(map, timeline, slider, key, ready) {
    registry.timeline = timeline;
    registry.slider = slider;
    story.key = key;
    registry.ready = Promise.all([ready, page.ready]).then(function (values) {
      var features = values[0].features;
      story.byStart = features.slice().sort(function (a, b) { return a.properties.start - b.properties.start; });
      story.times = story.byStart.map(function (f) { return f.properties.start; })
        .filter(function (t, i, all) { return i === 0 || all[i - 1] !== t; });
      story.spansYears = story.times.length > 0 && yearOf(story.times[0]) !== yearOf(story.times[story.times.length - 1]);
      stepByClaim(slider);
      listEvents(timeline, slider, key, features);
      slider.setTime(slider.time === undefined ? slider.start : slider.time);
      registry.loaded = true;
    });
  }

  function nextTime(time, direction) {
    var times = story.times;
    if (direction > 0) return times.find(function (t) { return t > time; });
    for (var i = times.length - 1; i >= 0; i--) if (times[i] < time) return times[i];
    return undefined;
  }

  /* Playback, arrow keys and dragging move from claim to claim: no time no source gives. */
  function stepByClaim(slider) {
    var input = slider._timeSlider;
    input.setAttribute("aria-label", "Time of the claims shown");
    slider.play = function () {
      window.clearTimeout(slider._timer);
      if (slider.time >= story.times[story.times.length - 1]) slider.setTime(story.times[0]);
      slider._playing = true;
      slider.container.classList.add("playing");
      (function tick() {
        var next = nextTime(slider.time, 1);
        if (next === undefined) { slider.pause(); return; }
        slider.setTime(next);
        slider._timer = window.setTimeout(tick, PLAY_STEP_MS);
      })();
    };
    input.addEventListener("keydown", function (event) {
      var target = { ArrowRight: 1, ArrowUp: 1, PageUp: 1, ArrowLeft: -1, ArrowDown: -1, PageDown: -1 }[event.key];
      var time = event.key === "Home" ? story.times[0] : event.key === "End" ? story.times[story.times.length - 1]
        : target ? nextTime(slider.time, target) : undefined;
      if (!target && event.key !== "Home" && event.key !== "End") return;
      event.preventDefault();
      if (time !== undefined) { slider.pause(); slider.setTime(time); }
    });
    input.addEventListener("change", function () {
      var claim = claimAt(Number(input.value));
      var snapped = claim ? claim.properties.start : story.times[0];
      if (snapped !== Number(input.value)) slider.setTime(snapped);
    });
  }

  function listEvents(timeline, slider, key, events) {
    var list = document.querySelector(".geo-event-list");
    var caption = document.querySelector(".geo-caption");
    var entries = [];

    function entry(feature) {
      var props = feature.properties;
      var item = el("li");
      item.setAttribute("data-event-start", props.start);
      var button = dataEl("button", props[K.name]);
      button.type = "button";
      button.setAttribute("data-event-id", props.id);
      button.addEventListener("click", function () { focusEvent(props.id, button); });
      item.appendChild(button);
      item.appendChild(el("span", whenText(props), "when"));
      var who = value(props, key, "claimed_by_detail") || value(props, key, "claimed_by");
      if (who) item.appendChild(phrase("span", "Claimed by: ", who, "who"));
      var figures = value(props, key, "figures");
      if (figures) item.appendChild(el("div", figures, "figures"));
      if (props[K.sources] && props[K.sources].length) {
        var details = el("details");
        details.appendChild(el("summary", "Sources"));
        details.appendChild(sourceList(props[K.sources]));
        item.appendChild(details);
      }
      item.feature = feature;
      return item;
    }

    function listUpTo(count) {
      for (var i = entries.length; i < Math.min(count, story.byStart.length); i++) {
        var item = entry(story.byStart[i]);
        entries.push(item);
        list.appendChild(item);
      }
    }

    // Which claims are shown so far, and which one is current; the current entry.
    function mark(claim, now) {
      var currentItem = null;
      entries.forEach(function (item) {
        var props = item.feature.properties;
        item.classList.toggle("is-shown", props.start <= now);
        var isCurrent = claim !== null && props.start === claim.properties.start;
        item.classList.toggle("is-current", isCurrent);
        if (isCurrent) { item.setAttribute("aria-current", "true"); currentItem = currentItem || item; }
        else item.removeAttribute("aria-current");
      });
      return currentItem;
    }

    function render(now) {
      if (events.length <= LIST_ALL_UP_TO) {
        // Whole at once in an article's frame, whose height follows the page's.
        listUpTo(registry.settled || FRAMED ? Infinity : LIST_BEFORE_OPENING);
      } else {
        /* A window: the LIST_WINDOW events up to the slider's time, built anew. */
        var end = 0;
        while (end < story.byStart.length && story.byStart[end].properties.start <= now) end += 1;
        var start = Math.max(0, end - LIST_WINDOW);
        list.textContent = "";
        entries = story.byStart.slice(start, Math.max(end, Math.min(events.length, LIST_WINDOW))).map(entry);
        entries.forEach(function (item) { list.appendChild(item); });
      }
      var claim = claimAt(now);
      var currentItem = mark(claim, now);
      // Read the list's layout in the next frame, when the browser lays the page out anyway; not at all
      // for the first claim on opening, which the list shows at its top (a phone would lay out the
      // whole list for nothing).
      var opening = !story.listed;
      story.listed = true;
      if (currentItem && !(opening && currentItem === entries[0])) {
        window.requestAnimationFrame(function () { scrollListTo(list.parentNode, currentItem); });
      }
      if (caption && claim && story.now !== claim.properties.id) {
        story.now = claim.properties.id;
        caption.textContent = "";
        caption.appendChild(el("span", whenText(claim.properties), "geo-caption-when"));
        caption.appendChild(dataEl("span", claim.properties[K.name], "geo-caption-what"));
      }
      var input = slider._timeSlider;
      if (claim) input.setAttribute("aria-valuetext", whenText(claim.properties) + ": " + isolated(claim.properties[K.name]));
    }

    var pending = false;
    timeline.on("change", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        render(slider.time);
        if (opened) placeTallies();  // before that, placeLabels places them once the page is in
      });
    });
    render(slider.time);
    if (events.length <= LIST_ALL_UP_TO) {
      whenOpened(function () {
        listUpTo(Infinity);
        mark(claimAt(slider.time), slider.time);
      });
    }
  }

  /* Scroll the list, never the page (on phones the list sits below the map), to show `item`. */
  function scrollListTo(panel, item) {
    if (panel.scrollHeight <= panel.clientHeight + 1) return;
    var top = item.offsetTop - panel.offsetTop;
    if (top < panel.scrollTop || top + item.offsetHeight > panel.scrollTop + panel.clientHeight) {
      panel.scrollTop = Math.max(0, top - 40);
    }
  }

  /* A claim picked from the list: the time control moves to it and its popup opens. */
  function focusEvent(id, from) {
    var feature = story.byStart.find(function (f) { return f.properties.id === id; });
    if (!feature) return false;
    registry.slider.pause();
    registry.slider.setTime(feature.properties.start);
    var layer = null;
    registry.timeline.getLayers().forEach(function (candidate) {
      if (candidate.feature.properties.id === id) layer = candidate;
    });
    if (!layer) return false;
    var container = registry.map.getContainer().getBoundingClientRect();
    if (container.top < 0 || container.bottom > window.innerHeight) {
      registry.map.getContainer().scrollIntoView({ block: "start" });  // phones: the map is above the list
    }
    openFeature(layer, null, from);
    return true;
  }

  /* ---- inside an article's frame: the other half of geo/templates/embed.html ------------------- */

  var FRAMED = window.self !== window.top;
  var EMBED_MESSAGE = "geo-map";  // the type the embed's script listens for (geo/embed.py)
  var HEIGHT_EVERY_MS = 150;  // at most one height message this often while the frame is resized
  var GESTURE_TEXT = { touch: "Use two fingers to move the map", scroll: "Use ctrl + scroll to zoom the map",
                       scrollMac: "Use \u2318 + scroll to zoom the map" };  // the page's language, not the reader's
  var failed = false;  // a script error or a rejected promise: the article keeps showing the picture

  if (FRAMED) {
    // Before the body is laid out: the page is as tall as its content (geomap.css, .geo-framed).
    document.documentElement.classList.add("geo-framed");
    window.addEventListener("error", function () { failed = true; });
    window.addEventListener("unhandledrejection", function () { failed = true; });
  }

  /* No scroll trap in an article: one finger and the plain wheel scroll the article, two fingers and ctrl + wheel
     move the map (leaflet-gesture-handling).  Once everything has drawn, the article is told, and told again
     whenever the page's height changes. */
  function frameMap(map, name) {
    map.options.gestureHandlingOptions = { text: GESTURE_TEXT, duration: 1000 };
    map.gestureHandling.enable();
    window.addEventListener("load", function () {
      Promise.all([registry.ready, page.ready]).then(function () {
        // A timeout, not an animation frame: a hidden frame of another origin gets no frames until it is shown.
        window.setTimeout(function () {
          if (failed) return;
          tellHost(name);
          followHeight(name);
        }, 0);
      }, function () { failed = true; });
    });
  }

  function contentHeight() { return Math.ceil(document.body.getBoundingClientRect().height); }

  function tellHost(name) {
    // Any origin may read it (the article's is unknown here): it says only that this map drew, and its height.
    window.parent.postMessage({ type: EMBED_MESSAGE, map: name, drawn: true, height: contentHeight() }, "*");
  }

  function followHeight(name) {
    var last = contentHeight(), timer = null;
    function check() {
      timer = null;
      if (contentHeight() !== last) { last = contentHeight(); tellHost(name); }
    }
    function soon() { if (timer === null) timer = window.setTimeout(check, HEIGHT_EVERY_MS); }
    window.addEventListener("resize", soon);
    if (window.ResizeObserver) new ResizeObserver(soon).observe(document.body, { box: "border-box" });
  }

  /* On a phone the legend starts folded, leaving the map visible; it opens with a tap or the keyboard. */
  document.addEventListener("DOMContentLoaded", function () {
    if (isPhone()) {
      document.querySelectorAll("details.geo-legend").forEach(function (details) { details.open = false; });
    }
    document.querySelectorAll("details.geo-legend").forEach(function (details) {
      details.addEventListener("toggle", scheduleLabels);
    });
  });

  /* The page as printed, and as the PNGs show it (geo.browser.PRINT_MODE calls this; geomap.css .geo-print):
     no interactive controls, the key open, the source line.  Printed from the browser, it is put back as it
     was afterwards: `openedForPrint` holds the keys it opened, null when it is not in print view by this. */
  var openedForPrint = null;
  function startPrint() {
    var root = document.documentElement;
    if (root.classList.contains("geo-print")) return;  // a picture being taken, or printing already
    root.classList.add("geo-print");
    openedForPrint = Array.prototype.filter.call(document.querySelectorAll("details.geo-legend"), function (d) { return !d.open; });
    openedForPrint.forEach(function (details) { details.open = true; });
  }
  function endPrint() {
    if (openedForPrint === null) return;
    document.documentElement.classList.remove("geo-print");
    openedForPrint.forEach(function (details) { details.open = false; });
    openedForPrint = null;
  }
  window.addEventListener("beforeprint", startPrint);
  window.addEventListener("afterprint", endPrint);
  var printMedia = window.matchMedia("print");  // also a print preview, or print media emulated
  printMedia.addEventListener("change", function () { (printMedia.matches ? startPrint : endPrint)(); });

  /* The opening view for another fit target ({bounds, padding}), as a recipe's view would give it. */
  function fitView(fit) { fitHome(registry.map, fit, true); }

  window.GeoMap = { bind: bind, define: define, fitView: fitView, context: context, drawn: drawn, registerTimeline: registerTimeline, inflate: inflate,
                    focusEvent: focusEvent, setup: setup, open: open, locatorInset: locatorInset, afterOpening: afterOpening, readout: readout, placeLabels: placeLabels, printView: startPrint,
                    registry: registry, page: page };
})();
