"""Shared strategies, scratch projects and output checks for the hostile-input suite.

Every test in tests/test_hostile_*.py builds from a scratch copy of layers/ and
maps/ that it has corrupted, runs the `geo` command line (in this process where
nothing can hang, in a subprocess with a timeout where something may), and then
checks every output the build wrote, in every context a string can reach:
HTML pages in headless Chromium with the network blocked, strict JSON, XML
(KML) and CSV cells.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import functools
import io
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from geo.contract import INCIDENT_RECORD_OPTIONAL, INCIDENT_RECORD_REQUIRED, LAYER_KINDS, SITE_KEYS
from tests.conftest import MAP_NAMES, ROOT, read_layer, write_layer

MAPS = ROOT / "maps"


# Deterministic, small, no example database in the repository.
HOSTILE = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


# --- hostile text --------------------------------------------------------------------------

# Each markup fragment, if it ever runs, sets window.__pwned (and some open a dialog).
FRAGMENTS = (
    '</script><img src=x onerror="window.__pwned=1;alert(1)">',
    "<!--<script>",
    "<script>window.__pwned=2</script>",
    "\"'><img src=x onerror=window.__pwned=3>",
    "'\"><svg onload=window.__pwned=4>",
    "</style><img src=x onerror=window.__pwned=5>",
    "</textarea></title><img src=x onerror=window.__pwned=6>",
    "${window.__pwned=7}`",
    "');window.__pwned=8;('",
    '");window.__pwned=9;("',
    "\\",
    "\\\\u003c",
    "\\x3C",
    "\u2028",
    "\u2029",
    "\u0085",
    "]]>",
    "<![CDATA[",
    "&amp;",
    "&#x3C;",
    "&lt;b&gt;",
    "&",
    "<",
    ">",
    "javascript:window.__pwned=10",
    '<link href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css" rel=stylesheet>',
    '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>',
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "\x00",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\ufffe",
    "\uffff",
    "\U0001f600",
    "\u202e",
    "}",
    "{",
    "{{ 7*7 }}",  # Jinja syntax: folium's templates must write it, never run it
    "{{",
    "{%",
    "{#",
    "{% endraw %}",
    "[",
    "]",
    "/*",
    "*/",
    "//",
    "\n",
    "\r\n",
    ";",
    ":",
    ",",
    ".",
    " ",
    "constructor",
    "__proto__",
    "toString",
    "null",
    "undefined",
    "NaN",
)
EVERYTHING = "".join(FRAGMENTS)

# Any valid str (no lone surrogates: they cannot come from a UTF-8 file).
unicode_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
hostile_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), unicode_text), min_size=1, max_size=6).map("".join)


def as_required_text(payload: str) -> str:
    """A payload that is still valid required text (not blank) and still starts with the payload."""
    return payload + " x"


# --- hostile layers and recipes ---------------------------------------------------------------

# Free text is what the contract types as text: slugs, times, enumerations and references keep their meaning.
FREE_TEXT = ("text", "text_list")
# Typed text but read as codes: the locator finds Pakistan by its ISO code.
CODES = {"iso_a3", "country_code"}


def poison(value, payload: str, value_kind: str | None):
    """`value` with every free-text string in it replaced by the payload (kept non-blank)."""
    if value_kind not in FREE_TEXT:
        return value
    if isinstance(value, list):
        return [as_required_text(payload) for _ in value]
    return as_required_text(payload)


def poison_sources(sources: list, payload: str) -> list:
    return [{**s, "outlet": as_required_text(payload), "url": payload} for s in sources]


def poison_properties(props: dict, kinds: dict[str, str], payload: str) -> dict:
    """A feature's properties (or an incident record) with its free text and its sources' outlets poisoned."""
    poisoned = {}
    for key, value in props.items():
        kind = kinds.get(key)
        if kind == "sources":
            poisoned[key] = poison_sources(value, payload)
        elif kind == "site":
            poisoned[key] = poison_properties(value, SITE_KEYS, payload)
        else:
            poisoned[key] = value if key in CODES else poison(value, payload, kind)
    return poisoned


def poisoned_layers(payload: str) -> dict[str, dict]:
    layers = copy.deepcopy(base_layers())
    for kind, collection in layers.items():
        properties = LAYER_KINDS[kind].properties
        for feature in collection["features"]:
            feature["properties"] = poison_properties(feature["properties"], properties, payload)
        records = collection.get("records", {})
        record_keys = {**INCIDENT_RECORD_REQUIRED, **INCIDENT_RECORD_OPTIONAL}
        for incident, record in records.items():
            records[incident] = poison_properties(record, record_keys, payload)
    # Two distinct hostile claimants, so the timeline's style table has hostile keys side by side.
    events = layers["events"]["features"]
    for feature in events[::2]:
        feature["properties"]["claimed_by"] = as_required_text(payload) + " 2"
    return layers


def poisoned_recipes(payload: str) -> dict[str, dict]:
    text = as_required_text(payload)
    recipes = copy.deepcopy(base_recipes())
    for recipe in recipes.values():
        for key in ("title", "description", "attribution"):
            recipe[key] = text
        recipe["alt_text"] = text
        renamed = {}
        for i, layer in enumerate(recipe["layer"]):
            renamed[layer["name"]] = layer["name"] = f"{text} {i}"
            layer["legend"] = f"{text} legend {i}"
            if "style_by" in layer:
                style_by = layer["style_by"]
                style_by["default_label"] = text + " default"
                for j, cls in enumerate(style_by["class"]):
                    cls["label"] = f"{text} class {j}"
                style_by["class"][0]["values"].append(text + " 2")
        if "fit" in recipe["view"]:
            recipe["view"]["fit"] = renamed.get(recipe["view"]["fit"], recipe["view"]["fit"])  # "incident" stays
        if "timeline" in recipe:
            recipe["timeline"]["layer"] = renamed[recipe["timeline"]["layer"]]
            recipe["timeline"]["disputed"] = {
                f"{text} {label}": figures for label, figures in recipe["timeline"]["disputed"].items()
            }
        if "record" in recipe:
            recipe["record"]["layer"] = renamed[recipe["record"]["layer"]]
            for i, section in enumerate(recipe["record"].get("section", [])):
                section["name"] = f"{text} section {i}"
        for i, basemap in enumerate(recipe["basemap"]):
            basemap["name"] = f"{text} basemap {i}"
        for i, area in enumerate(recipe.get("area_label", [])):
            area["text"] = f"{text} area {i}"
    stations = next(layer for layer in recipes["attack-site"]["layer"] if layer["source"] == "stations")
    stations["emphasis"] = {"ids": ["mach"], "legend": text + " emphasis", "style": {"color": "#D55E00"}}
    return recipes


@functools.cache
def _base_layers() -> dict[str, dict]:
    return read_layers()


def base_layers() -> dict[str, dict]:
    """The repository's layers, read once (callers copy before changing them)."""
    return _base_layers()


