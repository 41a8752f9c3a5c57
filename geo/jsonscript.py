"""JSON for inline `<script>` elements: the one way data reaches a script.

Text inside a script element ends at the first `</script`, and `<!--` can put
the HTML parser into a state where it never ends; U+2028/U+2029 end a line in
older JavaScript.  Escaping `<`, `>`, `&` and those two characters as `\\uXXXX`
makes any JSON value safe there, whatever its strings hold.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_UNSAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def compact_json(value: Any, sort_keys: bool = False) -> str:
    """Compact JSON text, non-ASCII as it is (see `compact_json_bytes`)."""
    return compact_json_bytes(value, sort_keys).decode()


def compact_json_bytes(value: Any, sort_keys: bool = False) -> bytes:
    """Compact JSON as UTF-8, non-ASCII as it is: by orjson (a year of events in a fraction of `json`'s
    time), or by `json` for what orjson refuses (an integer beyond 64 bits).  orjson writes a NaN or
    infinity as null (`json` refused them); none reaches here: layers are read by orjson, which refuses
    them, and the recipe model refuses non-finite numbers."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | (orjson.OPT_SORT_KEYS if sort_keys else 0))
    except orjson.JSONEncodeError:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys, allow_nan=False)
        return text.encode()


def script_json(value: Any, sort_keys: bool = False) -> str:
    """`value` as compact JSON that can be written into an inline script as it is."""
    text = compact_json(value, sort_keys)
    for character, escape in _UNSAFE:  # str.replace runs in C; translate() is ten times slower on megabytes
        text = text.replace(character, escape)
    return text
