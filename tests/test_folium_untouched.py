"""Importing geo changes nothing in folium or branca for other code in the process: no class gains,
loses or swaps an attribute, and a plain folium map renders the same before and after."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = r"""
import importlib, inspect, pkgutil, re
import branca, folium, folium.plugins

def classes():
    found = {}
    for package in (folium, branca):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__.startswith(("folium", "branca")):
                    found[f"{cls.__module__}.{name}"] = dict(vars(cls))
    return found

def plain_map():
    m = folium.Map(location=[30, 69], zoom_start=5)
    folium.GeoJson({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "{{ 7*7 }}"},
                    "geometry": {"type": "Point", "coordinates": [67, 30]}}]}, tooltip="x").add_to(m)
    folium.Marker([30, 69], popup="<b>{{ 7*7 }}</b>").add_to(m)
    folium.LayerControl().add_to(m)
    return re.sub(r"[0-9a-f]{32}", "ID", m.get_root().render())

before, page = classes(), plain_map()
import geo, geo.build, geo.compose, geo.elements, geo.timeline, geo.offline, geo.cli
after = classes()
changed = sorted(name for name in before if before[name].keys() != after[name].keys()
                 or any(before[name][key] is not after[name][key] for key in before[name]))
assert not changed, changed
assert plain_map() == page
print("ok", len(before))
"""


def test_importing_geo_changes_nothing_in_folium_or_branca():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-2000:]
