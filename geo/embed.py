"""Copy-paste embeds for articles: a responsive iframe with title, alt text,
a link to the full map and a <noscript> PNG fallback."""

from __future__ import annotations

from geo.elements import render_panel
from geo.recipe import Recipe

# Width:height of the frame; phones get a taller frame (see templates/embed.html).
ASPECT = {"timeline": "4 / 3"}
DEFAULT_ASPECT = "3 / 2"


def embed_snippet(recipe: Recipe, alt: str, description: str, credits: str, base_url: str = "../") -> str:
    slug = recipe.slug
    return render_panel("embed.html", slug=slug, title=recipe.title, alt=alt, description=description,
                        credits=credits, map_url=f"{base_url}{slug}.html", png_url=f"{base_url}png/{slug}.png",
                        png2x_url=f"{base_url}png/{slug}@2x.png", aspect=ASPECT.get(slug, DEFAULT_ASPECT)) + "\n"
