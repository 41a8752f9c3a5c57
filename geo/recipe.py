"""Map recipes: one TOML file per map in maps/, read into typed objects.

A recipe says which layers a map shows, how, and with what text.  Adding a
map, or a layer to a map, is a TOML edit.  The models below are the one
declaration of every key: its type, its range and what it means (the
`description` of each field, which docs/EDITING.md's table is generated
from).  An unknown key, a value out of range, an unknown layer, basemap or
style is a `RecipeError` naming the file and the key.

Example (maps/attack-site.toml)::

    title = "Where the Jaffar Express was stopped"
    description = "The Bolan Pass between Sibi and Mach, 11-12 March 2025."
    [view]
    fit = "Stations"
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

import builtins
import re
import tomllib
import typing
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import pydantic
import xyzservices
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from geo.contract import LAYER_KINDS
from geo.errors import GeoError
from geo.inputs import RECIPE_MAX_BYTES, read_regular
from geo.patterns import COLOR, DASH_ARRAY, PROPERTY_NAME, SLUG, whole
from geo.text import visible_problem

# The base map's relief cells are ~5 km: from zoom 8 one spans 9 or more screen pixels, a blur.
RELIEF_MAX_ZOOM = 7


class RecipeError(GeoError):
    """A recipe that cannot be built; the message names the file and the key."""


# --- value types -----------------------------------------------------------------
# Each says in words what it takes: the messages are read by editors, not programmers.


def _matching(pattern: re.Pattern, expected: str):
    def check(value: str) -> str:
        if not whole(pattern, value):
            raise ValueError(f"must be {expected}")
        return value

    return AfterValidator(check)


def _visible_text(value: str) -> str:
    problem = visible_problem(value)
    if problem:
        raise ValueError(f"must be {problem}")
    return value


def real(**bounds: float) -> Any:
    """A finite number within `bounds` (ge, le, gt)."""
    return Annotated[float, Field(allow_inf_nan=False, **bounds)]


Text = Annotated[str, AfterValidator(_visible_text)]
Color = Annotated[str, _matching(COLOR, "a colour written like '#0072B2'")]
Field_ = Annotated[str, _matching(PROPERTY_NAME, "a property name like 'km_from_quetta'")]
DashArray = Annotated[str, _matching(DASH_ARRAY, "dash and gap lengths in pixels, like '4 4' or '6, 3'")]
Slug = Annotated[
    str, _matching(SLUG, "a slug of lower-case letters, digits and hyphens, like 'jaffar-express-2025-03-11'")
]
Fraction = real(ge=0, le=1)
Zoom = real(ge=0, le=22)
# TOML has arrays, not tuples: an array of the right length is read as a tuple, its items still strict.
ArrayTuple = BeforeValidator(lambda value: tuple(value) if isinstance(value, list) else value)
LatLon = Annotated[tuple[real(ge=-90, le=90), real(ge=-180, le=180)], ArrayTuple]
Number = real()
# A phone is 390 px wide: the page keeps half the map clear of padding whatever is asked (geomap.js, fitHome).
Pixels = Annotated[int, Field(ge=0, le=400)]
Position = Literal["topleft", "topright", "bottomleft", "bottomright"]
FilterValue = str | float | bool


@cache
def tile_provider(name: str) -> xyzservices.TileProvider:
    """An xyzservices provider by name (its lookup is slow; maps ask for the same few)."""
    return xyzservices.providers.query_name(name)


def _known_provider(name: str) -> str:
    try:
        provider = tile_provider(name)
    except (ValueError, TypeError):
        raise ValueError(
            f"unknown tile provider {name!r}; use an xyzservices name such as 'OpenTopoMap' or 'Esri.WorldGrayCanvas'"
        ) from None
    if provider.requires_token():
        raise ValueError(f"tile provider {name!r} needs an API key; choose one that does not")
    return name


def _known_layer(name: str) -> str:
    if name not in LAYER_KINDS:
        raise ValueError(f"unknown layer {name!r}; expected one of {', '.join(LAYER_KINDS)}")
    return name


Provider = Annotated[str, AfterValidator(_known_provider)]
LayerKindName = Annotated[str, AfterValidator(_known_layer)]


class Model(BaseModel):
    """Every table: unknown keys refused, values checked as they are (no "3" for 3), read-only."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


