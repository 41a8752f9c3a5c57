"""Bad input is exit 2 with a message naming the file, the feature or key: never exit 1, a traceback,
a hang or a runaway read; and whatever `geo validate` accepts, `geo build` builds."""

from __future__ import annotations

import copy
import math
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import layer_path
from tests.hostile import (
    HOSTILE,
    assert_bad_input,
    assert_built,
    assert_clean,
    check_exports,
    dump_toml,
    geo,
    geo_subprocess,
    read_layers,
    read_recipes,
    unicode_text,
    write_layers,
    write_recipes,
)

LAYERS = read_layers()
RECIPES = read_recipes()
FIRST_EVENT = LAYERS["events"]["features"][0]["properties"]["id"]


def project(tmp: Path, layers: dict | None = None, recipes: dict | None = None) -> tuple[Path, Path]:
    layers_dir = write_layers(tmp / "layers", layers or LAYERS)
    maps_dir = write_recipes(tmp / "maps", RECIPES if recipes is None else recipes)
    return layers_dir, maps_dir


def build(tmp: Path, layers: dict | None = None, recipes: dict | None = None):
    layers_dir, maps_dir = project(tmp, layers, recipes)
    return geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp / "dist")


def with_event(**props) -> dict:
    layers = copy.deepcopy(LAYERS)
    layers["events"]["features"][0]["properties"].update(props)
    return layers


def nested(depth: int):
    value: object = "deep"
    for _ in range(depth):
        value = {"a": value}
    return value


# --- layers the validator accepts but the exporters did not ------------------------------------

LAYER_CASES = {
    "iso-week-date": with_event(time="2025-W11-2T13:00:00+05:00"),
    "ordinal-date": with_event(time="2025-070T13:00:00+05:00"),
    "offset-with-seconds": with_event(time="2025-03-11T13:00:00+05:00:30"),
    "year-1": with_event(time="0001-01-01T00:00:00+05:00"),
    "year-9999": with_event(time="9999-12-31T23:30:00-05:00"),
    "property-fid": with_event(fid="x"),
    "Name-beside-name": with_event(Name="Another name"),
    "ID-beside-id": with_event(ID="x"),
    "figure-keys-differing-in-case": with_event(figures={"killed": 1, "Killed": 2}),
    "nested-1000-deep": with_event(extra=nested(1000)),
    "extra-list-of-mixed": with_event(extra=[1, "a", {"b": None}, [True]]),
}


@pytest.mark.parametrize("case", LAYER_CASES)
def test_layer_input_gpkg_cannot_take_is_bad_input(tmp_path, case):
    """Defect 8 (exit 1 for bad input): times the validator accepts but GeoPackage rejects (week and ordinal
    dates, offsets with seconds, years 1 and 9999), property names GeoPackage cannot take (fid, Name beside
    name, figure keys differing in case), a property nested 1,000 deep: exit 2 naming the file and feature."""
    result = build(tmp_path, LAYER_CASES[case])
    if case in ("extra-list-of-mixed",):  # an odd but representable value: either builds or is refused
        assert_clean(result)
    else:
        assert_bad_input(result, "jaffar-express-2025-03-11.geojson", FIRST_EVENT)
    validated = geo("validate", layer_path(tmp_path / "layers", "events"))
    assert_clean(validated)
    assert (validated.returncode == 0) == (result.returncode == 0), (
        f"geo validate exit {validated.returncode} but geo build exit {result.returncode}:\n"
        f"{validated.output[-1500:]}\n{result.output[-1500:]}"
    )


json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    unicode_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(unicode_text, inner, max_size=3),
    max_leaves=8,
)
property_name = st.one_of(
    st.sampled_from(
        [
            "fid",
            "FID",
            "Name",
            "ID",
            "Time",
            "geom",
            "geometry",
            "SOURCES",
            "figure_killed",
            "Claimed_By",
            "",
            " ",
            "a.b",
            "\x00",
            "OGC_FID",
            "rowid",
            "select",
            '"',
            "'",
        ]
    ),
    unicode_text,
)
iso_time = st.builds(
    lambda year, date, clock, offset: f"{year:04d}{date}T{clock}{offset}",
    st.sampled_from([1, 2, 1969, 1970, 2025, 9998, 9999]),
    st.sampled_from(["-03-11", "-W11-2", "-W01-1", "-070", "0311", "-12-31", "-01-01"]),
    st.sampled_from(["13:00", "13:00:00", "13", "1300", "13:00:00.123456", "23:59:59.999", "00:00:00"]),
    st.sampled_from(
        ["+05:00", "Z", "+05:00:30", "-23:59", "+14:00", "+0500", "+05", "+05:00:30.5", "-00:00", "+23:59:59.999999"]
    ),
)