@functools.cache
def base_recipes() -> dict[str, dict]:
    return read_recipes()


# --- scratch projects ----------------------------------------------------------------------


def read_layers() -> dict[str, dict]:
    return {kind: read_layer(kind) for kind in LAYER_KINDS}


def read_recipes() -> dict[str, dict]:
    """The shipped recipes as their maps are built: each laid over its template (geo.recipe.with_template)."""
    from geo.recipe import with_template

    return {
        name: with_template(tomllib.loads((MAPS / f"{name}.toml").read_text(encoding="utf-8")), MAPS / name)
        for name in MAP_NAMES
    }


def write_layers(directory: Path, layers: dict[str, dict]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))  # json.dumps recurses once per level of a deeply nested case
    try:
        for kind, data in layers.items():
            write_layer(directory, kind, data, lambda value: json.dumps(value, ensure_ascii=False))
    finally:
        sys.setrecursionlimit(limit)
    return directory


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_str(key)


def toml_str(value: str) -> str:
    out = ['"']
    for ch in value:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def dump_toml(data: dict) -> str:
    """A minimal TOML writer: scalars and inline tables first, then tables and arrays of tables."""
    lines: list[str] = []

    def table(d: dict, prefix: str) -> None:
        subs = []
        for k, v in d.items():
            if isinstance(v, dict) and v and all(isinstance(x, (dict, list)) for x in v.values()) and k != "style":
                subs.append((k, v))
            elif isinstance(v, dict) and k in ("view", "controls", "timeline", "style_by", "emphasis", "disputed"):
                subs.append((k, v))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                subs.append((k, v))
            else:
                lines.append(f"{toml_key(k)} = {toml_value(v)}")
        for k, v in subs:
            name = f"{prefix}.{toml_key(k)}" if prefix else toml_key(k)
            if isinstance(v, list):
                for item in v:
                    lines.append(f"\n[[{name}]]")
                    table(item, name)
            else:
                lines.append(f"\n[{name}]")
                table(v, name)

    table(data, "")
    return "\n".join(lines) + "\n"


