/* The time control: the slider stepping claim by claim, its readout, the list of claims beside the map and
 * the caption over it.  The time arithmetic and texts take their inputs as arguments
 * (tests/js/timeline.test.mjs). */

import { state, layerState } from "./state.js";
import { el, dataEl, phrase, isolated } from "./dom.js";
import { value } from "./page.js";
import { openFeature, sourceList } from "./popups.js";
import { LIST_ALL_UP_TO, placeTallies } from "./tallies.js";
import { whenOpened } from "./opening.js";

export const LIST_WINDOW = 200;  // longer timelines list this many events up to the slider's time
// Entries made before the first frame: more than a desktop's panel shows at once, and below the map on a
// phone; the rest come once the page is in (the whole list first was a sixth of the timeline's own
// script on a phone).
export const LIST_BEFORE_OPENING = 8;
export const PLAY_STEP_MS = 1500;  // playback: one claim every this long
const HOUR = 3600000;
export const PKT_OFFSET_MS = 5 * HOUR;  // Pakistan time, UTC+5 all year

/* The year in Pakistan of the time `ms` (epoch milliseconds). */
export function yearOf(ms) { return new Date(ms + PKT_OFFSET_MS).getUTCFullYear(); }

/* The claim the time control is at: the last of `byStart` (sorted by start) to appear at or before `time`. */
export function claimAt(byStart, time) {
  let found = null;
  for (let i = 0; i < byStart.length && byStart[i].properties.start <= time; i++) found = byStart[i];
  return found;
}

/* The claim the caption and the list name at `now`: the one picked from the list while the time control
   stays at its time, else the last to appear at or before `now`. */
export function selectedAt(story, now) {
  const picked = story.selected && story.byStart.find(function (f) { return f.properties.id === story.selected; });
  if (picked && picked.properties.start === now) return picked;
  story.selected = null;
  return claimAt(story.byStart, now);
}

/* The distinct start times of claims sorted by start. */
export function distinctTimes(byStart) {
  return byStart.map(function (f) { return f.properties.start; })
    .filter(function (t, i, all) { return i === 0 || all[i - 1] !== t; });
}

/* Whether sorted times fall in more than one year (in Pakistan): the claims' times then say the year. */
export function spansYears(times) {
  return times.length > 0 && yearOf(times[0]) !== yearOf(times[times.length - 1]);
}

/* A claim's time as the page shows it: its text at its own precision ("Tuesday 11 March, evening"),
   with its year when the claims span years. */
export function whenLabel(when, start, acrossYears) {
  return acrossYears ? when + " " + yearOf(start) : when;
}

/* The time text of a claim's properties in a story ({key, spansYears}) from the page's strings. */
export function claimWhen(props, story = state.story, page = state.page, K = state.keys) {
  return whenLabel(value(props, story.key, "time", page, K) || "", props.start, story.spansYears);
}

/* The slider's readout text at `time`: the current claim's time, or nothing before the first. */
export function readoutText(time, story = state.story, page = state.page, K = state.keys) {
  const claim = claimAt(story.byStart, time);
  return claim ? claimWhen(claim.properties, story, page, K) : "";
}

/* What the slider tells a screen reader at a claim: its time and its name. */
export function valueText(props, story = state.story, page = state.page, K = state.keys) {
  return claimWhen(props, story, page, K) + ": " + isolated(props[K.name]);
}

/* The slider's readout (GeoMap.readout; leaflet.timeline writes it as HTML: escaped here). */
export function readout(time) {
  return el("span", readoutText(time)).innerHTML;
}

/* The next claim time after `time` (direction 1) or the one before it (-1); undefined past the ends. */
export function nextTime(times, time, direction) {
  if (direction > 0) return times.find(function (t) { return t > time; });
  for (let i = times.length - 1; i >= 0; i--) if (times[i] < time) return times[i];
  return undefined;
}

const KEY_STEPS = { ArrowRight: 1, ArrowUp: 1, PageUp: 1, ArrowLeft: -1, ArrowDown: -1, PageDown: -1 };

/* What a key does on the slider at `time`: {time} to go to (undefined: stay, at an end), or null for a
   key it leaves to the browser. */
export function keyStep(key, times, time) {
  if (key === "Home") return { time: times[0] };
  if (key === "End") return { time: times[times.length - 1] };
  return Object.prototype.hasOwnProperty.call(KEY_STEPS, key) ? { time: nextTime(times, time, KEY_STEPS[key]) } : null;
}

/* The slice [start, end) of `byStart` a long list shows at `now`: the LIST_WINDOW claims up to it, or
   the first LIST_WINDOW before the first claim. */
export function listWindow(byStart, now) {
  let end = 0;
  while (end < byStart.length && byStart[end].properties.start <= now) end += 1;
  const start = Math.max(0, end - LIST_WINDOW);
  return [start, Math.max(end, Math.min(byStart.length, LIST_WINDOW))];
}