@HOSTILE
@given(name=property_name, value=json_value, time=iso_time, figure=st.sampled_from(["killed", "Killed", "x y"]))
@example(name="fid", value=1, time="2025-W11-2T13:00:00+05:00", figure="Killed")
@example(name="extra", value=[1, "a", {"b": None}], time="0001-01-01T00:00:00+05:00", figure="killed")
def test_what_validate_accepts_build_builds(name, value, time, figure):
    """Defect 8 (validator and exporters disagree): an extra property of any name and JSON value, any time
    `datetime.fromisoformat` reads and an odd figure key: if `geo validate` accepts the file `geo build`
    builds it (exit 0, strict outputs), else both refuse it with exit 2; never exit 1."""
    layers = copy.deepcopy(LAYERS)
    props = layers["events"]["features"][1]["properties"]
    props.update(time=time, figures={**props["figures"], figure: 3})
    if name not in props:
        props[name] = value
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        result = build(tmp, layers)
        validated = geo("validate", layer_path(tmp / "layers", "events"))
        assert_clean(validated)
        assert_clean(result)
        assert (validated.returncode == 0) == (result.returncode == 0), (
            f"geo validate exit {validated.returncode} but geo build exit {result.returncode}:\n"
            f"{validated.output[-1500:]}\n{result.output[-1500:]}"
        )
        if result.returncode == 0:
            check_exports(tmp / "dist")


def test_validate_warns_about_characters_xml_forbids(tmp_path):
    """Defect 6 (XML-forbidden characters): `geo validate` warns, naming the file, feature and property."""
    layers = with_event(summary="vertical\x0btab and \x01 and NUL\x00 here")
    path = layer_path(write_layers(tmp_path, {"events": layers["events"]}), "events")
    result = geo("validate", path)
    assert_clean(result)
    assert "summary" in result.stderr and FIRST_EVENT in result.stderr, result.output
    assert re.search(r"U\+000B|\\x0b|\\u000b|control|character", result.stderr, re.I), result.output


# --- degenerate stations ---------------------------------------------------------------------


def stations_only(*features) -> dict:
    layers = copy.deepcopy(LAYERS)
    layers["stations"]["features"] = list(features)
    return layers


def station(sid: str, km: float, lon: float, lat: float) -> dict:
    base = next(f for f in LAYERS["stations"]["features"] if f["properties"]["id"] == "sibi")
    feature = copy.deepcopy(base)
    feature["properties"].update(id=sid, name=sid.title(), km_from_quetta=km)
    feature["geometry"]["coordinates"] = [lon, lat]
    return feature


QUETTA = LAYERS["stations"]["features"][0]["geometry"]["coordinates"]
DEGENERATE = {
    "one-station": stations_only(station("quetta", 0, *QUETTA)),
    "two-stations-one-point": stations_only(station("quetta", 0, *QUETTA), station("twin", 5, *QUETTA)),
}


@pytest.mark.parametrize("case", DEGENERATE)
def test_degenerate_stations_are_bad_input(tmp_path, case):
    """Defect 10 (degenerate stations): one station, or two at one point with different km, cannot calibrate
    the route: exit 2 naming stations.geojson, in `geo build` and `geo chainage`; never NaN in outputs."""
    result = build(tmp_path, DEGENERATE[case])
    assert_bad_input(result, "stations.geojson")
    chain = geo("chainage", "67.6", "29.6", "--json", "--layers", tmp_path / "layers")
    assert_bad_input(chain, "stations.geojson")


# --- recipes ------------------------------------------------------------------------------


def recipe_with(mutate) -> dict:
    recipes = copy.deepcopy(RECIPES)
    mutate(recipes)
    return recipes


