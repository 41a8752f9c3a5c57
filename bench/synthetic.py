"""Synthetic event layers for the scale benchmark.

Realistic properties (a name, a one-sentence summary, a claimant, figures,
one or two sources), times spread over 2025, positions on the corridor at a
random km from Quetta.  Seeded, so every run measures the same data.
"""

from __future__ import annotations

import json
import random
import shutil
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from geo.chainage import Route
from geo.timefmt import PKT

PARTIES = [
    "ISPR",
    "BLA",
    "security officials",
    "railway officials",
    "government officials",
    "reporter",
    "passengers",
    "Levies officials",
    "Balochistan government",
]
OUTLETS = [
    "Dawn",
    "Reuters",
    "AFP",
    "AP",
    "BBC News",
    "Geo News",
    "The Express Tribune",
    "The News",
    "ARY News",
    "Al Jazeera",
    "The Nation",
    "Radio Pakistan",
    "Daily Times",
    "Pakistan Today",
    "Samaa TV",
]
PRECISIONS = ["minute", "hour", "part_of_day", "day"]
FIGURES = ["passengers_aboard", "hostages", "rescued", "killed", "injured"]


def synthetic_events(count: int, route: Route, incident: str, seed: int = 2025) -> dict:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=PKT)
    features = []
    for i in range(count):
        km = rng.uniform(0, 1632)
        lon, lat = route.point_at(km)
        moment = start + timedelta(seconds=rng.randrange(365 * 24 * 3600))
        party = rng.choice(PARTIES)
        figures = {rng.choice(FIGURES): rng.randrange(1, 500)} if rng.random() < 0.4 else {}
        sources = [
            {
                "outlet": rng.choice(OUTLETS),
                "date": moment.date().isoformat(),
                "url": f"https://news.example/{moment:%Y/%m/%d}/{i}",
            }
            for _ in range(rng.choice((1, 1, 2)))
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": f"event-{i:06d}",
                    "incident": incident,
                    "name": f"Incident reported near km {km:.0f}",
                    "time": moment.replace(second=0).isoformat(),
                    "time_precision": rng.choice(PRECISIONS),
                    "claimed_by": party,
                    "claimed_by_detail": f"{party} (statement {i})",
                    "summary": (
                        f"{party.capitalize()} said an incident took place on the line near km {km:.0f} "
                        "from Quetta; details could not be verified."
                    ),
                    "figures": figures,
                    "place_reported": f"the line near km {km:.0f}",
                    "place_note": "Placed on the line at the reported km.",
                    "sources": sources,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def synthetic_project(count: int, layers: Path, maps: Path, out: Path, window_hours: int = 168) -> tuple[Path, Path]:
    """A copy of layers/ whose one incident has `count` synthetic events in place of its own, and of
    maps/ with a time window on the timeline."""
    layers_copy, maps_copy = out / "layers", out / "maps"
    shutil.copytree(layers, layers_copy, dirs_exist_ok=True)
    shutil.copytree(maps, maps_copy, dirs_exist_ok=True)
    route = Route.from_files(layers / "railway.geojson", layers / "stations.geojson")
    timeline = maps_copy / "timeline.toml"
    incident = tomllib.loads(timeline.read_text(encoding="utf-8"))["incident"]  # the incident the maps show
    events_file = layers_copy / "events" / f"{incident}.geojson"
    record = json.loads(events_file.read_text(encoding="utf-8"))["incident"]
    events = synthetic_events(count, route, incident=incident)
    events_file.write_text(json.dumps({**events, "incident": record}), encoding="utf-8")
    with timeline.open("a", encoding="utf-8") as recipe:  # laid over the template's [timeline] key by key
        recipe.write(f"\n[timeline]\nwindow_hours = {window_hours}\n")
    return layers_copy, maps_copy
