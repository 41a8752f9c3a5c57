"""Folium elements of our own: one class a concept, the template beside it.

Text from the data reaches the page either through Jinja with autoescape
(panels, legend, event list) or as JSON that the browser puts in with
`textContent` (popups, tooltips): never as markup.  Nor as a template: what an
element has rendered is written out as it is (`RenderedText`), never read by
Jinja again.
"""

from __future__ import annotations

from typing import Iterator

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import TimelineSlider
from folium.template import Template as FoliumTemplate  # with folium's `tojavascript` filter
from folium.utilities import JsCode
from jinja2 import Template

from geo.assets import links
from geo.jsonscript import script_json
from geo.pagedata import KEY


class RenderedText(Element):
    """HTML or script already rendered, written into the page as it is.

    branca puts each macro's output into a new `Element(text)`, which compiles the text as a Jinja
    template: text from the layers or a recipe holding "{{", "{%" or "{#" would stop the build, or
    be run as template code on the machine building it ("{{ 7*7 }}" became "49").
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RenderedText"
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class TextMacro(MacroElement):
    """A MacroElement whose macros' output is written into the page as it is (`RenderedText`).

    branca's own `render` puts each macro's output into a new `Element(text)`, which compiles the text
    as a Jinja template: text from the layers or a recipe holding "{{", "{%" or "{#" would stop the
    build, or run as template code on the machine building it ("{{ 7*7 }}" became "49").  Every element
    of our pages renders through this class (the folium elements we use through our subclasses of them,
    with this class after theirs), and folium itself is left as it is for any other code in the process.
    """

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError(f"{self.get_name()} can only be rendered inside a Figure")
        for part in ("header", "html", "script"):
            macro = self._template.module.__dict__.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RenderedText(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class GeoJsonLayer(folium.GeoJson, TextMacro):
    """folium's GeoJson layer, its output written as it is (`TextMacro`)."""


class LayerControl(folium.LayerControl, TextMacro):
    """folium's layer control, its output written as it is (`TextMacro`)."""


class InlineStyle(TextMacro):
    """A stylesheet of ours (geo/static/, minified: geo.assets.own_file), inlined in the page head."""

    _template = Template("{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}")

    def __init__(self, css: str):
        super().__init__()
        self._name = "InlineStyle"
        self.css = css


class InlineScript(TextMacro):
    """Our script (geo/static/geomap.js, bundled: geo.assets.own_file), inlined in the page head."""

    _template = Template("{% macro header(this, kwargs) %}<script>{{ this.js }}</script>{% endmacro %}")

    def __init__(self, js: str):
        super().__init__()
        self._name = "InlineScript"
        self.js = js