def layer_of(recipes, name, source):
    return next(layer for layer in recipes[name]["layer"] if layer["source"] == source)


RECIPE_CASES = {
    "provider-not-text": (lambda r: r["corridor"]["basemap"][0].update(provider=1), "provider"),
    "provider-list": (lambda r: r["corridor"]["basemap"][0].update(provider=["OpenTopoMap"]), "provider"),
    "window-hours-inf": (lambda r: r["timeline"]["timeline"].update(window_hours=math.inf), "window_hours"),
    "window-hours-nan": (lambda r: r["timeline"]["timeline"].update(window_hours=math.nan), "window_hours"),
    "window-hours-negative": (lambda r: r["timeline"]["timeline"].update(window_hours=-5), "window_hours"),
    "simplify-inf": (lambda r: r["corridor"]["layer"][0].update(simplify_m=math.inf), "simplify_m"),
    "simplify-nan": (lambda r: r["corridor"]["layer"][0].update(simplify_m=math.nan), "simplify_m"),
    "zoom-nan": (lambda r: r["corridor"].setdefault("view", {}).update(zoom=math.nan), "zoom"),
    "zoom-1e9": (lambda r: r["corridor"].setdefault("view", {}).update(zoom=1e9), "zoom"),
    "max-zoom-inf": (lambda r: r["corridor"].setdefault("view", {}).update(max_zoom=math.inf), "max_zoom"),
    "radius-inf": (lambda r: layer_of(r, "corridor", "stations")["style"].update(radius=math.inf), "radius"),
    "radius-negative": (lambda r: layer_of(r, "corridor", "stations")["style"].update(radius=-3), "radius"),
    "weight-nan": (lambda r: layer_of(r, "corridor", "railway")["style"].update(weight=math.nan), "weight"),
    "timeline-on-stations": (lambda r: layer_of(r, "attack-site", "stations").update(timeline=True), "timeline"),
    "stack-on-railway": (lambda r: layer_of(r, "attack-site", "railway").update(stack=True), "stack"),
    "timeline-selects-nothing": (
        lambda r: layer_of(r, "timeline", "events").update(where={"claimed_by": ["nobody at all"]}),
        "timeline",
    ),
}


@pytest.mark.parametrize("case", RECIPE_CASES)
def test_recipe_value_out_of_range_is_bad_input(tmp_path, case):
    """Defects 8 and 9 (recipe values not checked): a provider that is not text, inf/nan/negative/huge
    numbers (window_hours, simplify_m, zoom, radius, weight), timeline on stations, stack on the railway,
    a timeline layer that selects nothing: exit 2 naming the recipe file and the key."""
    mutate, key = RECIPE_CASES[case]
    result = build(tmp_path, recipes=recipe_with(mutate))
    assert_bad_input(result, ".toml", key)


number = st.one_of(st.floats(), st.integers(-(10**12), 10**12), st.sampled_from([0, 1e9, -1e-9, 1e308]))
NUMBER_KEYS = (
    "view.zoom",
    "view.min_zoom",
    "view.max_zoom",
    "style.radius",
    "style.weight",
    "simplify_m",
    "window_hours",
)


