"""Map recipes: one TOML file per map (DESIGN.md "Layout": maps/).

A recipe says which layers a map shows, how, and with what text.  Adding a
map, or a layer to a map, is a TOML edit.  Every key is checked against
`SCHEMA`; an unknown key, layer, basemap or style is a `RecipeError` naming
the file and the key.

Example (maps/attack-site.toml)::

    title = "Where the Jaffar Express was stopped"
    description = "The Bolan Pass between Sibi and Mach, 11-12 March 2025."
    [view]
    fit = "stations"
    [[basemap]]
    provider = "OpenTopoMap"
    name = "Terrain"
    [[layer]]
    source = "stations"
    name = "Stations"
    range = { km_from_quetta = [60, 145] }
    style = { color = "#0072B2", radius = 5 }
    tooltip = ["name", "km_from_quetta"]
    popup = ["name", "km_from_quetta", "position_accuracy_m", "sources"]
"""

from __future__ import annotations

import math
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import xyzservices

from geo.contract import LAYER_KINDS
from geo.errors import GeoError
from geo.inputs import RECIPE_MAX_BYTES, read_regular

COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAP_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # file stems become CSS classes and URLs
DASH_ARRAY = re.compile(r"^\d{1,3}(?:\.\d{1,2})?(?:[ ,]+\d{1,3}(?:\.\d{1,2})?)*$")


class RecipeError(GeoError):
    """A recipe that cannot be built; the message names the file and the key."""


# Allowed keys per table: key -> checker name.  Checkers are below.
STYLE_KEYS = {"color": "color", "weight": "weight", "opacity": "fraction", "fill_color": "color",
              "fill_opacity": "fraction", "radius": "radius", "dash_array": "dash_array"}
SCHEMA: dict[str, dict[str, str]] = {
    "recipe": {"title": "text", "description": "text", "attribution": "text", "alt_text": "text",
               "view": "table:view", "basemap": "tables:basemap", "controls": "table:controls",
               "layer": "tables:layer", "timeline": "table:timeline", "area_label": "tables:area_label"},
    "area_label": {"text": "text", "at": "latlon", "rank": "number"},
    "view": {"fit": "layer_name", "bounds": "bounds", "center": "latlon", "zoom": "zoom",
             "min_zoom": "zoom", "max_zoom": "zoom", "padding": "padding"},
    "basemap": {"provider": "provider", "name": "text", "show": "bool"},
    "controls": {"layer_control": "bool", "layer_control_collapsed": "bool", "scale": "bool", "locator": "bool",
                 "legend_position": "position"},
    "layer": {"source": "layer_kind", "name": "text", "legend": "text", "show": "bool", "where": "where",
              "range": "range", "style": "style", "style_by": "table:style_by", "emphasis": "table:emphasis",
              "tooltip": "fields", "popup": "fields", "label": "fields", "accuracy_circles": "bool",
              "timeline": "bool", "stack": "bool", "simplify_m": "simplify_m", "decimals": "decimals",
              "label_ids": "text_list", "label_rank": "number", "on_top": "bool", "offset_shared": "bool"},
    "style_by": {"property": "field", "class": "tables:style_class", "default": "color", "default_label": "text"},
    "style_class": {"label": "text", "color": "color", "values": "text_list"},
    "emphasis": {"ids": "text_list", "style": "style", "legend": "text"},
    "timeline": {"layer": "text", "list": "bool", "disputed": "disputed", "window_hours": "window_hours"},
}
REQUIRED = {"recipe": ("title", "description", "layer"), "area_label": ("text", "at"), "basemap": ("provider", "name"),
            "layer": ("source", "name"), "style_by": ("property", "class"), "style_class": ("label", "color", "values")}