def write_recipes(directory: Path, recipes: dict[str, dict]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, recipe in recipes.items():
        (directory / f"{name}.toml").write_text(dump_toml(recipe), encoding="utf-8")
    return directory


# --- running geo -----------------------------------------------------------------------------


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def geo(*args: str) -> Result:
    """`geo ARGS` in this process (fast: no interpreter start).  Only for inputs that cannot hang."""
    from geo.cli import main

    out, err = io.StringIO(), io.StringIO()
    old_limit = sys.getrecursionlimit()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001 - a crash is a finding, reported as such
            import traceback

            err.write("Traceback (escaped from geo.cli.main):\n" + traceback.format_exc())
            code = 1
            if isinstance(exc, KeyboardInterrupt):
                raise
        finally:
            sys.setrecursionlimit(old_limit)
    return Result(code, out.getvalue(), err.getvalue())


def limit_memory() -> None:  # preexec_fn: a runaway read fails instead of eating the machine
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


def geo_subprocess(*args: str, timeout: float = 30, cwd: Path | None = None) -> Result:
    """`geo ARGS` in a child with a timeout and a memory cap: a hang or a runaway read fails the test."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "geo.cli", *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=cwd or ROOT,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        return Result(-9, "", f"TIMEOUT: geo {' '.join(map(str, args))} still running after {timeout} s")
    return Result(done.returncode, done.stdout, done.stderr)


def assert_built(result: Result) -> None:
    assert result.returncode == 0, f"build failed (exit {result.returncode}):\n{result.output[-3000:]}"


def assert_bad_input(result: Result, *fragments: str) -> None:
    """Exit 2, no traceback, no 'unexpected error', and the message names what it should."""
    assert result.returncode == 2, f"expected exit 2 (bad input), got {result.returncode}:\n{result.output[-3000:]}"
    assert "Traceback" not in result.output, result.output[-3000:]
    assert "unexpected error" not in result.output, result.output[-3000:]
    for fragment in fragments:
        assert fragment.lower() in result.stderr.lower(), f"{fragment!r} not in:\n{result.stderr[-3000:]}"


def assert_clean(result: Result) -> None:
    """Exit 0, or exit 2 with a message; never exit 1, a traceback or a hang."""
    assert result.returncode in (0, 2), f"exit {result.returncode}:\n{result.output[-3000:]}"
    assert "Traceback" not in result.output and "unexpected error" not in result.output, result.output[-3000:]
    if result.returncode == 2:
        assert result.stderr.strip(), "exit 2 with no message"


# --- checking outputs -------------------------------------------------------------------------


def _no_constants(name):
    raise ValueError(f"non-standard JSON constant {name}")


def strict_json(text: str):
    return json.loads(text, parse_constant=_no_constants)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def formula_cells(path: Path) -> list[tuple[int, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (i, cell)
            for i, row in enumerate(csv.reader(handle))
            for cell in row
            if cell.startswith(FORMULA_START) and not is_number(cell)
        ]


XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_exports(dist: Path) -> None:
    """Every GeoJSON strict JSON; the KML well-formed XML; no CSV cell a spreadsheet would run."""
    for path in sorted((dist / "geojson").glob("*.geojson")):
        strict_json(path.read_text(encoding="utf-8"))
    kml = (dist / "jaffar-express.kml").read_bytes()
    ET.fromstring(kml)  # expat: refuses raw or referenced characters XML 1.0 forbids
    assert not XML_FORBIDDEN.search(kml.decode("utf-8")), "a character XML 1.0 forbids is in the KML"
    bad = formula_cells(dist / "events.csv")
    assert not bad, f"formula cells in events.csv: {bad[:5]}"


def tree(path: Path) -> dict[str, bytes | str]:
    """Every entry under `path` (symlinks not followed) with its content, to prove a directory untouched."""
    found: dict[str, bytes | str] = {}
    for entry in sorted(path.rglob("*")):
        rel = str(entry.relative_to(path))
        if entry.is_symlink():
            found[rel] = "-> " + os.readlink(entry)
        elif entry.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = entry.read_bytes()
    return found


def fresh(directory: Path) -> Path:
    if directory.exists():
        shutil.rmtree(directory)
    return directory
