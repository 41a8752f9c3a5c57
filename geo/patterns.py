"""The shapes of the strings the data contract and the recipes give a meaning, declared once.

Every pattern is matched against the whole string (`whole`): with `re.match` and `$`, a
trailing newline passed ("attack-site\\n" was a map name).  ASCII only: `\\d` would take
Arabic-Indic digits too.
"""

from __future__ import annotations

import re


def _pattern(text: str) -> re.Pattern:
    return re.compile(text, re.ASCII)


SLUG = _pattern(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # ids, incidents, map names: they become URLs and CSS classes
PROPERTY_NAME = _pattern(r"[a-z_][a-z0-9_]*")
FIGURE_KEY = _pattern(r"[a-z][a-z0-9_]*")  # becomes a column name
COLOR = _pattern(r"#[0-9a-fA-F]{6}")
DASH_ARRAY = _pattern(r"\d{1,3}(?:\.\d{1,2})?(?:[ ,]+\d{1,3}(?:\.\d{1,2})?)*")
SOURCE_DATE = _pattern(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
DATE = _pattern(r"\d{4}-\d{2}-\d{2}")
# The one form every reader (browsers, GeoPackage, spreadsheets) takes: calendar date, time, offset in minutes.
ISO_TIME = _pattern(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})")
NAIVE_TIME = _pattern(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
HTTP_URL = re.compile(r"https?://", re.IGNORECASE)  # a prefix: only these become links
# Characters XML 1.0 forbids (C0 controls except tab, newline, carriage return; surrogates; U+FFFE/U+FFFF).
XML_FORBIDDEN_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"  # a character class's body
XML_FORBIDDEN = re.compile(f"[{XML_FORBIDDEN_CHARS}]")


def whole(pattern: re.Pattern, value: object) -> bool:
    """Whether `value` is a string the pattern matches from its first character to its last."""
    return isinstance(value, str) and pattern.fullmatch(value) is not None