def load_recipe(path: str | Path) -> dict:
    """Read and check one recipe; raise RecipeError naming the file and key."""
    path = Path(path)
    if not MAP_NAME.match(path.stem):
        raise RecipeError(f"{path}: the map name {path.stem!r} (the file name) must be a slug of lower-case "
                          "letters, digits and hyphens, such as 'attack-site': it becomes a URL and a CSS class")
    recipe = _parse_toml(path)
    _check_table(path, "recipe", recipe, "")
    names = [layer["name"] for layer in recipe["layer"]]
    for index, layer in enumerate(recipe["layer"]):
        if names.count(layer["name"]) > 1:
            raise RecipeError(f"{path}: [[layer]] {index + 1}: name {layer['name']!r} is used twice")
    for index, layer in enumerate(recipe["layer"]):
        _check_layer_kind(path, index, layer)
    timeline = recipe.get("timeline")
    if timeline and timeline.get("layer") not in names:
        raise RecipeError(f"{path}: [timeline] layer {timeline.get('layer')!r} is not the name of a [[layer]]; "
                          f"expected one of {', '.join(names)}")
    fit = recipe.get("view", {}).get("fit")
    if fit is not None and fit not in names:
        raise RecipeError(f"{path}: [view] fit {fit!r} is not the name of a [[layer]]; expected one of "
                          f"{', '.join(names)}")
    recipe["_path"] = str(path)
    recipe["_slug"] = path.stem
    return recipe


def _check_layer_kind(path: Path, index: int, layer: dict) -> None:
    """Options that only some layer kinds can take."""
    kind = LAYER_KINDS[layer["source"]]
    where = f"{path}: [[layer]] {index + 1} ({layer['source']})"
    if layer.get("timeline") and "time" not in kind.required:
        raise RecipeError(f"{where}: timeline = true needs a layer whose every feature has a time; "
                          f"{layer['source']} does not")
    if layer.get("stack") and kind.geometry_types != ("Point",):
        raise RecipeError(f"{where}: stack = true merges points at one place; {layer['source']} is not a point layer")


