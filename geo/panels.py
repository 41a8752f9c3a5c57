"""The page's own HTML fragments (title, legend, credits, claims list, embed): Jinja templates in
geo/templates/ with autoescape, so every value from the data or a recipe is text.  No folium here:
the embeds and `geo check` use it without the map composer."""

from __future__ import annotations

import jinja2

from geo.text import isolate

PANELS = jinja2.Environment(
    loader=jinja2.PackageLoader("geo", "templates"),
    autoescape=True,
    trim_blocks=False,
    lstrip_blocks=False,
    keep_trailing_newline=False,
)
PANELS.filters["isolate"] = isolate  # data text in an attribute, which no element can isolate (geo.text)


def render_panel(template: str, **context) -> str:
    """An HTML fragment with every value escaped."""
    return PANELS.get_template(template).render(**context).strip()