@HOSTILE
@given(key=st.sampled_from(NUMBER_KEYS), value=number)
@example(key="view.zoom", value=math.nan)
@example(key="style.radius", value=math.inf)
@example(key="window_hours", value=-5)
def test_recipe_numbers_are_range_checked(key, value):
    """Defect 9 (recipe numbers not range-checked): any number in any numeric recipe key is built into
    strict outputs or refused with exit 2 naming the key; non-finite or negative values are always refused."""

    def mutate(recipes):
        if key.startswith("view."):
            recipes["corridor"]["view"][key[5:]] = value
        elif key.startswith("style."):
            layer_of(recipes, "corridor", "stations")["style"][key[6:]] = value
        elif key == "simplify_m":
            recipes["corridor"]["layer"][0]["simplify_m"] = value
        else:
            recipes["timeline"]["timeline"]["window_hours"] = value

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        result = build(tmp, recipes=recipe_with(mutate))
        assert_clean(result)
        if not math.isfinite(value) or value < 0:
            assert_bad_input(result, key.split(".")[-1])
        if result.returncode == 0:
            check_exports(tmp / "dist")
            # The web pages: the libraries (whose code says NaN) are linked there, not inlined.
            for page in (tmp / "dist").glob("*.html"):
                text = page.read_text(encoding="utf-8")
                assert not re.search(r"[:,\[]\s*-?(NaN|Infinity)\b", text), f"{page}: NaN/Infinity in page data"


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_recipe_not_utf8_is_bad_input(tmp_path, encoding):
    """Defect 8 (exit 1 for bad input): a Latin-1 or UTF-16 recipe is exit 2 naming the file and UTF-8."""
    layers_dir, maps_dir = project(tmp_path)
    recipe = copy.deepcopy(RECIPES["corridor"])
    recipe["title"] = "Café on the route — Quetta"
    (maps_dir / "corridor.toml").write_bytes(dump_toml(recipe).encode(encoding, errors="replace"))
    result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp_path / "dist")
    assert_bad_input(result, "corridor.toml", "UTF-8")


@pytest.mark.parametrize("depth", [200, 1000, 5000])
@pytest.mark.parametrize("shape", ["array", "inline-table"])
def test_deeply_nested_recipe_is_bad_input(tmp_path, depth, shape):
    """Defect 8 (exit 1 for bad input): deeply nested TOML is exit 2 naming the file, not a RecursionError."""
    layers_dir, maps_dir = project(tmp_path)
    value = "[" * depth + "1" + "]" * depth if shape == "array" else "{a = " * depth + "1" + "}" * depth
    text = dump_toml(RECIPES["corridor"]).replace("\n[view]", f"deep = {value}\n\n[view]", 1)
    (maps_dir / "corridor.toml").write_text(text, encoding="utf-8")
    result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp_path / "dist")
    assert_bad_input(result, "corridor.toml")


map_stem = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=20
).filter(lambda s: s not in (".", "..") and len(s.encode()) < 200)


@HOSTILE
@given(stem=map_stem)
@example(stem="Attack Site")
@example(stem="<img src=x onerror=alert(1)>")
@example(stem="attack_site")
@example(stem="a.b")
@example(stem="ünïcode")
@example(stem="-")
@example(stem="ok-name-2")
def test_map_names_are_slugs(stem):
    """Defect 7 (map names not slugs): a recipe whose file name is not [a-z0-9-] is refused with exit 2
    naming the file and saying why; a slug builds."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        layers_dir = write_layers(tmp / "layers", LAYERS)
        maps_dir = tmp / "maps"
        maps_dir.mkdir()
        (maps_dir / f"{stem}.toml").write_text(dump_toml(RECIPES["attack-site"]), encoding="utf-8")
        result = geo("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp / "dist")
        if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", stem) or (
            re.fullmatch(r"[a-z0-9-]+", stem) and result.returncode == 0
        ):
            assert_built(result)
        else:
            assert_bad_input(result, "slug")
            assert not (tmp / "dist").exists()


# --- inputs that hang or eat memory ------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge-sparse"])
@pytest.mark.parametrize("target", ["events.geojson", "recipe"])
def test_only_regular_files_of_bounded_size_are_read(tmp_path, kind, target):
    """Defect 12 (inputs that hang or eat memory): a FIFO, a symlink to /dev/zero, or a huge file in place
    of a layer or recipe is exit 2 within 30 s naming the file (the size limit stated), never a hang."""
    layers_dir, maps_dir = project(tmp_path)
    path = layer_path(layers_dir, "events") if target == "events.geojson" else maps_dir / "corridor.toml"
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    else:
        with path.open("wb") as handle:
            handle.truncate(6 << 30)  # sparse: 6 GiB that take no disk
    result = geo_subprocess("build", "--layers", layers_dir, "--maps", maps_dir, "--out", tmp_path / "dist")
    assert_bad_input(result, path.name)
    if kind == "huge-sparse":
        assert re.search(r"\d+\s*(bytes|[KMG]i?B)", result.stderr), f"no size limit stated: {result.stderr}"
    if target == "events.geojson":
        validated = geo_subprocess("validate", path)
        assert_bad_input(validated, path.name)