/* GeoMap.registerTimeline (geo.elements.EventPanel): the time control's layer and slider, once its data
   and the timeline made from it (`ready`: {data, timeline}) and the page's texts are in.  Until then
   `layer` is what stands in the timeline's place (geo.timeline.DataTimeline). */
export function registerTimeline(map, layer, slider, key, ready) {
  const registry = state.registry, story = state.story;
  registry.timeline = layer;
  registry.slider = slider;
  story.key = key;
  registry.ready = Promise.all([ready, state.page.ready]).then(function (values) {
    const features = values[0].data.features, timeline = values[0].timeline;
    registry.timeline = timeline;
    story.byStart = features.slice().sort(function (a, b) { return a.properties.start - b.properties.start; });
    story.times = distinctTimes(story.byStart);
    story.spansYears = spansYears(story.times);
    // leaflet.timeline's range input, by its class in the control's container (public: getContainer()).
    const input = slider.getContainer().querySelector("input.time-slider");
    stepByClaim(slider, input);
    listEvents(timeline, slider, key, features, input);
    slider.setTime(slider.time === undefined ? slider.start : slider.time);
    registry.loaded = true;
  });
}

/* Playback, arrow keys and dragging move from claim to claim: no time no source gives.  Playback is
   ours (leaflet.timeline's moves by equal steps of time): its play, pause and toggle are replaced on
   this slider, and its own pause still clears the control's "playing" state. */
function stepByClaim(slider, input) {
  const story = state.story, playback = state.playback;
  input.setAttribute("aria-label", "Time of the claims shown");
  const pause = slider.pause;
  slider.pause = function () {
    window.clearTimeout(playback.timer);
    playback.playing = false;
    return pause.apply(slider, arguments);
  };
  slider.play = function () {
    window.clearTimeout(playback.timer);
    if (slider.time >= story.times[story.times.length - 1]) slider.setTime(story.times[0]);
    playback.playing = true;
    slider.container.classList.add("playing");
    (function tick() {
      const next = nextTime(story.times, slider.time, 1);
      if (next === undefined) { slider.pause(); return; }
      slider.setTime(next);
      playback.timer = window.setTimeout(tick, PLAY_STEP_MS);
    })();
  };
  slider.toggle = function () {
    if (playback.playing) slider.pause();
    else slider.play();
  };
  input.addEventListener("keydown", function (event) {
    const step = keyStep(event.key, story.times, slider.time);
    if (!step) return;
    event.preventDefault();
    if (step.time !== undefined) { slider.pause(); slider.setTime(step.time); }
  });
  input.addEventListener("change", function () {
    const claim = claimAt(story.byStart, Number(input.value));
    const snapped = claim ? claim.properties.start : story.times[0];
    if (snapped !== Number(input.value)) slider.setTime(snapped);
  });
}

