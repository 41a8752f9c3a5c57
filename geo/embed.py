"""Copy-paste embeds for articles: the map's PNG with its alt text until the map itself has drawn, a frame
that grows to the map page's height, a link to the full map.

The snippet and the map page talk by `postMessage` (geo/templates/embed.html listens; geo/static/geomap.js,
`frameMap`, speaks): a message `{type: "geo-map", map: <slug>, drawn: true, height: <px>}` reveals the map
and sets the frame's height.  Until one arrives (no JavaScript, a 404, a script error) the PNG stays.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup

from geo.errors import GeoError
from geo.jsonscript import script_json
from geo.panels import render_panel
from geo.recipe import Recipe

RELATIVE = "../"  # from dist/embed/ to dist/: right when the article sits beside the build, as in a preview
MESSAGE_TYPE = "geo-map"  # geomap.js sends the same
FRAME_HEIGHT = (320, 1600)  # px: the frame follows the map page within these bounds
# The characters RFC 3986 allows in a URL; anything else (spaces, quotes, non-ASCII) must be percent-encoded.
URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def checked_base_url(value: str) -> str:
    """The `--base-url` of a build: where dist/ will be served, ending in "/".

    Only an absolute http(s) URL with no query or fragment, since the snippet appends file names to it.
    """
    example = "such as https://example.org/maps/"
    if not URL_CHARACTERS.fullmatch(value):
        raise GeoError(f"--base-url {value!r}: not a URL (percent-encode spaces and other characters), {example}")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise GeoError(f"--base-url {value!r}: must be an absolute http:// or https:// URL, {example}")
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise GeoError(f"--base-url {value!r}: must not have a query or fragment, {example}")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise GeoError(f"--base-url {value!r}: the port is not a number, {example}") from None
    return value if value.endswith("/") else value + "/"


def embed_snippet(recipe: Recipe, title: str, alt: str, description: str, credits: str, base: str | None = None) -> str:
    """The snippet for one map; links relative to dist/embed/ unless `base` (checked by `checked_base_url`) is given."""
    slug, prefix = recipe.slug, base or RELATIVE
    listener = {"type": MESSAGE_TYPE, "map": slug, "min": FRAME_HEIGHT[0], "max": FRAME_HEIGHT[1]}
    return (
        render_panel(
            "embed.html",
            slug=slug,
            title=title,
            alt=alt,
            description=description,
            credits=credits,
            map_url=f"{prefix}{slug}.html",
            png_url=f"{prefix}png/{slug}.png",
            png2x_url=f"{prefix}png/{slug}@2x.png",
            loading_height=FRAME_HEIGHT[1],
            listener=Markup(script_json(listener)),
        )
        + "\n"
    )