class HtmlControl(TextMacro):
    """A Leaflet control showing a pre-escaped HTML fragment (title panel, legend).

    Parameters
    ----------
    html : str
        Markup produced by `render_panel`, so every data value in it is escaped.
    position : str
        A Leaflet control position such as "topleft" or "bottomright".

    Example
    -------
    >>> HtmlControl(render_panel("title.html", title="T", description="D"), "topleft").add_to(m)
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "geo-control");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, html: str, position: str):
        super().__init__()
        self._name = "HtmlControl"
        self.html = html
        self.position = position


class LocatorInset(JSCSSMixin, TextMacro):
    """A locator inset drawn from vector data, so it works offline.

    Uses the leaflet-minimap control with GeoJSON layers instead of tiles, at a
    fixed zoom that shows the whole country: the neighbouring countries with
    their names (from the context layer), then Pakistan's provinces with
    Balochistan highlighted.

    Parameters
    ----------
    data : dict
        The provinces, `KEY.highlight` 1 on the one to highlight.
    center, zoom : the inset's fixed view.
    countries : list of GeoJSON geometries of the neighbours (may be empty).
    names : list of {"name", "at": [lat, lon]}: the neighbours' names and where they go.

    Example
    -------
    >>> LocatorInset(locator_data(layers, site), center=[30.0, 69.5], zoom=3, countries=[], names=[]).add_to(m)
    """

    SIZE_PX = 130
    _template = Template("""
        {% macro script(this, kwargs) %}
        GeoMap.locatorInset(function () {
            var highlight = {{ this.highlight_key|tojson }};
            var countries = L.geoJSON({{ this.countries_json }}, {interactive: false,
                style: {color: "#8c8c8c", weight: 0.5, fillColor: "#ebe8e1", fillOpacity: 1}});
            var outline = L.geoJSON({{ this.data|tojson }}, {interactive: false, style: function (f) {
                return f.properties[highlight] ? {color: "#333", weight: 1, fillColor: "#E69F00", fillOpacity: 0.7}
                                      : {color: "#777", weight: 0.5, fillColor: "#fbfaf6", fillOpacity: 1};
            }});
            var names = {{ this.names_json }}.map(function (n) {
                var label = document.createElement("span");
                label.textContent = n.name;
                return L.tooltip({permanent: true, direction: "center", interactive: false, opacity: 1,
                                  className: "geo-inset-label"}).setLatLng(n.at).setContent(label);
            });
            new L.Control.MiniMap(L.layerGroup([countries, outline].concat(names)), {position: "bottomleft",
                zoomLevelFixed: {{ this.zoom }}, width: {{ this.SIZE_PX }}, height: {{ this.SIZE_PX }},
                toggleDisplay: true, centerFixed: {{ this.center|tojson }},
                aimingRectOptions: {color: "#D55E00", weight: 2, fill: false}, strings: {hideText: "Hide locator",
                showText: "Show locator"}}).addTo({{ this._parent.get_name() }});
        });
        {% endmacro %}
    """)
    default_js = links("js", "leaflet_minimap_js")
    default_css = links("css", "leaflet_minimap_css")

    def __init__(
        self,
        data: dict,
        center: list[float],
        zoom: int = 3,
        countries: list[dict] | None = None,
        names: list[dict] | None = None,
    ):
        super().__init__()
        self._name = "LocatorInset"
        self.data = data
        self.highlight_key = KEY.highlight
        self.center = center
        self.zoom = zoom
        self.countries_json = script_json({"type": "GeometryCollection", "geometries": countries or []})
        self.names_json = script_json(names or [])


class ContextLayer(TextMacro):
    """The base map from layers/context.geojson (see geo.context), drawn by `GeoMap.context`.

    Added right after `MapSetup`, before the tile layers, so that the page notices when tiles load.
    Drawn after the first frame, which shows the story's own layers at once.
    Every name reaches the page as JSON text and the browser sets it with `textContent`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        GeoMap.afterOpening(function () { GeoMap.context({{ this._parent.get_name() }}, {{ this.data_json }}); });
        {% endmacro %}
    """)

    def __init__(self, data: dict):
        super().__init__()
        self._name = "ContextLayer"
        self.data_json = script_json(data)


class OpeningTileLayer(folium.TileLayer, TextMacro):
    """folium's TileLayer, added to the map only once the opening view is drawn (`GeoMap.afterOpening`).

    Tiles come over the network whenever they are added; creating their grid before the first
    frame only delays the features a phone shows first.
    """

    def render(self, **kwargs):
        shown, self.show = self.show, False  # folium would add it at once
        if shown:
            self.add_child(AddAfterOpening(self), name=self.get_name() + "_add")
        super().render(**kwargs)
        self.show = shown


class AddAfterOpening(TextMacro):
    _template = Template("""
        {% macro script(this, kwargs) %}
        GeoMap.afterOpening(function () { {{ this.layer.get_name() }}.addTo({{ this.layer._parent.get_name() }}); });
        {% endmacro %}
    """)

    def __init__(self, layer):
        super().__init__()
        self._name = "AddAfterOpening"
        self.layer = layer


class PktTimelineSlider(TimelineSlider, TextMacro):
    """folium's TimelineSlider, reading out the current claim's time in Pakistan time (geomap.js); a timeline
    whose data is still being inflated (geo.timeline.DataTimeline, packed) is added once it is made."""

    _template = FoliumTemplate("""
        {% macro script(this, kwargs) %}
          var {{ this.get_name() }} = L.timelineSliderControl({{ this.options|tojavascript }});
          {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
          {%- for timeline in this.timelines %}
          {%- if timeline.packed %}
          {{ timeline.get_name() }}_ready.then(function (made) { {{ this.get_name() }}.addTimelines(made.timeline); });
          {%- else %}
          {{ this.get_name() }}.addTimelines({{ timeline.get_name() }});
          {%- endif %}
          {%- endfor %}
        {% endmacro %}
    """)
    default_js = links("js", "timeline")  # not folium's list: its old moment is unused (the readout is GeoMap.readout)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._name = "TimelineSlider"
        # The current claim's own time at its own precision, never an interpolated minute.
        self.options["format_output"] = JsCode("function (time) { return GeoMap.readout(time); }")


class EventPanel(TextMacro):
    """The chronological list of claims and the disputed-figures table beside the map.

    The list is built in the browser from the timeline's own data (text only,
    through `textContent`), so the claims are in the page once.
    """

    _template = Template("""
        {% macro html(this, kwargs) %}{{ this.html }}{% endmacro %}
        {% macro script(this, kwargs) %}
        GeoMap.registerTimeline({{ this._parent.get_name() }}, {{ this.timeline.get_name() }},
                                {{ this.slider.get_name() }}, {{ this.key|tojson }},
                                {{ this.timeline.get_name() }}_ready);
        {% endmacro %}
    """)

    def __init__(self, html: str, timeline, slider, key: str):
        super().__init__()
        self._name = "EventPanel"
        self.html = html
        self.timeline = timeline
        self.slider = slider
        self.key = key


class RecordPanel(TextMacro):
    """The record's list of incidents with its filters, and the strip diagram below the map (geo.record),
    linked to the incidents layer by `GeoMap.registerRecord`."""

    _template = Template("""
        {% macro html(this, kwargs) %}{{ this.html }}{% endmacro %}
        {% macro script(this, kwargs) %}
        GeoMap.registerRecord({{ this._parent.get_name() }}, {{ this.layer.get_name() }}, {{ this.key|tojson }});
        {% endmacro %}
    """)

    def __init__(self, html: str, layer, key: str):
        super().__init__()
        self._name = "RecordPanel"
        self.html = html
        self.layer = layer
        self.key = key


class PageFigure(Figure):
    """The page around the map: language, landmarks, a skip link past the map, the credits below it."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n'
        "<head>\n"
        "    {{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        '<a class="geo-skip" href="#{{ this.skip_to }}">Skip past the map</a>\n'
        '<main class="geo-main">\n'
        "    {{ this.html.render(**kwargs) }}\n"
        "</main>\n"
        "{{ this.footer }}\n"
        "</body>\n"
        "<script>\n"
        "    {{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</html>\n"
    )

    def __init__(self, footer: str = "", skip_to: str = "geo-credits", lang: str = "en"):
        super().__init__()
        self.footer = footer
        self.skip_to = skip_to
        self.lang = lang