# --- tables ----------------------------------------------------------------------


class Style(Model):
    """How a layer's features are drawn (Leaflet path options)."""

    color: Color | None = Field(None, description="outline or line colour, like '#0072B2'")
    weight: real(ge=0, le=20) | None = Field(None, description="outline or line width in pixels, 0-20")
    opacity: Fraction | None = Field(None, description="outline or line opacity, 0-1")
    fill_color: Color | None = Field(None, description="fill colour of points and areas")
    fill_opacity: Fraction | None = Field(None, description="fill opacity, 0-1")
    radius: real(ge=0.5, le=100) | None = Field(None, description="point radius in pixels, 0.5-100")
    dash_array: DashArray | None = Field(None, description="dashes and gaps in pixels, like '4 4'")

    def given(self) -> dict[str, Any]:
        """The keys the recipe sets, to lay over the defaults (whole numbers as written: 4, not 4.0)."""
        return {
            key: int(value) if isinstance(value, float) and value.is_integer() else value
            for key, value in self.model_dump(exclude_none=True).items()
        }


class View(Model):
    """Where the map opens."""

    fit: Text | None = Field(
        None,
        description='name of a [[layer]] whose features the opening view fits, or "incident": the incident\'s '
        "site and every claim and staging point of it the map draws",
    )
    around_site_km: real(gt=0, le=2000) | None = Field(
        None, description="fit the stretch of line this many km either side of the incident's site"
    )
    bounds: Annotated[tuple[LatLon, LatLon], ArrayTuple] | None = Field(
        None, description="[[south, west], [north, east]] to fit"
    )
    center: LatLon | None = Field(None, description="[lat, lon] of the centre when nothing is fitted")
    zoom: Zoom | None = Field(None, description="zoom level when nothing is fitted, 0-22")
    min_zoom: Zoom = Field(3, description="the furthest a reader can zoom out, 0-22")
    max_zoom: Zoom = Field(17, description="the closest a reader can zoom in, 0-22")
    padding: Annotated[tuple[Pixels, Pixels, Pixels, Pixels], ArrayTuple] | None = Field(
        None, description="[top, right, bottom, left] pixels kept clear around the fitted view"
    )


class Basemap(Model):
    """A background tile layer (needs the network; the offline pages draw without it)."""

    provider: Provider = Field(description="xyzservices provider name, such as 'OpenTopoMap'")
    name: Text = Field(description="its name in the layer control")
    show: bool | None = Field(None, description="shown first (default: the first basemap)")


class Controls(Model):
    """The map's controls."""

    layer_control: bool = Field(True, description="a control to switch layers on and off")
    layer_control_collapsed: bool = Field(True, description="that control starts folded")
    scale: bool = Field(True, description="a scale bar")
    locator: bool = Field(False, description="a locator inset of Pakistan")
    legend_position: Position = Field("bottomright", description="corner of the legend")
    legend_open: bool = Field(
        True, description="the legend starts open (folded on phones whatever this says; always open in print)"
    )


class AreaLabel(Model):
    """A name written across an area (a pass, a range), not tied to a feature."""

    text: Text = Field(description="the label")
    at: LatLon = Field(description="[lat, lon] of its centre")
    also_at: list[LatLon] = Field(
        [], description="other [lat, lon] to write it at, tried in order where `at` collides (a phone's narrow view)"
    )
    rank: Number = Field(0, description="kept before lower ranks when labels collide")


class StyleClass(Model):
    """One class of a `style_by`: features whose property is in `values` get this colour."""

    label: Text = Field(description="the class in the legend")
    color: Color = Field(description="its fill colour")
    values: list[str] = Field(description="property values in this class")


