/* The page's shared data (geo/pagedata.py): the key table, the popup fields of each layer, the sources and
 * strings that features point into by index. */

import { state } from "./state.js";

/* The page's shared texts: given directly, or as a promise when they travel compressed. */
export function define(keys, layers, texts) {
  const page = state.page;
  state.keys = keys;
  page.layers = layers;
  function use(value) { page.sources = value.sources; page.strings = value.strings; }
  if (texts instanceof Promise) page.ready = texts.then(use);
  else use(texts);
}

/* Large timelines travel gzip-compressed and base64-encoded inside the page. */
export function inflate(base64) {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text().then(JSON.parse);
}

/* A feature's text for one of its layer's popup fields ("time", "claimed_by", ...), or null. */
export function value(props, key, field, page = state.page, K = state.keys) {
  const meta = page.layers[key];
  const i = meta ? meta.fields.indexOf(field) : -1;
  const index = i >= 0 && props[K.values] ? props[K.values][i] : null;
  return index === null || index === undefined ? null : page.strings[index];
}

/* [label, text, urdu] rows of a popup: a stack's own rows, or the layer's fields, each text once (a field
   that says what the heading or an earlier field says, such as "Who said it" repeating "Claimed by", is
   left out). */
export function rows(props, key, page = state.page, K = state.keys) {
  if (props[K.rows]) return props[K.rows];
  const meta = page.layers[key] || { labels: [], urdu: [] };
  const out = [], shown = new Set([props[K.name]]);
  (props[K.values] || []).forEach(function (index, i) {
    if (index === null || index === undefined || shown.has(page.strings[index])) return;
    shown.add(page.strings[index]);
    out.push([meta.labels[i], page.strings[index], meta.urdu[i]]);
  });
  return out;
}
