"""Property values as the text a reader sees in tooltips, popups and lists.

Everything here returns plain text; the browser puts it in the page with
`textContent`, so a name holding markup shows as that markup, never runs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

from geo import timefmt
from geo.contract import FIGURES, INCIDENT_KINDS, figure_base
from geo.patterns import HTTP_URL
from geo.text import isolate

LABELS = {
    "name": "Name",
    "official_name": "Official name",
    "km_from_quetta": "Km from Quetta",
    "position_accuracy_m": "Position accuracy",
    "position_basis": "Position from",
    "jaffar_express_stop": "Jaffar Express stop",
    "time": "When",
    "claimed_by": "Claimed by",
    "claimed_by_detail": "Who said it",
    "summary": "Claim",
    "figures": "Figures",
    "role": "Role",
    "area_km2_geodesic": "Area (geodesic)",
    "area_km2_official": "Area (official)",
    "kind": "Kind",
    "geometry_quality": "Geometry",
    "line": "Line",
    "notes": "Notes",
    "place_reported": "Place as reported",
    "place_note": "Place",
    "status": "Status",
    "site_name": "Where",
    "date": "When",
    "claims": "Claims",
    "number": "Tunnel number",
    "time_note": "When",
    "name_ur": "Name in Urdu",
    "time_basis": "Time from",
    "km_uncertainty": "Km uncertainty",
    "km_from_quetta_end": "Km from Quetta (end)",
    "between_stations": "Between stations",
    "reported_locations": "Where reports place it",
    "tunnel_counts_reported": "Tunnel counts reported",
    "km_from_quetta_basis": "How the km was found",
}


# Where a kind's property means something else than the same name elsewhere: an incident's summary is
# what happened, a claim's summary is the claim.
KIND_LABELS = {"incidents": {"summary": "What happened", "tolls": "Tolls as claimed", "claims": "Claims in the data"}}


def label(field: str, kind: str | None = None) -> str:
    """A property's label in popups and tables (`kind`: the layer kind it is shown for)."""
    own = KIND_LABELS.get(kind, {})
    return own.get(field) or LABELS.get(field, field.replace("_", " ").capitalize())


def figure_label(key: str) -> str:
    """'killed_attackers_min' -> 'attackers killed' (geo.contract.FIGURES; a key it lacks is spelt out)."""
    base = figure_base(key)
    return FIGURES.get(base) or base.replace("_", " ")


def figure_value(key: str, value: int) -> str:
    if key.endswith("_min"):
        return f"{value:,}+"
    if key.endswith("_max"):
        return f"up to {value:,}"
    return f"{value:,}"


def format_figures(figures: dict[str, int]) -> str:
    return "; ".join(f"{figure_label(k)}: {figure_value(k, v)}" for k, v in figures.items())


def _km(value, props) -> str:
    computed = " (computed)" if props.get("km_from_quetta_basis") or props.get("km_from_quetta_source") else ""
    return f"km {value:g} from Quetta{computed}"


def _km_uncertainty(value, props) -> str:
    return f"± {value:g} km"


def _accuracy(value, props) -> str:
    return f"± {value / 1000:g} km" if value >= 1000 else f"± {value:g} m"


def _area(value, props) -> str:
    return f"{value:,} km²"


def _date(value, props) -> str:
    from geo.describe import date_range

    return date_range(value, props.get("end_date"))


def _kind(value, props) -> str:
    """An incident's kind as a reader says it; any other layer's `kind` (a province) as it is."""
    return INCIDENT_KINDS[value].label if value in INCIDENT_KINDS else str(value)


def _status(value, props) -> str:
    later = f" by a later claim ({props['superseded_by']})" if props.get("superseded_by") else ""
    reason = f": {isolate(props['status_reason'])}" if props.get("status_reason") else ""
    return f"{STATUS_WORDS.get(value, value)}{later}{reason}"


STATUS_WORDS = {"superseded": "Overturned", "disputed": "Disputed", "withdrawn": "Withdrawn by whoever made it"}

FORMATTERS = {
    "date": _date,
    "kind": _kind,
    "status": _status,
    "time": lambda value, props: timefmt.display(value, props.get("time_precision", "minute")),
    "km_from_quetta": _km,
    "km_from_quetta_start": _km,
    "km_from_quetta_end": _km,
    "km_uncertainty": _km_uncertainty,
    "position_accuracy_m": _accuracy,
    "area_km2_geodesic": _area,
    "area_km2_official": _area,
    "figures": lambda value, props: format_figures(value),
}


def format_value(field: str, props: dict[str, Any]) -> str | None:
    """The text of one property, or None when the feature does not have it."""
    return _text_of(field, props.get(field), props)


def _text_of(field: str, value: Any, props: dict[str, Any]) -> str | None:
    """`format_value` of `value`, the feature's `field` (`props`: the feature's properties, for formatters)."""
    if value is None or value == {} or value == []:
        return None
    if type(value) is str and field not in FORMATTERS:  # the common case, first
        return value
    formatter = FORMATTERS.get(field)
    if formatter:
        return formatter(value, props)
    if isinstance(value, list):
        return ", ".join(isolate(str(v)) for v in value)
    return str(value)


def format_columns(names: list[str], props: list[dict[str, Any]]) -> dict[str, list[str | None]]:
    """{name: `format_value` of it over many features}: a text field with no formatter is its values."""
    values = row_values(props, names)
    return {name: _texts_of(name, values[name], props) for name in names}


def _texts_of(field: str, values: list, props: list[dict[str, Any]]) -> list[str | None]:
    if field not in FORMATTERS and set(map(type, values)) <= {str, type(None)}:
        return values
    return [None if value is None else _text_of(field, value, p) for value, p in zip(values, props)]


def row_values(props: list[dict[str, Any]], names: list[str]) -> dict[str, list]:
    """{name: each feature's value (None where it has none)}, read a feature at a time.

    Features in time order lie scattered in memory: at 100,000 claims, a pass over all of them for
    each name cost more than one pass reading every name."""
    names = list(dict.fromkeys(names))
    rows = [tuple(map(p.get, names)) for p in props]
    return {name: list(values) for name, values in zip(names, zip(*rows))} if rows else {n: [] for n in names}


NON_ASCII_ESCAPES = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def readable_url(url: str) -> str:
    """Percent-escapes of non-ASCII characters (an Urdu headline in a URL) shown as the characters.

    Only runs of escaped bytes >= 0x80 are decoded: together they can only be
    non-ASCII UTF-8, so no "/", "?" or "#" appears and the link stays the same.
    """
    return _readable_url(url) if "%" in url else url  # most URLs escape nothing: no cache or pattern


@lru_cache(maxsize=1 << 16)  # sources repeat from feature to feature
def _readable_url(url: str) -> str:

    def decode(match: re.Match) -> str:
        try:
            return unquote(match.group(0), errors="strict")
        except UnicodeDecodeError:
            return match.group(0)

    return NON_ASCII_ESCAPES.sub(decode, url)


def sources(props: dict[str, Any]) -> list[list[str]]:
    """[[outlet, date, url-or-empty]]; a URL that is not http(s) is dropped, so it is never a link."""
    return [list(source_parts(source)) for source in props.get("sources", [])]


def source_parts(source: dict[str, Any]) -> tuple[str, str, str]:
    """(outlet, date, url-or-empty) of one source (see `sources`)."""
    url = source.get("url", "")
    return source["outlet"], source["date"], readable_url(url) if HTTP_URL.match(url or "") else ""