class StyleBy(Model):
    """Colour features by the value of one property."""

    property: Field_ = Field(description="the property whose value picks the class")
    classes: list[StyleClass] = Field(alias="class", description="the classes, as [[layer.style_by.class]]")
    default: Color = Field("#999999", description="colour of values in no class")
    default_label: Text = Field("Other", description="legend label of values in no class")

    def class_of(self, value: str | None) -> tuple[str, str]:
        """(legend label, colour) of a property value."""
        for cls in self.classes:
            if value in cls.values:
                return cls.label, cls.color
        return self.default_label, self.default


class Emphasis(Model):
    """Some features drawn differently (the attack site among the tunnels)."""

    ids: list[str] = Field(description="ids of the features to emphasise")
    style: Style = Field(Style(), description="style laid over the layer's for them")
    legend: Text = Field("Highlighted", description="their legend label")


class Layer(Model):
    """One [[layer]]: a layer file's features (filtered), styled, with their texts."""

    source: LayerKindName = Field(description="the layer file in layers/ (stations, events, ...)")
    name: Text = Field(description="its name in the layer control and legend; unique in the recipe")
    legend: Text | None = Field(None, description="legend label, if not the name")
    show: bool = Field(True, description="drawn when the map opens")
    where: dict[Field_, list[FilterValue]] = Field(
        {}, description="keep features whose property is one of the values: { property = [values] }"
    )
    exclude: dict[Field_, list[FilterValue]] = Field(
        {}, description="drop features whose property is one of the values: { property = [values] }"
    )
    range: dict[Field_, Annotated[tuple[Number, Number], ArrayTuple]] = Field(
        {}, description="keep features whose number property is within [min, max]"
    )
    near_site_km: real(ge=0, le=2000) | None = Field(
        None, description="keep features within this many km of the incident's site along the line"
    )
    near_claims_km: real(ge=0, le=2000) | None = Field(
        None, description="keep features within this many km of the stretch of line the incident's claims span"
    )
    except_site: bool = Field(
        False, description="leave out the place the incident's site names (drawn, and labelled, as the site)"
    )
    style: Style = Field(Style(), description="how features are drawn")
    style_by: StyleBy | None = Field(None, description="colour by a property's value")
    emphasis: Emphasis | None = Field(None, description="features drawn differently")
    tooltip: list[Field_] = Field([], description="properties shown on hover")
    popup: list[Field_] = Field([], description="properties shown in the popup ('sources' lists the sources)")
    label: list[Field_] = Field([], description="properties written beside each feature on the map")
    label_ids: list[str] | None = Field(None, description="only these features are labelled, first kept first")
    label_rank: Number = Field(0, description="this layer's labels are kept before lower ranks when they collide")
    label_where: dict[Field_, list[FilterValue]] = Field(
        {}, description="only features with these values are labelled (the others name themselves on hover)"
    )
    label_first_where: dict[Field_, list[FilterValue]] = Field(
        {}, description="among this layer's labels, those of features with these values are kept first"
    )
    label_near_site_first: bool = Field(
        False,
        description="among this layer's labels (after `label_first_where`), the nearer the incident's site "
        "along the line, the sooner kept",
    )
    accuracy_circles: bool = Field(False, description="draw each point's stated position uncertainty")
    timeline: bool = Field(False, description="put the features on the time control (events only)")
    stack: bool = Field(False, description="claims at one place as one numbered badge (point layers)")
    on_top: bool = Field(False, description="drawn above every other layer, with a 44 px tap area")
    offset_shared: bool = Field(False, description="drawn beside a place an earlier layer already marks")
    symbols: bool = Field(
        False,
        description="each incident drawn with its kind's symbol and colour, told apart without colour (incidents "
        "only); incidents at one place are drawn side by side around it",
    )
    simplify_m: real(ge=0, le=100_000) = Field(
        0, description="simplify lines and areas to this many metres for display"
    )
    decimals: Annotated[int, Field(ge=2, le=7)] = Field(5, description="coordinate decimals in the page")

    @property
    def legend_name(self) -> str:
        return self.legend or self.name