def _parse_toml(path: Path) -> dict:
    try:
        text = read_regular(path, RECIPE_MAX_BYTES).decode("utf-8-sig")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise RecipeError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise RecipeError(f"{path}: not UTF-8 text (byte {exc.start}); save the recipe as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise RecipeError(f"{path}: not valid TOML: tables or arrays nested too deeply") from None


def _check_table(path: Path, table: str, data: Any, where: str) -> None:
    label = where or "top level"
    if not isinstance(data, dict):
        raise RecipeError(f"{path}: {label} must be a table")
    allowed = SCHEMA[table]
    for key in REQUIRED.get(table, ()):
        if key not in data:
            raise RecipeError(f"{path}: {label}: missing required key {key!r}")
    for key, value in data.items():
        if key not in allowed:
            raise RecipeError(f"{path}: {label}: unknown key {key!r}; expected one of {', '.join(sorted(allowed))}")
        _check_value(path, allowed[key], value, f"{where}.{key}" if where else key)


def _check_value(path: Path, kind: str, value: Any, where: str) -> None:
    if kind.startswith("table:"):
        _check_table(path, kind[6:], value, f"[{where}]")
        return
    if kind.startswith("tables:"):
        if not isinstance(value, list):
            raise RecipeError(f"{path}: {where} must be an array of tables ([[{where}]])")
        for i, item in enumerate(value):
            _check_table(path, kind[7:], item, f"[[{where}]] {i + 1}")
        return
    message = CHECKS[kind](value)
    if message:
        raise RecipeError(f"{path}: {where}: {message}")


def _text(v):
    return None if isinstance(v, str) and v.strip() else f"must be non-empty text, got {v!r}"


def _number(v):
    ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    return None if ok else f"must be a finite number, got {v!r}"


def _between(low: float, high: float, unit: str = ""):
    def check(v):
        return _number(v) or (None if low <= v <= high else f"must be from {low:g} to {high:g}{unit}, got {v!r}")
    return check


def _dash_array(v):
    ok = isinstance(v, str) and DASH_ARRAY.match(v)
    return None if ok else f"must be dash and gap lengths in pixels like '4 4' or '6, 3', got {v!r}"


def _fraction(v):
    return _number(v) or (None if 0 <= v <= 1 else f"must be between 0 and 1, got {v!r}")


def _color(v):
    return None if isinstance(v, str) and COLOR.match(v) else f"must be a colour like '#0072B2', got {v!r}"


def _bool(v):
    return None if isinstance(v, bool) else f"must be true or false, got {v!r}"


def _decimals(v):
    ok = isinstance(v, int) and not isinstance(v, bool) and 2 <= v <= 7
    return None if ok else f"must be a whole number of decimals from 2 to 7, got {v!r}"


def _padding(v):
    ok = isinstance(v, list) and len(v) == 4 and all(isinstance(x, int) and x >= 0 for x in v)
    return None if ok else f"must be [top, right, bottom, left] in pixels, got {v!r}"


def _position(v):
    options = ("topleft", "topright", "bottomleft", "bottomright")
    return None if v in options else f"must be one of {', '.join(options)}, got {v!r}"


def _latlon(v):
    ok = isinstance(v, list) and len(v) == 2 and all(isinstance(x, (int, float)) for x in v)
    return None if ok and -90 <= v[0] <= 90 and -180 <= v[1] <= 180 else f"must be [lat, lon], got {v!r}"


def _bounds(v):
    ok = isinstance(v, list) and len(v) == 2 and not any(_latlon(c) for c in v)
    return None if ok else f"must be [[south, west], [north, east]], got {v!r}"


@cache
def tile_provider(name: str) -> xyzservices.TileProvider:
    """An xyzservices provider by name (its lookup is slow; maps ask for the same few)."""
    return xyzservices.providers.query_name(name)


def _provider(v):
    if not isinstance(v, str):
        return f"must be the name of a tile provider as text, got {v!r}"
    try:
        tile_provider(v)
    except (ValueError, TypeError):
        return f"unknown tile provider {v!r}; use an xyzservices name such as 'OpenTopoMap' or 'Esri.WorldGrayCanvas'"
    if tile_provider(v).requires_token():
        return f"tile provider {v!r} needs an API key; choose one that does not"
    return None


def _layer_kind(v):
    return None if v in LAYER_KINDS else f"unknown layer {v!r}; expected one of {', '.join(LAYER_KINDS)}"


def _field(v):
    return None if isinstance(v, str) and re.match(r"^[a-z_][a-z0-9_]*$", v) else f"must be a property name, got {v!r}"


def _fields(v):
    if not isinstance(v, list) or not v:
        return f"must be a list of property names, got {v!r}"
    return next((m for m in map(_field, v) if m), None)


def _text_list(v):
    return None if isinstance(v, list) and all(isinstance(x, str) for x in v) else f"must be a list of text, got {v!r}"


def _style(v):
    if not isinstance(v, dict):
        return f"must be a table of style keys ({', '.join(STYLE_KEYS)})"
    for key, value in v.items():
        if key not in STYLE_KEYS:
            return f"unknown style {key!r}; expected one of {', '.join(STYLE_KEYS)}"
        message = CHECKS[STYLE_KEYS[key]](value)
        if message:
            return f"style {key!r} {message}"
    return None


def _where(v):
    if not isinstance(v, dict) or not all(isinstance(x, list) for x in v.values()):
        return "must be a table of property = [allowed values]"
    return next((f"bad property name {k!r}" for k in v if _field(k)), None)


def _range(v):
    if not isinstance(v, dict):
        return "must be a table of property = [min, max]"
    for key, bounds in v.items():
        if _field(key) or not (isinstance(bounds, list) and len(bounds) == 2 and not any(map(_number, bounds))):
            return f"{key!r} must be [min, max], got {bounds!r}"
    return None


def _disputed(v):
    if not isinstance(v, dict) or not v:
        return "must be a table of row label = [figure names]"
    return next((f"{k!r}: {m}" for k, f in v.items() if (m := _fields(f))), None)


CHECKS = {"zoom": _between(0, 22), "radius": _between(0.5, 100, " pixels"), "weight": _between(0, 20, " pixels"),
          "window_hours": _between(0.01, 24 * 366 * 10, " hours"), "simplify_m": _between(0, 100_000, " metres"),
          "dash_array": _dash_array,
          "decimals": _decimals, "padding": _padding, "position": _position, "text": _text, "number": _number,
          "fraction": _fraction, "color": _color, "bool": _bool,
          "latlon": _latlon, "bounds": _bounds, "provider": _provider, "layer_kind": _layer_kind,
          "layer_name": _text, "field": _field, "fields": _fields, "text_list": _text_list, "style": _style,
          "where": _where, "range": _range, "disputed": _disputed}
