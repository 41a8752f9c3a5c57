"""Text from the data as readers see it: visible, and kept in its own direction.

A name holding U+202E (RIGHT-TO-LEFT OVERRIDE) reversed everything written after it on
the same line ("Sibi‮ · km 141" read "141 mk · ibiS"), and a name made only of U+200B
looked like no name at all.  Every data string that is written beside other text is
therefore isolated: in plain text (alt text, descriptions, labels) between U+2068 FIRST
STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, in HTML by `dir="auto"` on an element
that holds it alone or by `<bdi>`.  An Urdu name stays right to left inside its isolate.
"""

from __future__ import annotations

import re
import unicodedata

import markupsafe

FSI, PDI = "\u2068", "\u2069"
# Characters that can change the order of text around them: right-to-left letters and digits (Hebrew,
# Arabic and Urdu, Syriac, Thaana, N'Ko...; Arabic-Indic digits), and the explicit bidi controls.
_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff"
_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
BIDI_SENSITIVE = re.compile(f"[{_RTL}{_CONTROLS}]")
BIDI_CONTROLS = re.compile(f"[{_CONTROLS}]")
# Categories that draw nothing: separators, controls, format characters (zero-width, bidi), unassigned.
_INVISIBLE = {"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Cn"}


def isolate(text: str) -> str:
    """`text` as a directional isolate, where it could reorder what is written beside it.

    Text without a right-to-left character or a bidi control cannot, and is returned as it is,
    so that ordinary names reach pages and files byte for byte."""
    return f"{FSI}{text}{PDI}" if BIDI_SENSITIVE.search(text) else text


def has_visible(text: str) -> bool:
    """Whether any character of `text` draws something (a letter, digit, mark, punctuation or symbol)."""
    return any(unicodedata.category(character) not in _INVISIBLE for character in text)


def visible_problem(value: object) -> str | None:
    """What is wrong with a name or title, as "must be ..." completes it; None when it is fine."""
    if not isinstance(value, str) or not value.strip():
        return "non-empty text"
    if not has_visible(value):
        return "text with at least one visible character (not only spaces, zero-width or direction marks)"
    return None


def control_label(text: str) -> str:
    """A layer or basemap name for Leaflet's layer control, which inserts names as HTML beside its own text."""
    return str(markupsafe.escape(isolate(text)))