class Timeline(Model):
    """The time control and the list of claims beside the map."""

    layer: Text = Field(description="name of the [[layer]] on the time control")
    list: bool = Field(True, description="the list of claims and the disputed figures beside the map")
    disputed: dict[Text, builtins.list[Field_]] = Field(
        {}, description="rows of the disputed-figures table: label = [figure names]"
    )
    window_hours: real(gt=0, le=24 * 366 * 10) | None = Field(
        None, description="each claim stays this many hours (default: to the end)"
    )


class Section(Model):
    """A stretch of the line named on the strip diagram, from one station to another."""

    name: Text = Field(description="its name, such as 'Bolan Pass'")
    from_station: Slug = Field(description="the station it starts at (nearer Quetta)")
    to_station: Slug = Field(description="the station it ends at")


class Record(Model):
    """The corridor's record: every incident in a list beside the map, filters by year and kind, and the
    strip diagram, the line drawn straight from Quetta (km 0) with each incident at its km and date."""

    layer: Text = Field(description="name of the [[layer]] of incidents (source = 'incidents')")
    strip: bool = Field(True, description="the strip diagram of km against date below the map")
    section: builtins.list[Section] = Field(
        [], description="stretches of the line named along the strip, as [[record.section]]"
    )
    station_names: builtins.list[Slug] = Field(
        [],
        description="stations named on the strip's km axis, first kept first where names collide (every station "
        "is a tick)",
    )


class Recipe(Model):
    """A map: its text, view, controls, basemaps, layers and time control."""

    slug: str = Field(description="the map's name: the recipe's file name without .toml", exclude=True)
    path: str = Field(description="the recipe file", exclude=True)
    incident: Slug | None = Field(
        None,
        description="the incident the map shows (its events file's name): layers whose features "
        "belong to an incident (events, staging) keep only that incident's",
    )
    template: Literal["site", "timeline"] | None = Field(
        None,
        description="a shipped map to start from (geo/templates/recipes/): 'site', where the incident happened, "
        "or 'timeline', every claim on a time control; the recipe's own keys replace the template's",
    )
    title: Text | None = Field(
        None,
        description="the headline above the map and the page title; {title}, {date}, {where}, {site}, "
        "{first_claim} and {last_claim} are the incident's (default: the template's, or the incident's title)",
    )
    description: Text | None = Field(
        None, description="the standfirst under the title, with the same {placeholders} (default: the template's)"
    )
    attribution: Text | None = Field(None, description="the data credit in the source line")
    alt_text: Text | None = Field(None, description="alt text of the embed's picture (default: generated)")
    view: View = Field(View(), description="where the map opens")
    controls: Controls = Field(Controls(), description="which controls it has")
    basemap: list[Basemap] = Field([], description="background tiles, as [[basemap]]")
    relief: bool = Field(
        False,
        description=f"shaded relief on the base map, shown where the map is zoomed out to {RELIEF_MAX_ZOOM} or "
        "further (closer in, its 5-km cells would blur)",
    )
    area_label: list[AreaLabel] = Field([], description="area names, as [[area_label]]")
    layer: list[Layer] = Field(min_length=1, description="the layers, bottom first, as [[layer]]")
    timeline: Timeline | None = Field(None, description="the time control, as [timeline]")
    record: Record | None = Field(None, description="the list, filters and strip diagram of incidents, as [record]")


# --- reading ---------------------------------------------------------------------


def load_recipes(maps_dir: str | Path) -> list[Recipe]:
    """Every recipe in the maps directory, checked, in file-name order."""
    paths = sorted(Path(maps_dir).glob("*.toml"))
    if not paths:
        raise GeoError(f"{maps_dir}: no map recipes (*.toml) found")
    return [load_recipe(path) for path in paths]


