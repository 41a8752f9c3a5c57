"""Map recipes: a bad key, layer, basemap or style is a clear error naming the
file and the key (exit 2); the three maps' recipes are valid."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.recipe import RecipeError, load_recipe
from tests.conftest import ROOT

MINIMAL = """
title = "T"
description = "D"
[[layer]]
source = "stations"
name = "Stations"
"""


def write(tmp_path, text, name="test-map.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("recipe", sorted((ROOT / "maps").glob("*.toml")), ids=lambda p: p.stem)
def test_shipped_recipes_load(recipe):
    assert load_recipe(recipe).slug == recipe.stem


@pytest.mark.parametrize(
    "extra, message",
    [
        ('colour = "red"\n', "top level: unknown key 'colour'"),
        ('[view]\nfit = "Nope"\n', "[view] fit 'Nope' is not the name of a [[layer]]"),
        ('[[basemap]]\nprovider = "NoSuchTiles"\nname = "X"\n', "unknown tile provider 'NoSuchTiles'"),
        ('[[basemap]]\nprovider = "CartoDB.Positron"\nname = "X"\n', "needs an API key"),
        ("[controls]\nminimap = true\n", "[controls]: unknown key 'minimap'"),
    ],
)
def test_bad_top_level(tmp_path, extra, message):
    with pytest.raises(RecipeError) as error:
        load_recipe(
            write(
                tmp_path,
                MINIMAL.replace('title = "T"', extra + 'title = "T"', 1)
                if extra.startswith("colour")
                else MINIMAL + extra,
            )
        )
    assert "test-map.toml" in str(error.value) and message in str(error.value)


@pytest.mark.parametrize(
    "layer_extra, message",
    [
        ('source = "roads"', "unknown layer 'roads'"),
        ('style = { colour = "#000000" }', "unknown style 'colour'"),
        ('style = { color = "red" }', "style.color: must be a colour written like '#0072B2'"),
        ('popup = ["name", "Bad Key"]', "must be a property name"),
        ("glow = true", "[[layer]] 2 ('Tunnels'): unknown key 'glow'"),
    ],
)
def test_bad_layer(tmp_path, layer_extra, message):
    text = MINIMAL + '[[layer]]\nsource = "tunnels"\nname = "Tunnels"\n' + layer_extra + "\n"
    if layer_extra.startswith("source"):
        text = text.replace('source = "tunnels"\n', "")
    with pytest.raises(RecipeError) as error:
        load_recipe(write(tmp_path, text))
    assert message in str(error.value)


def test_invalid_toml_names_file(tmp_path):
    with pytest.raises(RecipeError, match="test-map.toml: not valid TOML"):
        load_recipe(write(tmp_path, "title = \n"))


def test_geo_build_refuses_bad_recipe_with_exit_2(tmp_path):
    maps = tmp_path / "maps"
    maps.mkdir()
    write(maps, MINIMAL + "style = { glow = 1 }\n", "broken.toml")
    result = subprocess.run(
        [sys.executable, "-m", "geo.cli", "build", "--maps", str(maps), "--out", str(tmp_path / "dist")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "broken.toml" in result.stderr and "unknown style 'glow'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()