class MapSetup(TextMacro):
    """`GeoMap.setup(map, options)` right after the map exists, before any layer: panes, area labels,
    the reset-view control, Escape and the label placement (the opening view waits for `MapOpening`)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        GeoMap.setup({{ this._parent.get_name() }}, {{ this.options_json }});
        {% endmacro %}
    """)

    def __init__(self, options: dict):
        super().__init__()

        self._name = "MapSetup"
        self.options = options

    @property
    def options_json(self) -> str:
        return script_json(self.options)


class MapOpening(TextMacro):
    """`GeoMap.open(map)` after every layer and control but the layer control: the opening view, fitted
    once to the room the controls leave (a map made without a view draws its layers only then)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        GeoMap.open({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self):
        super().__init__()
        self._name = "MapOpening"


class PageScript(TextMacro):
    """The page's shared data (`geo.pagedata.PageData`), defined before any layer is drawn."""

    _template = Template("""
        {% macro header(this, kwargs) %}<script>{{ this.page.script() }}</script>{% endmacro %}
    """)

    def __init__(self, page):
        super().__init__()
        self._name = "PageScript"
        self.page = page


def walk(element: Element) -> Iterator[Element]:
    """The element and its descendants, in tree order."""
    yield element
    for child in list(element._children.values()):
        yield from walk(child)


def stabilise_ids(figure: Figure) -> None:
    """Replace folium's random element ids with ids from tree order, for byte-identical builds."""
    for counter, element in enumerate(walk(figure)):
        element._id = f"{counter:04d}"
