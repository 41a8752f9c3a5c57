"""The generated parts of docs/EDITING.md and docs/architecture.md.

Wherever the guides list keys, the list is written from the code that defines
them, so the two cannot drift apart:

- recipe keys: the pydantic models of geo.recipe (each field's `description`),
  with an example from maps/*.toml where a recipe uses the key, else from
  `EXAMPLES` below;
- figure names: geo.contract.FIGURES; parts of day: geo.timefmt.PARTS_OF_DAY;
  time precisions: geo.contract.TIME_PRECISIONS;
- event and staging properties, the layer-kind registry: geo.contract.LAYER_KINDS;
- the incident record and site keys, incident kinds: geo.contract;
- the command line: the parser of geo.cli (docs/cli.md);
- the page-data schema: geo.pagedata.key_meanings().

A generated section sits between `<!-- generated: NAME -->` and `<!-- end -->`;
everything outside the markers is written by hand.  `make docs` (or
`python -m geo.docs`) rewrites the sections; tests/test_docs.py fails when a
guide differs from what this module writes now.
"""

from __future__ import annotations

import re
import sys
import tomllib
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from geo.contract import (
    CLAIM_STATUSES,
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    FIGURES,
    INCIDENT_KINDS,
    INCIDENT_RECORD_OPTIONAL,
    INCIDENT_RECORD_REQUIRED,
    LAYER_KINDS,
    SITE_KEYS,
    STOP_VALUES,
    TIME_PRECISIONS,
)
from geo.pagedata import key_meanings
from geo.recipe import Recipe
from geo.timefmt import PARTS_OF_DAY

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"(<!-- generated: (?P<name>[a-z0-9-]+) -->\n)(?P<body>.*?)(<!-- end -->)", re.DOTALL)

# Examples for keys that no recipe in maps/ uses yet.  A key with neither stops `make docs`,
# so a new key in geo/recipe.py cannot reach the guide without one.
EXAMPLES: dict[str, str] = {
    "description": '"Where the train was stopped, and the stations either side."',
    "alt_text": '"A map of the Bolan Pass with Tunnel No. 8 marked"',
    "view.center": "[29.6, 67.6]",
    "view.bounds": "[[29.44, 67.30], [29.89, 67.90]]",
    "view.fit": '"Stations"',
    "view.padding": "[20, 20, 20, 20]",
    "layer.where": '{ jaffar_express_stop = ["yes"] }',
    "layer.range": "{ km_from_quetta = [60, 145] }",
    "layer.label_ids": '["quetta", "sibi"]',
    "view.zoom": "9",
    "view.min_zoom": "5",
    "view.max_zoom": "14",
    "controls.scale": "true",
    "controls.layer_control": "false",
    "layer.show": "false",
    "layer.exclude": '{ claimed_by = ["BLA"] }',
    "layer.emphasis": '{ ids = ["tunnel-8"], legend = "Attack site" }',
    "layer.emphasis.ids": '["tunnel-8"]',
    "layer.emphasis.style": '{ color = "#D55E00", weight = 4 }',
    "layer.emphasis.legend": '"Attack site"',
    "layer.style.fill_color": '"#ffffff"',
    "layer.simplify_m": "2000",
    "layer.decimals": "3",
    "layer.stack": "true",
    "layer.accuracy_circles": "true",
    "record.strip": "false",
    "layer.on_top": "true",
    "layer.offset_shared": "true",
    "timeline.window_hours": "24",
    "timeline.disputed": '{ Rescued = ["rescued", "rescued_min"] }',
    "timeline.list": "true",
}


def _is_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _is_model(arg)
        if found is not None:
            return found
    return None


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation) if typing.get_origin(annotation) is not Literal)


def _walk(model: type[BaseModel], prefix: str, heading: str, out: list) -> None:
    """Every table a recipe can hold, parents first; a model reached twice (Style) is listed where first met."""
    if any(m is model for _, _, m in out):
        return
    out.append((heading, prefix, model))
    for name, info in model.model_fields.items():
        if info.exclude:
            continue
        inner = _is_model(info.annotation)
        if inner is None:
            continue
        key = info.alias or name
        path = f"{prefix}.{key}" if prefix else key
        array = _is_list(info.annotation)
        _walk(inner, path, f"[[{path}]]" if array else f"[{path}]", out)