def load_recipe(path: str | Path) -> Recipe:
    """Read and check one recipe; raise RecipeError naming the file and key."""
    path = Path(path)
    if not whole(SLUG, path.stem):
        raise RecipeError(
            f"{path}: the map name {path.stem!r} (the file name) must be a slug of lower-case "
            "letters, digits and hyphens, such as 'attack-site': it becomes a URL and a CSS class"
        )
    return recipe_from_dict(_parse_toml(path), path)


TEMPLATES = Path(__file__).parent / "templates" / "recipes"


def with_template(data: dict, path: Path) -> dict:
    """The recipe laid over its template: the recipe's keys replace the template's; a table ([view],
    [controls], [timeline]) key by key, a list ([[layer]], [[basemap]]) whole."""
    name = data.get("template") if isinstance(data, dict) else None
    if not isinstance(name, str) or not (TEMPLATES / f"{name}.toml").is_file():
        return data  # no template, or one the model refuses with its message
    merged = tomllib.loads((TEMPLATES / f"{name}.toml").read_text(encoding="utf-8"))
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def recipe_from_dict(data: dict, path: str | Path) -> Recipe:
    """A recipe's parsed TOML, checked; `path` names it in messages and gives the map's name."""
    path = Path(path)
    data = with_template(data, path)
    try:
        recipe = Recipe.model_validate(
            {**data, "slug": path.stem, "path": str(path)} if isinstance(data, dict) else data
        )
    except pydantic.ValidationError as exc:
        raise RecipeError(f"{path}: {describe_error(exc.errors()[0], data)}") from None
    check_references(recipe)
    return recipe


