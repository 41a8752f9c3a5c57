"""`geo new`: a new incident's events file (with its own record) and a map recipe from a template.

`--place` says where it happened as a report would: a place id (`sultan-kot`, `geo places` lists
them), `km 320`, `between jacobabad and shikarpur`, `1 km from sultan-kot` (optionally `towards
jacobabad`), or `lon,lat` for a site off the line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from geo.errors import GeoError
from geo.patterns import DATE, SLUG, whole
from geo.recipe import TEMPLATES

PLACE_FORMS = (
    "a place id such as sultan-kot (`geo places WORDS` finds one), 'km 320', 'between jacobabad and shikarpur', "
    "'1 km from sultan-kot' (add 'towards jacobabad' when the report says which way), or 'LON,LAT'"
)
KM = re.compile(r"km\s*(\d+(?:\.\d+)?)", re.ASCII)
BETWEEN = re.compile(r"between\s+([a-z0-9-]+)\s+(?:and\s+)?([a-z0-9-]+)", re.ASCII)
OFFSET = re.compile(r"(\d+(?:\.\d+)?)\s*km\s+from\s+([a-z0-9-]+)(?:\s+towards\s+([a-z0-9-]+))?", re.ASCII)
LON_LAT = re.compile(r"(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)", re.ASCII)


def site_of(place: str) -> dict:
    """The placement keys a `--place` text stands for."""
    text = place.strip().lower()
    if match := KM.fullmatch(text):
        return {"place_km": float(match[1]) if "." in match[1] else int(match[1])}
    if match := BETWEEN.fullmatch(text):
        return {"place_between": [match[1], match[2]]}
    if match := OFFSET.fullmatch(text):
        offset = float(match[1]) if "." in match[1] else int(match[1])
        return {"place": match[2], "place_offset_km": offset, **({"place_towards": match[3]} if match[3] else {})}
    if match := LON_LAT.fullmatch(text):
        return {"coordinates": [float(match[1]), float(match[2])]}
    if whole(SLUG, text):
        return {"place": text}
    raise GeoError(f"--place {place!r}: say where as {PLACE_FORMS}")


def new_incident(
    slug: str,
    title: str,
    date: str,
    place: str,
    template: str,
    layers_dir: str | Path,
    maps_dir: str | Path,
    kind: str = "other",
) -> list[Path]:
    """Write layers/events/<slug>.geojson and maps/<slug>.toml; refuse to overwrite either."""
    if not whole(SLUG, slug):
        raise GeoError(f"{slug!r}: an incident's name must be a slug, like jaffar-express-2025-10-07")
    if not whole(DATE, date):
        raise GeoError(f"--date {date!r}: write the date as YYYY-MM-DD")
    if not (TEMPLATES / f"{template}.toml").is_file():
        raise GeoError(f"--template {template!r}: no such template")
    events = Path(layers_dir) / "events" / f"{slug}.geojson"
    recipe = Path(maps_dir) / f"{slug}.toml"
    for path in (events, recipe):
        if path.exists():
            raise GeoError(f"{path}: exists already; geo new never overwrites (choose another name, or edit it)")
    record = {
        "title": title,
        "date": date,
        "kind": kind,
        "summary": title,
        "site": site_of(place),
        "sources": [],
    }
    events.parent.mkdir(parents=True, exist_ok=True)
    recipe.parent.mkdir(parents=True, exist_ok=True)
    collection = {"type": "FeatureCollection", "incident": record, "features": []}
    events.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    recipe.write_text(
        f"# {title}: made by `geo new` from the template {template!r} (geo/templates/recipes/{template}.toml).\n"
        f'incident = "{slug}"  # layers/events/{slug}.geojson\n'
        f'template = "{template}"\n',
        encoding="utf-8",
    )
    return [events, recipe]


def next_steps(slug: str, paths: list[Path]) -> str:
    events, recipe = paths
    return f"""wrote {events} and {recipe}
next:
  1. in {events}, give the incident record its sources (outlet, date, url of each report), a one-line
     summary in your own words, its kind ("kind", docs/EDITING.md lists them) and, if the site's name
     should read otherwise, "site": {{"name": ...}}
  2. add the claims: in a sheet with the columns of dist/events.csv, then `geo import SHEET.csv`
     (or write them into the file's "features")
  3. `geo serve` and open http://127.0.0.1:8000/{slug}.html: the map rebuilds as you save
  4. `geo check`, then `geo build` and `geo png --map {slug}`; the embed is dist/embed/{slug}.html"""