def recipe_tables() -> list[tuple[str, str, type[BaseModel]]]:
    """(TOML heading, key prefix, model) of every table, the top level first."""
    out: list = []
    _walk(Recipe, "", "top level", out)
    return out


def recipe_keys() -> list[str]:
    """Every recipe key as a dotted path: 'title', 'layer.style.radius', 'layer.style_by.class.color'..."""
    keys = []
    for _, prefix, model in recipe_tables():
        for name, info in model.model_fields.items():
            if not info.exclude:
                key = info.alias or name
                keys.append(f"{prefix}.{key}" if prefix else key)
    return keys


def _type_words(annotation: Any) -> str:
    """What a key takes, in an editor's words."""
    if annotation is type(None):
        return ""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return _type_words(args[0])
    if origin is Literal:
        return "one of " + ", ".join(f'"{a}"' for a in typing.get_args(annotation))
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        words = [w for w in (_type_words(a) for a in args) if w]
        return " or ".join(dict.fromkeys(words))
    if origin is list:
        inner = _is_model(args[0]) if args else None
        return "array of tables" if inner else f"list of {_type_words(args[0])}s"
    if origin is dict:
        return "table"
    if origin is tuple:
        return f"[{', '.join(_type_words(a) for a in args)}]"
    if _is_model(annotation):
        return "table"
    return {bool: "true/false", int: "whole number", float: "number", str: "text"}.get(annotation, str(annotation))


