/* The one state of a page's script: everything the modules share and change lives here, never in a
 * module's own variables.  `page` and `registry` are handed out as they are (window.GeoMap.page,
 * GeoMap.registry): tests, pictures and the benchmark read them. */

export const state = {
  // The page-data key table of geo/pagedata.py (PageKeys), set by GeoMap.define: props[state.keys.name].
  keys: {},
  // The page's shared texts: sources, strings, each layer's popup fields; `ready` once they are inflated.
  page: { sources: [], strings: [], layers: {}, ready: Promise.resolve() },
  // What tests, pictures and the benchmark read: the map, the drawn features by layer key, the labels,
  // the time control; `settled` once the work after the first frame is done, `loaded` once the time
  // control has its claims (`ready` the promise of that).
  registry: { byKey: {}, timeline: null, slider: null, map: null, labels: [], badges: [], beforeLabels: [],
              settled: false, loaded: false, ready: null, home: null, fit: null, record: null },
  current: null,  // the open popup or sheet: {view, returnTo, layer, popup | sheet}
  framed: false,  // inside an article's frame (an iframe)
  failed: false,  // a script error or a rejected promise in a frame: the article keeps its picture
  opened: false,  // the work after the first frame is done: labels are placed from now on
  deferred: [],  // that work, in the order it was asked for
  labels: { pending: false, placing: false, sideMargins: null },  // a placement asked for; running; CSS margins
  homeFit: null,  // the size and padding the opening view was last fitted to
  // The time control's claims: sorted by start, their distinct times, whether they span years, the
  // claim the caption shows, whether the list has been shown once, the claim picked from the list,
  // and the list's render (at once, before a popup opens).
  story: { times: [], byStart: [], key: null, spansYears: false, now: null, listed: false, selected: null,
           render: null },
  playback: { timer: null, playing: false },  // the time control playing claim by claim
  openedForPrint: null,  // the keys the print view opened, null when not in print view by it
  // Each feature's own state, by its Leaflet layer: {key, extras (its badge, its tap area), extrasPending}.
  layers: new WeakMap(),
};

/* A feature layer's own state (created on first use). */
export function layerState(layer) {
  let own = state.layers.get(layer);
  if (!own) state.layers.set(layer, (own = { key: null, extras: [], extrasPending: false }));
  return own;
}
