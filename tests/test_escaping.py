"""Every string from the data or a recipe is text in every page, checked without a browser.

Each page is composed in this process from hostile layers or recipes and parsed by html5lib, which
follows the HTML standard's parser (script data, comments, the double-escaped state a "<!--<script>"
opens): a page with any hostile text must have the same elements as the page with plain text, no
event-handler attribute, and the same scripts.  A handful of whole builds in Chromium are in
tests/test_hostile_pages.py.
"""

from __future__ import annotations

import copy
import functools
import json
from collections import Counter

import html5lib
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from geo.build import map_files
from geo.chainage import Route
from geo.enrich import enrich
from geo.jsonscript import script_json
from geo.panels import render_panel
from geo.recipe import recipe_from_dict
from geo.shapes import forget_shapes
from geo.text import FSI, PDI, control_label, isolate
from tests.hostile import (
    EVERYTHING,
    HOSTILE,
    as_required_text,
    base_layers,
    base_recipes,
    hostile_text,
    poisoned_layers,
    poisoned_recipes,
)

PLAIN = "plain words"


@functools.cache
def route() -> Route:
    return Route.from_layers(base_layers())


def pages(layers: dict, recipes: dict) -> dict[str, str]:
    """{'<map>' and 'offline/<map>': page} of every map, composed in this process."""
    enriched = enrich(layers, route())
    out = {}
    try:
        for name, data in recipes.items():
            out.update(map_files(recipe_from_dict(data, f"maps/{name}.toml"), enriched))  # as the build writes them
    finally:
        forget_shapes()
    return {name.removesuffix(".html"): text for name, text in out.items()}


def parsed(html: str):
    return html5lib.parse(html, namespaceHTMLElements=False)


def shape(html: str) -> tuple[Counter, list]:
    """What the HTML parser makes of a page: its elements by tag, and any event-handler attribute."""
    elements = list(parsed(html).iter())
    tags = Counter(e.tag for e in elements if isinstance(e.tag, str))
    handlers = [(e.tag, name) for e in elements for name in e.attrib if name.lower().startswith("on")]
    return tags, handlers


@functools.cache
def plain_shapes() -> dict[str, Counter]:
    """The elements of every page when every free-text string is plain words (the same layout)."""
    built = pages(poisoned_layers(PLAIN), poisoned_recipes(PLAIN))
    return {name: shape(html)[0] for name, html in built.items()}


def assert_same_shape(built: dict[str, str], payload: str, plain: dict[str, str] | None = None) -> None:
    """Every page has the plain page's elements (`plain`, or the pages with plain words everywhere) and no
    event-handler attribute."""
    expected = {name: shape(html)[0] for name, html in plain.items()} if plain else plain_shapes()
    for name, html in built.items():
        tags, handlers = shape(html)
        assert handlers == [], f"{name}: event-handler attributes {handlers[:4]} ({payload!r})"
        assert tags == expected[name], f"{name}: elements differ from the plain page ({payload!r}): " + str(
            (tags - expected[name]) + (expected[name] - tags)
        )


@pytest.mark.slow  # every page built per example; the escaping functions have their own fast properties
@HOSTILE
@given(payload=hostile_text)
@example(payload=EVERYTHING)
@example(payload="</script><img src=x onerror=alert(1)>")
@example(payload="<!--<script>")
@example(payload="Sibi <img src=x onerror=alert(1)>")
@example(payload="\\u003cscript\\u003e")
def test_hostile_text_in_every_data_string_stays_text(payload):
    """Any text in any string property of any layer (names, summaries, claimants used as style keys,
    sources' outlets and URLs, notes...) leaves every page, web and offline, with the elements and scripts
    of the plain page and no event handler."""
    assert_same_shape(pages(poisoned_layers(payload), base_recipes_for_poison()), payload)


@functools.cache
def base_recipes_for_poison() -> dict:
    # The timeline's class values name claimants: the poisoned claimants must be in no class, as the plain ones.
    return poisoned_recipes(PLAIN)


@pytest.mark.slow  # as above
@HOSTILE
@given(payload=hostile_text)
@example(payload=EVERYTHING)
@example(payload="Plain <script>")
@example(payload="How a <script> tag in a headline breaks the map")
@example(payload="Plain & grey")
def test_hostile_text_in_every_recipe_string_stays_text(payload):
    """Title, description, attribution, alt text, layer, legend, basemap and class names, area labels and
    the disputed-figures rows: the page keeps its elements and scripts whatever they say (a basemap named
    'Plain <script>' broke every web page's script through the minifier; a '<script' in a title, Leaflet's)."""
    assert_same_shape(pages(poisoned_layers(PLAIN), poisoned_recipes(payload)), payload)