def _toml(value: Any) -> str:
    """A value as it is written in TOML, compactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return str(value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key, re.ASCII) else _toml(key)


def _values_at(data: Any, path: list[str]) -> list[Any]:
    if not path:
        return [data]
    if isinstance(data, list):
        return [v for item in data for v in _values_at(item, path)]
    if isinstance(data, dict) and path[0] in data:
        return _values_at(data[path[0]], path[1:])
    return []


def example(key: str, maps_dir: Path) -> str:
    """An example value of a recipe key: from a recipe in maps/ or a template where one uses it (short ones
    first)."""
    from geo.recipe import TEMPLATES

    found = []
    for path in [*sorted(maps_dir.glob("*.toml")), *sorted(TEMPLATES.glob("*.toml"))]:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        found += [
            _toml(v)
            for v in _values_at(data, key.split("."))
            if not isinstance(v, (dict, list)) or not (isinstance(v, list) and v and isinstance(v[0], dict))
        ]
    usable = [f for f in found if len(f) <= 90]
    if usable:
        return min(usable, key=lambda text: (len(text) > 40, found.index(text)))
    if key in EXAMPLES:
        return EXAMPLES[key]
    if key in {prefix for _, prefix, _ in recipe_tables()}:
        return "(a table: see below)"
    if found:
        return min(found, key=len)
    raise KeyError(f"recipe key {key!r} has no example: use it in a recipe in maps/ or add it to geo.docs.EXAMPLES")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _example_cell(text: str) -> str:
    return text if text.startswith("(") else f"`{_cell(text)}`"


def _default(info) -> str:
    if info.is_required():
        return "**required**"
    value = info.default
    if value is None or value is PydanticUndefined:
        return ""
    if isinstance(value, BaseModel):
        return ""
    if value in ({}, []):
        return ""
    return f"`{_toml(value)}`"


def section_recipe_keys(maps_dir: Path) -> str:
    out = []
    for heading, prefix, model in recipe_tables():
        doc = (model.__doc__ or "").strip().splitlines()[0]
        out.append(f"#### {heading}\n\n{doc}\n")
        out.append("| key | takes | default | meaning | example |")
        out.append("|---|---|---|---|---|")
        for name, info in model.model_fields.items():
            if info.exclude:
                continue
            key = info.alias or name
            path = f"{prefix}.{key}" if prefix else key
            out.append(
                f"| `{key}` | {_cell(_type_words(info.annotation))} | {_default(info)} | "
                f"{_cell(info.description or '')} | {_example_cell(example(path, maps_dir))} |"
            )
        out.append("")
    return "\n".join(out)


def section_figures() -> str:
    rows = ["| figure | label on the map | `_min` (at least) | `_max` (up to) |", "|---|---|---|---|"]
    for key, label in FIGURES.items():
        rows.append(f"| `{key}` | {label} | `{key}_min` | `{key}_max` |")
    return "\n".join(rows) + "\n"


def section_parts_of_day() -> str:
    rows = ["| part of day | from | to (not included) | e.g. |", "|---|---|---|---|"]
    for (start, name), (end, _) in zip(PARTS_OF_DAY, PARTS_OF_DAY[1:]):
        rows.append(f"| {name} | {start:02d}:00 | {end:02d}:00 | `T{start + 1:02d}:00:00+05:00` |")
    return "\n".join(rows) + "\n"


PRECISION_MEANINGS = {
    "minute": 'the source gives the time to the minute ("12:55"); shown as that time',
    "approximate": 'the source gives "about" a time to the minute ("about 8:15 am"); shown as "about 08:15"',
    "hour": 'the source gives an hour or "about" an hour ("about 1 pm"); shown as "about 13:00"',
    "part_of_day": 'the source gives only a part of the day ("Tuesday evening"); store an hour inside that '
    "part (table below); shown in words, and the time control spans the whole part",
    "day": 'the source gives no time of day; store noon, `T12:00:00+05:00`; shown as "(time not reported)"',
}


def section_time_precisions() -> str:
    rows = ["| time_precision | use it when |", "|---|---|"]
    for precision in TIME_PRECISIONS:
        rows.append(f"| `{precision}` | {PRECISION_MEANINGS[precision]} |")
    return "\n".join(rows) + "\n"


VALUE_WORDS = {
    "slug": "lower-case letters, digits and hyphens (`jaffar-express-2025-06-18`)",
    "text": "non-empty text",
    "urdu_text": "text in Urdu script",
    "sources": "list of `{outlet, date, url}`",
    "time": "ISO 8601 date-time with offset (`2025-03-11T13:00:00+05:00`)",
    "time_precision": ", ".join(f"`{p}`" for p in TIME_PRECISIONS),
    "figures": 'table of named whole numbers (`{"hostages": 214}`)',
    "positive_number": "number > 0",
    "non_negative_number": "number >= 0",
    "geometry_quality": "`surveyed` or `schematic`",
    "context_kind": "one of the base map's kinds",
    "label_anchors": "list of [lon, lat]",
    "image_data_uri": "a base64 JPEG, PNG or WebP data URI",
    "bool": "true or false",
    "slug_list": "list of slugs",
    "slug_pair": 'two station ids (`["jacobabad", "shikarpur"]`)',
    "text_list": "list of texts",
    "km_posts": 'list of `{"line": text, "km": number}`',
    "stop": ", ".join(f"`{v}`" for v in STOP_VALUES),
    "claim_status": ", ".join(f"`{v}`" for v in CLAIM_STATUSES),
    "incident_kind": ", ".join(f"`{v}`" for v in INCIDENT_KINDS),
    "date": "a date `YYYY-MM-DD`",
    "lon_lat": "`[longitude, latitude]`",
    "site": "where it happened (below)",
}


def section_properties(kind_name: str) -> str:
    kind = LAYER_KINDS[kind_name]
    rows = ["| property | required | value |", "|---|---|---|"]
    for name, value in {**COMMON_REQUIRED, **kind.required}.items():
        rows.append(f"| `{name}` | yes | {VALUE_WORDS[value]} |")
    for name, value in {**COMMON_OPTIONAL, **kind.optional}.items():
        rows.append(f"| `{name}` | no | {VALUE_WORDS[value]} |")
    return "\n".join(rows) + "\n"


def section_record(required: dict[str, str], optional: dict[str, str]) -> str:
    rows = ["| key | required | value |", "|---|---|---|"]
    rows += [f"| `{name}` | yes | {VALUE_WORDS[value]} |" for name, value in required.items()]
    rows += [f"| `{name}` | no | {VALUE_WORDS[value]} |" for name, value in optional.items()]
    return "\n".join(rows) + "\n"


def section_incident_kinds() -> str:
    rows = ["| kind | legend | in generated text | symbol |", "|---|---|---|---|"]
    rows += [f"| `{name}` | {k.label} | {k.what_happened} | {k.symbol} |" for name, k in INCIDENT_KINDS.items()]
    return "\n".join(rows) + "\n"


def section_cli() -> str:
    """Every command with its options, from the parser itself (geo.cli)."""
    import argparse

    from geo.cli import parser

    out = []
    commands = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        out += [f"### `geo {name}`", "", sub.description, "", "```console", sub.format_usage().strip(), "```", ""]
        rows = ["| option | meaning |", "|---|---|"]
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            flag = ", ".join(action.option_strings) or action.metavar or action.dest
            value = f" {action.metavar}" if action.option_strings and action.metavar else ""
            rows.append(f"| `{flag}{value}` | {_cell(action.help or '')} |")
        out += [*rows, "", f"Example: `{sub.epilog.split(':', 1)[1].strip()}`", ""]
    return "\n".join(out)


def section_layer_kinds() -> str:
    rows = [
        "| kind | file | geometry | required properties | optional properties | exported |",
        "|---|---|---|---|---|---|",
    ]
    for kind in LAYER_KINDS.values():
        file = f"`layers/{kind.name}/<incident>.geojson`" if kind.per_incident else f"`layers/{kind.name}.geojson`"
        if kind.optional_file:
            file += " (may be missing)"
        required = ", ".join(f"`{n}`" for n in {**COMMON_REQUIRED, **kind.required})
        optional = ", ".join(f"`{n}`" for n in {**COMMON_OPTIONAL, **kind.optional})
        rows.append(
            f"| `{kind.name}` | {file} | {', '.join(kind.geometry_types)} | {required} | {optional} | "
            f"{'yes' if kind.exported else 'no'} |"
        )
    return "\n".join(rows) + "\n"


def section_page_keys() -> str:
    rows = ["| key in the page | meaning |", "|---|---|"]
    rows += [f"| `{key}` | {_cell(meaning)} |" for key, meaning in key_meanings().items()]
    return "\n".join(rows) + "\n"


def sections(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """{guide path relative to root: {section name: generated text}}."""
    maps_dir = root / "maps"
    return {
        "docs/EDITING.md": {
            "event-properties": section_properties("events"),
            "staging-properties": section_properties("staging"),
            "time-precisions": section_time_precisions(),
            "parts-of-day": section_parts_of_day(),
            "figures": section_figures(),
            "incident-record": section_record(INCIDENT_RECORD_REQUIRED, INCIDENT_RECORD_OPTIONAL),
            "site-keys": section_record({}, SITE_KEYS),
            "incident-kinds": section_incident_kinds(),
            "recipe-keys": section_recipe_keys(maps_dir),
        },
        "docs/cli.md": {"cli": section_cli()},
        "docs/architecture.md": {
            "layer-kinds": section_layer_kinds(),
            "page-keys": section_page_keys(),
        },
    }


def render(text: str, generated: dict[str, str], path: str = "") -> str:
    """`text` with each marked section replaced; a section the generator writes must be marked in it."""
    missing = set(generated) - {m["name"] for m in SECTION.finditer(text)}
    if missing:
        raise KeyError(f"{path}: no <!-- generated: NAME --> marker for {', '.join(sorted(missing))}")

    def replace(match: re.Match) -> str:
        name = match["name"]
        if name not in generated:
            raise KeyError(f"{path}: unknown generated section {name!r}")
        return match.group(1) + "\n" + generated[name].rstrip("\n") + "\n\n" + match.group(4)

    return SECTION.sub(replace, text)


def main(root: Path = ROOT) -> int:
    for relative, generated in sections(root).items():
        path = root / relative
        old = path.read_text(encoding="utf-8")
        new = render(old, generated, relative)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"{relative}: regenerated")
        else:
            print(f"{relative}: up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
