"""The time control: events on folium's Timeline, the slider in PKT, the
event list and the table of disputed figures beside the map."""

from __future__ import annotations

import heapq
import json

import folium
from folium.plugins import Timeline
from folium.template import Template
from folium.utilities import JsCode

from geo import fields, timefmt
from geo.assets import links, own_file
from geo.elements import EventPanel, HtmlControl, InlineStyle, PktTimelineSlider, TextMacro
from geo.jsonscript import compact_json, script_json
from geo.pagedata import KEY, PageData, pack_if_large, page_features
from geo.panels import render_panel
from geo.recipe import Layer, Recipe
from geo.recipe import Timeline as TimelineSettings
from geo.styles import OVERTURNED_STYLE, style_for
from geo.text import control_label

HOUR_MS = 3_600_000
DISPUTED_ROWS = 40  # per figure: the table stays small; events.csv has every claim
# Above this many events, markers are drawn on one canvas rather than as SVG elements.
CANVAS_ABOVE = 1000


class DataTimeline(Timeline, TextMacro):
    """folium's Timeline with its data and itself as a promise (`<name>_ready` of `{data, timeline}`), so the
    event list can read them.

    Large data travels gzip-compressed inside the page (base64) and is inflated
    by the browser's DecompressionStream: a year of events stays a page that
    loads in seconds.  Small data is plain JSON, as folium writes it.  Only
    leaflet.timeline's public API: a packed timeline is made once its data is
    in, inside a layer group that stands in its place from the start (the
    layer control and the page name the group).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
          var {{ this.get_name() }}_options = {{ this.options|tojavascript }};
          {%- if this.packed %}
          var {{ this.get_name() }} = L.layerGroup();
          var {{ this.get_name() }}_ready = GeoMap.inflate({{ this.packed|tojson }}).then(function (data) {
              var timeline = L.timeline(data, {{ this.get_name() }}_options);
              {{ this.get_name() }}.addLayer(timeline);
              return {data: data, timeline: timeline};
          });
          {%- else %}
          var {{ this.get_name() }}_data = {{ this.data|tojson }};
          var {{ this.get_name() }} = L.timeline({{ this.get_name() }}_data, {{ this.get_name() }}_options);
          var {{ this.get_name() }}_ready = Promise.resolve(
              {data: {{ this.get_name() }}_data, timeline: {{ this.get_name() }}});
          {%- endif %}
          {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)
    default_js = links("js", "timeline")  # folium adds moment, which nothing here uses

    def __init__(self, data: dict, **kwargs):
        self.packed = pack_if_large(compact_json(data))
        super().__init__({"type": "FeatureCollection", "features": []} if self.packed else data, **kwargs)


def appears_at(props: dict) -> int:
    """Epoch milliseconds at which a claim appears: its stated (representative) time."""
    return timefmt.epoch_ms(timefmt.parse(props["time"]))


def add_timeline_layer(
    m: folium.Map, features: list[dict], spec: Layer, key: str, page: PageData, window_hours: float | None = None
) -> DataTimeline:
    """Events on the time control.  Each appears at its stated time ("Wednesday
    evening" is stored as 18:00 and shown in words) and stays, or with
    `window_hours` stays that long, so a year of events can be scrubbed."""
    times = [appears_at(f["properties"]) for f in features]
    order = sorted(range(len(features)), key=lambda i: (times[i], features[i]["properties"]["id"]))
    features = [features[i] for i in order]
    items = page_features(features, spec, key, page)
    starts = [times[i] for i in order]
    last = max(starts) + HOUR_MS
    for item, start in zip(items, starts):
        end = start + int(window_hours * HOUR_MS) if window_hours else last
        item["properties"].update(start=start, end=end)
    if mark_overturned(items, features, starts):
        page.layers[key]["overturned"] = OVERTURNED_STYLE  # timeline.js draws them so once overturned
    styles: dict[str, dict] = {}
    for item in items:  # one style per class, not per event
        cls = item["properties"].get(KEY.style_class, "")
        if cls not in styles:
            styles[cls] = style_for(item["properties"], spec)
    renderer = "L.canvas({padding: 0.5})" if len(items) > CANVAS_ABOVE else "null"
    point_to_layer = JsCode(
        "(function () { var styles = "
        + script_json(styles, sort_keys=True)
        + "; var renderer = "
        + renderer
        + "; return function (feature, latlng) { "
        "var options = Object.assign({}, styles[feature.properties[" + json.dumps(KEY.style_class) + "] || ''] || {}); "
        "if (renderer) options.renderer = renderer; return L.circleMarker(latlng, options); }; })()"
    )
    timeline = DataTimeline(
        collection(items),
        point_to_layer=point_to_layer,
        on_each_feature=JsCode(f"function (f, l) {{ GeoMap.bind(f, l, {script_json(key)}); }}"),
    )
    timeline.layer_name = control_label(spec.name)  # shown as HTML by the layer control
    timeline.add_to(m)
    timeline.starts = starts
    return timeline


def mark_overturned(items: list[dict], features: list[dict], starts: list[int]) -> int:
    """A superseded claim is drawn overturned from the moment the claim superseding it appears on the time
    control (from its own appearance when that claim is not on it); how many there are."""
    start_of = {f["properties"]["id"]: start for f, start in zip(features, starts)}
    count = 0
    for item, feature, start in zip(items, features, starts):
        props = feature["properties"]
        if props.get("status") == "superseded":
            item["properties"][KEY.overturned] = max(start, start_of.get(props.get("superseded_by"), start))
            count += 1
    return count


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def add_time_control(m: folium.Map, timeline: DataTimeline, key: str, recipe: Recipe, events: list[dict]) -> None:
    slider = PktTimelineSlider(
        auto_play=False,
        start=min(timeline.starts),
        end=max(timeline.starts),
        enable_keyboard_controls=False,
        show_ticks=len(timeline.starts) <= 500,
        steps=400,
        playback_duration=20000,
    )
    slider.add_timelines(timeline)
    slider.add_to(m)
    settings = recipe.timeline or TimelineSettings(layer=key)
    if settings.list:
        html = render_panel("events.html", disputed=disputed_rows(events, settings.disputed))
        InlineStyle(own_file("timeline.css")).add_to(m)
        # The current claim captioned on the map, and announced (a polite live region).
        HtmlControl('<div class="geo-caption" role="status" aria-live="polite"></div>', "bottomleft").add_to(m)
        EventPanel(html, timeline, slider, key).add_to(m)


def disputed_rows(events: list[dict], disputed: dict[str, list[str]]) -> list[dict]:
    """Groups of claimed numbers: [{label, rows: [{figure, value, claimed_by, when}]}], each in time order
    (the first DISPUTED_ROWS of a group written out; `more` counts the rest)."""
    counted = [f["properties"] for f in events if f["properties"].get("figures")]  # most claims give no number
    groups = []
    for label, keys in disputed.items():
        claims = [
            (appears_at(props), props["id"], key, props) for props in counted for key in keys if key in props["figures"]
        ]
        first = heapq.nsmallest(DISPUTED_ROWS, claims, key=lambda c: c[:3])  # time, claim, figure: no two alike
        if first:
            rows = [disputed_row(props, key) for *_, key, props in first]
            groups.append({"label": label, "rows": rows, "more": len(claims) - len(rows)})
    return groups


def disputed_row(props: dict, key: str) -> dict:
    """One claimed number: the figure, its value, who claimed it (and its status), when."""
    status = f" ({fields.STATUS_WORDS[props['status']].lower()})" if props.get("status") else ""
    return {
        "figure": fields.figure_label(key),
        "value": fields.figure_value(key, props["figures"][key]),
        "claimed_by": props["claimed_by"] + status,
        "when": timefmt.display(props["time"], props["time_precision"]),
    }
