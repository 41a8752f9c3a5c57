/* The maps' own behaviour, bundled by esbuild (geo/assets.py, bundle_own) into the one script every page
 * inlines (geo/vendor/geo/geomap.js):
 * - popups, tooltips and labels built as text (textContent), never markup;
 * - only http(s) source URLs become links;
 * - popups that fit the screen (a bottom sheet on phones), close with Escape and give the view and the
 *   focus back;
 * - permanent labels that drop rather than collide or run off the map;
 * - the event list beside the timeline map, following the time control;
 * - the record's list, filters and strip diagram, linked with the map (record.js).
 * Feature properties are read through the key table geo/pagedata.py declares (PageKeys) and sends with
 * GeoMap.define.  This module wires window.GeoMap, the API the pages' inline scripts call
 * (docs/architecture.md, "The page's script"). */

import { state } from "./state.js";
import { define, inflate } from "./page.js";
import { bind, drawn } from "./features.js";
import { placeLabels } from "./labels.js";
import { afterOpening } from "./opening.js";
import { context, locatorInset } from "./basemap.js";
import { setup } from "./setup.js";
import { open, fitView } from "./view.js";
import { registerTimeline, readout, focusEvent } from "./timeline.js";
import { registerRecord } from "./record.js";
import { startFrame } from "./frame.js";
import { foldKeyOnPhones } from "./legend.js";
import { startPrint, followPrinting } from "./print.js";

startFrame();
foldKeyOnPhones();
followPrinting();

window.GeoMap = {
  bind: bind, define: define, fitView: fitView, context: context, drawn: drawn, registerTimeline: registerTimeline,
  registerRecord: registerRecord,
  inflate: inflate, focusEvent: focusEvent, setup: setup, open: open, locatorInset: locatorInset,
  afterOpening: afterOpening, readout: readout, placeLabels: placeLabels, printView: startPrint,
  registry: state.registry, page: state.page,
};