/* The list of claims beside the map and the caption over it, following the time control. */
function listEvents(timeline, slider, key, events, input) {
  const story = state.story, registry = state.registry;
  const list = document.querySelector(".geo-event-list");
  const caption = document.querySelector(".geo-caption");
  let entries = [];

  function entry(feature) {
    const K = state.keys, props = feature.properties;
    const item = el("li");
    item.setAttribute("data-event-start", props.start);
    const button = dataEl("button", props[K.name]);
    button.type = "button";
    button.setAttribute("data-event-id", props.id);
    button.addEventListener("click", function () { focusEvent(props.id, button); });
    item.appendChild(button);
    item.appendChild(el("span", claimWhen(props), "when"));
    const who = value(props, key, "claimed_by_detail") || value(props, key, "claimed_by");
    if (who) item.appendChild(phrase("span", "Claimed by: ", who, "who"));
    const figures = value(props, key, "figures");
    if (figures) item.appendChild(el("div", figures, "figures"));
    if (props[K.sources] && props[K.sources].length) {
      const details = el("details");
      details.appendChild(el("summary", "Sources"));
      details.appendChild(sourceList(props[K.sources]));
      item.appendChild(details);
    }
    item.feature = feature;
    return item;
  }

  function listUpTo(count) {
    for (let i = entries.length; i < Math.min(count, story.byStart.length); i++) {
      const item = entry(story.byStart[i]);
      entries.push(item);
      list.appendChild(item);
    }
  }

  // Which claims are shown so far, which are overturned by now, and which one is current; the current entry.
  function mark(claim, now) {
    let currentItem = null;
    entries.forEach(function (item) {
      const props = item.feature.properties;
      item.classList.toggle("is-shown", props.start <= now);
      item.classList.toggle("is-overturned", overturnedAt(props, now));
      const isCurrent = claim !== null &&
        (story.selected ? props.id === claim.properties.id : props.start === claim.properties.start);
      item.classList.toggle("is-current", isCurrent);
      if (isCurrent) { item.setAttribute("aria-current", "true"); currentItem = currentItem || item; }
      else item.removeAttribute("aria-current");
    });
    return currentItem;
  }

  function render(now) {
    if (events.length <= LIST_ALL_UP_TO) {
      // Whole at once in an article's frame, whose height follows the page's.
      listUpTo(registry.settled || state.framed ? Infinity : LIST_BEFORE_OPENING);
    } else {
      // A window: the LIST_WINDOW events up to the slider's time, built anew.
      const shown = listWindow(story.byStart, now);
      list.textContent = "";
      entries = story.byStart.slice(shown[0], shown[1]).map(entry);
      entries.forEach(function (item) { list.appendChild(item); });
    }
    const claim = selectedAt(story, now);
    const currentItem = mark(claim, now);
    drawOverturned(timeline, key, now);
    // Read the list's layout in the next frame, when the browser lays the page out anyway; not at all
    // for the first claim on opening, which the list shows at its top (a phone would lay out the
    // whole list for nothing).
    const opening = !story.listed;
    story.listed = true;
    if (currentItem && !(opening && currentItem === entries[0])) {
      window.requestAnimationFrame(function () { scrollListTo(list.parentNode, currentItem); });
    }
    if (caption && claim && story.now !== claim.properties.id) {
      story.now = claim.properties.id;
      caption.textContent = "";
      caption.appendChild(el("span", claimWhen(claim.properties), "geo-caption-when"));
      caption.appendChild(dataEl("span", claim.properties[state.keys.name], "geo-caption-what"));
    }
    if (claim) input.setAttribute("aria-valuetext", valueText(claim.properties));
  }

  story.render = function () { render(slider.time); };  // at once, not next frame: before a popup opens
  let pending = false;
  timeline.on("change", function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      render(slider.time);
      if (state.opened) placeTallies();  // before that, placeLabels places them once the page is in
    });
  });
  render(slider.time);
  if (events.length <= LIST_ALL_UP_TO) {
    whenOpened(function () {
      listUpTo(Infinity);
      mark(claimAt(story.byStart, slider.time), slider.time);
    });
  }
}

/* Whether a claim is overturned by `now`: a later claim superseding it has appeared (geo.timeline). */
export function overturnedAt(props, now, K = state.keys) {
  const at = props[K.overturned];
  return at !== undefined && at !== null && at <= now;
}

/* The claims on the map drawn hollow and dashed once overturned (the layer's `overturned` style), as they
   were before that. */
function drawOverturned(timeline, key, now) {
  const style = (state.page.layers[key] || {}).overturned;
  if (!style) return;
  timeline.getLayers().forEach(function (layer) {
    const own = layerState(layer), over = overturnedAt(layer.feature.properties, now);
    if (!!own.overturned === over) return;
    if (!own.drawn) own.drawn = { fillColor: layer.options.fillColor, dashArray: layer.options.dashArray, weight: layer.options.weight };
    own.overturned = over;
    layer.setStyle(over ? style : own.drawn);
  });
}

/* Where to scroll a panel for an entry at `top`..`top + height` of its content, the panel showing
   `scrollTop`..`scrollTop + clientHeight`: null when it is in view, else 40 px above it. */
export function scrollFor(top, height, scrollTop, clientHeight) {
  if (top < scrollTop || top + height > scrollTop + clientHeight) return Math.max(0, top - 40);
  return null;
}

/* Scroll the list, never the page (on phones the list sits below the map), to show `item`. */
function scrollListTo(panel, item) {
  if (panel.scrollHeight <= panel.clientHeight + 1) return;
  const top = item.offsetTop - panel.offsetTop;
  const to = scrollFor(top, item.offsetHeight, panel.scrollTop, panel.clientHeight);
  if (to !== null) panel.scrollTop = to;
}

/* A claim picked from the list (GeoMap.focusEvent): the time control moves to it and its popup opens. */
export function focusEvent(id, from) {
  const registry = state.registry;
  const feature = state.story.byStart.find(function (f) { return f.properties.id === id; });
  if (!feature) return false;
  registry.slider.pause();
  state.story.selected = id;  // the caption and the list name this claim, not another of the same time
  registry.slider.setTime(feature.properties.start);
  let layer = null;
  registry.timeline.getLayers().forEach(function (candidate) {
    if (candidate.feature.properties.id === id) layer = candidate;
  });
  if (!layer) return false;
  const container = registry.map.getContainer().getBoundingClientRect();
  if (container.top < 0 || container.bottom > window.innerHeight) {
    registry.map.getContainer().scrollIntoView({ block: "start" });  // phones: the map is above the list
  }
  // The list and the caption as they will be at this time, before the popup is fitted in the room the
  // controls leave: the caption growing after it opened covered the popup's end (its sources).
  state.story.render();
  openFeature(layer, null, from);
  return true;
}