def _parse_toml(path: Path) -> dict:
    try:
        text = read_regular(path, RECIPE_MAX_BYTES).decode("utf-8-sig")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise RecipeError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise RecipeError(f"{path}: not UTF-8 text (byte {exc.start}); save the recipe as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise RecipeError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise RecipeError(f"{path}: not valid TOML: tables or arrays nested too deeply") from None
    for key in ("slug", "path"):
        if key in data:
            raise RecipeError(f"{path}: top level: unknown key {key!r} (the map's name is its file name)")
    return data


def describe_error(error: dict, data: Any) -> str:
    """One pydantic error as an editor reads it: where in the TOML, what is wrong, what was given."""
    loc = error["loc"]
    if error["type"] == "extra_forbidden":
        table = model_at(loc[:-1])
        what = "style" if table is Style else "key"
        expected = ", ".join(f.alias or name for name, f in table.model_fields.items() if not f.exclude)
        return f"{toml_location(loc[:-1], data)}: unknown {what} {loc[-1]!r}; expected one of {expected}"
    where = toml_location(loc, data)
    if error["type"] == "missing":
        if isinstance(loc[-1], int):  # a position of a fixed-length array such as padding
            return f"{where.rsplit(' item ', 1)[0]}: has too few values"
        return f"{toml_location(loc[:-1], data)}: missing required key {loc[-1]!r}"
    message = error["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
    return f"{where}: {message[0].lower() + message[1:]}, got {error.get('input')!r}"


def model_at(loc: tuple) -> type[Model]:
    """The table model a location points into: ('layer', 0, 'style') -> Style."""
    model: type[Model] = Recipe
    for step in loc:
        if isinstance(step, int):
            continue
        field = next((f for name, f in model.model_fields.items() if step in (name, f.alias)), None)
        inner = _table_type(field.annotation) if field else None
        if inner is None:
            break
        model = inner
    return model


def _table_type(annotation: Any) -> type[Model] | None:
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return annotation
    return next((t for t in map(_table_type, typing.get_args(annotation)) if t is not None), None)


def toml_location(loc: tuple, data: Any) -> str:
    """How an editor finds a place in the TOML: () -> "top level"; ('controls',) -> "[controls]";
    ('layer', 1, 'style', 'radius') -> "[[layer]] 2 ('Stations') style.radius";
    ('view', 'padding', 3) -> "[view] padding item 4"."""
    if not loc:
        return "top level"
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int) and isinstance(node, list) and node and all(isinstance(n, dict) for n in node):
            name = node[step].get("name") if step < len(node) else None
            parts[-1] = f"[[{parts[-1]}]] {step + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
        elif isinstance(step, int):
            parts[-1] += f" item {step + 1}"
        else:
            parts.append(str(step))
        node = node[step] if isinstance(node, (dict, list)) and _has(node, step) else None
    head, *rest = parts
    if not head.startswith("[[") and model_at(loc[:1]) is not Recipe:  # a [table], not a top-level value
        head = f"[{head}]"
    return head + (" " + ".".join(rest) if rest else "")


def _has(node: Any, step: Any) -> bool:
    return step in node if isinstance(node, dict) else isinstance(step, int) and step < len(node)


def check_references(recipe: Recipe) -> None:
    """What one key says about another: unique layer names, names that exist, options a kind can take."""
    names = [layer.name for layer in recipe.layer]
    for index, layer in enumerate(recipe.layer):
        where = f"{recipe.path}: [[layer]] {index + 1} ({layer.name!r})"
        if names.count(layer.name) > 1:
            raise RecipeError(f"{where}: name is used twice")
        kind = LAYER_KINDS[layer.source]
        if layer.timeline and "time" not in kind.required:
            raise RecipeError(
                f"{where}: timeline = true needs a layer whose every feature has a time; {layer.source} does not"
            )
        if layer.stack and kind.geometry_types != ("Point",):
            raise RecipeError(f"{where}: stack = true merges points at one place; {layer.source} is not a point layer")
        if layer.symbols and layer.source != "incidents":
            raise RecipeError(f"{where}: symbols = true draws incident kinds; source must be 'incidents'")
    if recipe.timeline and recipe.timeline.layer not in names:
        raise RecipeError(
            f"{recipe.path}: [timeline] layer {recipe.timeline.layer!r} is not the name of a "
            f"[[layer]]; expected one of {', '.join(names)}"
        )
    record = recipe.record
    sources = {layer.name: layer.source for layer in recipe.layer}
    if record and sources.get(record.layer) != "incidents":
        raise RecipeError(
            f"{recipe.path}: [record] layer {record.layer!r} is not the name of a [[layer]] of incidents; "
            f"expected one of {', '.join(n for n, src in sources.items() if src == 'incidents') or '(none)'}"
        )
    view = recipe.view
    if view.min_zoom > view.max_zoom:
        raise RecipeError(
            f"{recipe.path}: [view] min_zoom {view.min_zoom:g} is above max_zoom {view.max_zoom:g}; "
            "min_zoom is the furthest out, max_zoom the closest in"
        )
    if view.zoom is not None and not view.min_zoom <= view.zoom <= view.max_zoom:
        raise RecipeError(
            f"{recipe.path}: [view] zoom {view.zoom:g} is outside min_zoom {view.min_zoom:g} "
            f"to max_zoom {view.max_zoom:g}"
        )
    if recipe.title is None and recipe.incident is None:
        raise RecipeError(f"{recipe.path}: top level: missing required key 'title' (a map of no incident needs one)")
    if recipe.description is None and recipe.incident is None:
        raise RecipeError(f"{recipe.path}: top level: missing required key 'description'")
    needs_incident = [
        key
        for key, used in (
            ('[view] fit = "incident"', recipe.view.fit == "incident"),
            ("[view] around_site_km", recipe.view.around_site_km is not None),
            ("near_site_km", any(layer.near_site_km is not None for layer in recipe.layer)),
            ("near_claims_km", any(layer.near_claims_km is not None for layer in recipe.layer)),
        )
        if used
    ]
    if needs_incident and recipe.incident is None:
        raise RecipeError(f'{recipe.path}: {needs_incident[0]} needs the recipe\'s incident = "<slug>"')
    if recipe.view.fit is not None and recipe.view.fit != "incident" and recipe.view.fit not in names:
        raise RecipeError(
            f"{recipe.path}: [view] fit {recipe.view.fit!r} is not the name of a [[layer]]; "
            f"expected one of {', '.join(names)}"
        )