@HOSTILE
@given(
    payload=st.lists(st.sampled_from(["{{", "}}", "{%", "%}", "{#", "#}", " ", "7*7", "x", "endraw"]), min_size=1).map(
        "".join
    )
)
@example(payload="{{ 7*7 }}")
@example(payload="{% if true %}x{% endif %}{# c #}{% endraw %}")
def test_template_syntax_in_any_text_is_written_as_it_is(payload):
    """folium reads what an element renders as a Jinja template again ("{{ 7*7 }}" became "49"): a claim's
    summary and a map's title are written into every page exactly as they are."""
    layers = copy.deepcopy(base_layers())
    layers["events"]["features"][0]["properties"]["summary"] = f"Summary {payload} end"
    recipes = copy.deepcopy(base_recipes())
    recipes["timeline"]["title"] = f"Title {payload} end"
    for name in ("timeline", "offline/timeline"):
        html = pages(layers, {"timeline": recipes["timeline"]})[name]
        assert f"Summary {payload} end" in html, name
        assert parsed(html).find(".//title").text == isolate(f"Title {payload} end"), name


@HOSTILE
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | hostile_text,
        lambda children: st.lists(children) | st.dictionaries(hostile_text, children),
        max_leaves=8,
    )
)
@example(value=EVERYTHING)
@example(value={"</script>": "<!--<script>", "a": ["\u2028", "\\u003c"]})
def test_json_in_a_script_is_inert_and_reads_back(value):
    """`script_json` output, in a script element, is that script's whole text (nothing ends it early or
    opens a comment) and parses back to the value."""
    text = script_json(value)
    assert not any(c in text for c in "<>&\u2028\u2029")
    scripts = parsed(f"<script>var data = {text};</script><p>after</p>").findall(".//script")
    assert len(scripts) == 1 and scripts[0].text == f"var data = {text};"
    assert json.loads(text) == value


PANELS = {
    "title.html": lambda t: {"title": t, "description": t},
    "legend.html": lambda t: {"entries": [{"label": t, "shape": "point", "fill": "#000000", "stroke": "#ffffff"}]},
    "credits.html": lambda t: {"data": t, "basemaps": [{"name": t, "attribution": t, "show": True}]},
    "events.html": lambda t: {
        "disputed": [{"label": t, "rows": [{"figure": t, "value": t, "claimed_by": t, "when": t}], "more": 0}]
    },
    "embed.html": lambda t: {
        "slug": "map",
        "title": t,
        "alt": t,
        "description": t,
        "credits": t,
        "map_url": "../map.html",
        "png_url": "../png/map.png",
        "png2x_url": "../png/map@2x.png",
        "loading_height": 800,
        "listener": "{}",
    },
}


@HOSTILE
@given(payload=hostile_text)
@example(payload=EVERYTHING)
@example(payload="--><script>alert(1)</script><!--")
@pytest.mark.parametrize("template", list(PANELS))
def test_every_panel_keeps_its_elements_whatever_its_text(template, payload):
    """The title, legend, credits, claims list and embed templates: the same elements as with plain words,
    no handler, and the text comes back as written."""
    text = as_required_text(payload)
    html, plain = (render_panel(template, **PANELS[template](t)) for t in (text, PLAIN))
    assert shape(html) == (shape(plain)[0], [])
    # As the HTML parser reads text: line ends normalised, NUL dropped.
    read = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    document = parsed(html)
    found = [*document.itertext(), *(v for e in document.iter() for v in e.attrib.values())]
    assert any(read in t or isolate(read) in t for t in found)


@given(text=hostile_text)
@example(text="Sibi\u202e")
@example(text="سبی")
@example(text="Quetta")
def test_text_that_can_reorder_its_neighbours_is_isolated(text):
    """Text with a right-to-left letter or a bidi control is wrapped in FSI...PDI; other text is left as
    it is, so ordinary names reach every page byte for byte."""
    sensitive = any(
        0x0590 <= ord(c) <= 0x08FF or c in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
        for c in text
    )
    if sensitive:
        assert isolate(text) == FSI + text + PDI
    elif not any(
        0xFB1D <= ord(c) <= 0xFEFC or 0x10800 <= ord(c) <= 0x10FFF or 0x1E800 <= ord(c) <= 0x1EFFF for c in text
    ):
        assert isolate(text) == text
    assert control_label(text).count(FSI) == isolate(text).count(FSI)


@given(st.text(alphabet=st.sampled_from("%abcD8Ef0/9?#é")) | st.text())
@example("https://ur.wikipedia.org/wiki/%D9%BE%D8%A7%DA%A9")
@example("https://example.com/a%2Fb%E2%80")
def test_a_url_is_made_readable_only_where_it_escapes_non_ascii_bytes(url):
    """`readable_url` decodes runs of escaped non-ASCII bytes, leaves every other escape as it is (a "/"
    stays escaped), and gives a URL without "%" back untouched (its quick path)."""
    from urllib.parse import unquote

    from geo.fields import readable_url

    shown = readable_url(url)
    if "%" not in url:
        assert shown == url
    assert unquote(shown) == unquote(url)  # the same link
    assert all(escape in shown for escape in ("%2F", "%2f") if escape in url)  # a "/" stays escaped
