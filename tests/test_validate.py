"""`geo validate`: every kind of bad input is refused with a message naming
the file, the feature and the problem (exit 2, no traceback)."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import LAYERS, ROOT

SOURCE = [{"outlet": "Dawn", "date": "2025-03-12"}]


def station(**props):
    base = {"id": "sibi", "name": "Sibi Junction", "km_from_quetta": 141, "sources": SOURCE}
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": {"type": "Point", "coordinates": [67.877, 29.543]}}


def event(**props):
    base = {
        "id": "attack",
        "incident": "an-incident",
        "name": "Attack",
        "time": "2025-03-11T13:00:00+05:00",
        "time_precision": "hour",
        "claimed_by": "ISPR",
        "sources": SOURCE,
    }
    base.update(props)
    return {"type": "Feature", "properties": base, "geometry": {"type": "Point", "coordinates": [67.6, 29.6]}}


def boundary(ring):
    return {
        "type": "Feature",
        "properties": {"id": "b", "name": "B", "sources": SOURCE},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def run_validate(tmp_path, name: str, content) -> subprocess.CompletedProcess:
    """`geo validate` on `content` written as the layer file `name` (events: an incident's file)."""
    path = tmp_path / ("events/an-incident.geojson" if name == "events.geojson" else name)
    path.parent.mkdir(exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "geo.cli", "validate", str(path)], capture_output=True, text=True)


def assert_refused(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_accepts_every_file_in_layers():
    files = sorted(str(p) for p in [*LAYERS.glob("*.geojson"), *LAYERS.glob("events/*.geojson")])
    assert len(files) >= 8  # the six of docs/architecture.md (events: one file per incident), provinces, the context
    result = subprocess.run([sys.executable, "-m", "geo.cli", "validate", *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_unreadable_json(tmp_path):
    assert_refused(
        run_validate(tmp_path, "stations.geojson", '{"type": "FeatureCollection", '),
        "stations.geojson",
        "not valid JSON",
        "line 1",
    )


def test_missing_file(tmp_path):
    missing = tmp_path / "events" / "no-such-incident.geojson"
    result = subprocess.run([sys.executable, "-m", "geo.cli", "validate", str(missing)], capture_output=True, text=True)
    assert_refused(result, "no-such-incident.geojson", "file not found")


def test_an_event_in_another_incidents_file_is_refused(tmp_path):
    result = run_validate(tmp_path, "events.geojson", collection(event(incident="quetta-station-2024-11-09")))
    assert_refused(
        result,
        "an-incident.geojson",
        "feature 0 (id 'attack')",
        "incident 'quetta-station-2024-11-09'",
        "events/quetta-station-2024-11-09.geojson",
    )


def test_unknown_layer_kind(tmp_path):
    assert_refused(
        run_validate(tmp_path, "roads.geojson", collection(station())), "roads.geojson", "cannot tell the layer kind"
    )


def test_not_a_feature_collection(tmp_path):
    assert_refused(run_validate(tmp_path, "stations.geojson", station()), "expected a GeoJSON FeatureCollection")


def test_wrong_geometry_type(tmp_path):
    bad = station()
    bad["geometry"] = {"type": "LineString", "coordinates": [[67.8, 29.5], [67.9, 29.6]]}
    assert_refused(
        run_validate(tmp_path, "stations.geojson", collection(bad)),
        "feature 0 (id 'sibi')",
        "geometry is 'LineString'",
        "Point",
    )


def test_unclosed_ring(tmp_path):
    ring = [[66, 29], [67, 29], [67, 30], [66, 30]]
    assert_refused(
        run_validate(tmp_path, "boundary.geojson", collection(boundary(ring))), "feature 0 (id 'b')", "not closed"
    )


def test_self_intersecting_ring(tmp_path):
    bowtie = [[66, 29], [67, 30], [67, 29], [66, 30], [66, 29]]
    assert_refused(
        run_validate(tmp_path, "boundary.geojson", collection(boundary(bowtie))),
        "invalid geometry",
        "Self-intersection",
    )


def test_swapped_lat_lon(tmp_path):
    bad = station()
    bad["geometry"]["coordinates"] = [29.543, 67.877]
    assert_refused(run_validate(tmp_path, "stations.geojson", collection(bad)), "feature 0 (id 'sibi')", "swapped")


def test_projected_metres(tmp_path):
    bad = station()
    bad["geometry"]["coordinates"] = [682_000.0, 3_270_000.0]
    assert_refused(run_validate(tmp_path, "stations.geojson", collection(bad)), "projected metres")


def test_outside_area_of_interest(tmp_path):
    bad = station()
    bad["geometry"]["coordinates"] = [2.35, 48.85]
    assert_refused(run_validate(tmp_path, "stations.geojson", collection(bad)), "outside the area of interest")


@pytest.mark.parametrize("prop", ["id", "name", "sources", "km_from_quetta"])
def test_missing_required_property(tmp_path, prop):
    bad = station()
    del bad["properties"][prop]
    assert_refused(run_validate(tmp_path, "stations.geojson", collection(bad)), f"missing required property {prop!r}")


@pytest.mark.parametrize(
    "sources, message",
    [
        ([], "non-empty list"),
        ([{"date": "2025-03-12"}], "has no outlet"),
        ([{"outlet": "Dawn"}], "needs a date"),
        ([{"outlet": "Dawn", "date": "12 March 2025"}], "needs a date"),
        ([{"outlet": "Dawn", "date": "2025-02-30"}], "impossible date"),
    ],
)
def test_bad_sources(tmp_path, sources, message):
    assert_refused(
        run_validate(tmp_path, "stations.geojson", collection(station(sources=sources))), "property 'sources'", message
    )


@pytest.mark.parametrize(
    "time, message",
    [
        ("2025-03-11T13:00:00", "no UTC offset"),
        ("2025-03-11", "not a date"),
        ("Tuesday 1pm", "not an ISO 8601"),
    ],
)
def test_bad_times(tmp_path, time, message):
    assert_refused(run_validate(tmp_path, "events.geojson", collection(event(time=time))), "property 'time'", message)


def test_unknown_time_precision(tmp_path):
    assert_refused(
        run_validate(tmp_path, "events.geojson", collection(event(time_precision="second"))),
        "property 'time_precision'",
        "part_of_day",
    )


def test_bad_figures(tmp_path):
    assert_refused(
        run_validate(tmp_path, "events.geojson", collection(event(figures={"hostages": "214"}))),
        "property 'figures'",
        "whole number",
    )


def test_duplicate_ids(tmp_path):
    assert_refused(
        run_validate(tmp_path, "stations.geojson", collection(station(), station())),
        "feature 1 (id 'sibi')",
        "duplicate id",
    )


def test_every_problem_reported_not_just_the_first(tmp_path):
    result = run_validate(tmp_path, "stations.geojson", collection(station(name=""), station(id="Not A Slug")))
    assert_refused(result, "feature 0 (id 'sibi')", "property 'name'", "feature 1", "property 'id'")


def test_railway_segment_needs_geometry_quality(tmp_path):
    segment = {
        "type": "Feature",
        "properties": {"id": "s", "name": "S", "sources": SOURCE},
        "geometry": {"type": "LineString", "coordinates": [[67.0, 30.2], [67.3, 29.9]]},
    }
    assert_refused(
        run_validate(tmp_path, "railway.geojson", collection(segment)), "missing required property 'geometry_quality'"
    )


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "must be non-empty text"),
        (7, "must be non-empty text"),
        ("Sibi", "must be text in Urdu script"),
        ("سبی Junction", "must be text in Urdu script"),
    ],
)
def test_name_ur_must_be_urdu_text(tmp_path, value, message):
    assert_refused(run_validate(tmp_path, "stations.geojson", collection(station(name_ur=value))), "name_ur", message)


def test_name_ur_in_urdu_script_accepted(tmp_path):
    result = run_validate(tmp_path, "stations.geojson", collection(station(name_ur="سبی جنکشن")))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("value", ["", 12, ["evening"]])
def test_time_basis_must_be_text(tmp_path, value):
    assert_refused(
        run_validate(tmp_path, "events.geojson", collection(event(time_basis=value))),
        "time_basis",
        "must be non-empty text",
    )


def test_time_basis_on_staging_point_checked(tmp_path):
    point = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [67.8, 29.5]},
        "properties": {
            "id": "s",
            "name": "S",
            "sources": SOURCE,
            "time": "2025-03-11T14:00:00+05:00",
            "time_precision": "part_of_day",
            "time_basis": None,
            "name_ur": 3,
        },
    }
    assert_refused(run_validate(tmp_path, "staging.geojson", collection(point)), "name_ur")


@given(st.text())
def test_json_text_that_can_hold_a_character_xml_forbids_is_always_scanned(text):
    """The quick look at the file's bytes never skips a string KML would have to change."""
    import orjson

    from geo.validate import XML_FORBIDDEN, may_hold_xml_forbidden

    for encoded in (json.dumps(text).encode(), orjson.dumps(text, option=orjson.OPT_NON_STR_KEYS)):
        if XML_FORBIDDEN.search(orjson.loads(encoded)):
            assert may_hold_xml_forbidden(encoded), encoded


@given(
    st.lists(
        st.sampled_from([b"\\b", b"\\f", b"\\u", b"\\u00", b"\\uD8", b"\\uFFFe", b"\xef\xbf", b"\xbf", b"1", b"x"])
    ).map(b"".join)
    | st.binary()
)
def test_the_two_patterns_find_what_one_pattern_of_either_finds(raw):
    """`may_hold_xml_forbidden` searches with two patterns, each with a fixed first byte (quicker than one):
    it answers as the one pattern of both alternatives would."""
    from geo.validate import may_hold_xml_forbidden

    either = re.compile(rb"\\[bf]|\\u(?:00[01][0-9a-fA-F]|[dD][89a-fA-F]|[fF]{3}[eEfF])|\xef\xbf[\xbe\xbf]")
    assert may_hold_xml_forbidden(raw) == (either.search(raw) is not None)


def tiny_image(kind: str, size: tuple[int, int] = (2, 2), trailing: bytes = b"", mode: str = "L") -> bytes:
    """A real image file of `kind`, made by Pillow."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new(mode, size, 0).save(out, format=kind.upper())
    return out.getvalue() + trailing


def bomb(kind: str) -> bytes:
    """A file of a few dozen kilobytes whose image is 20,000 px square (WebP: its largest, 16,383)."""
    if kind == "png":
        return tiny_image("png", (20_000, 20_000), mode="1")
    small = bytearray(tiny_image(kind))  # the size is two fields of the frame header: set them, as a bomb does
    if kind == "webp":
        at = small.index(b"\x9d\x01\x2a") + 3  # after VP8's start code: 14-bit width, height
        small[at : at + 4] = (16_383).to_bytes(2, "little") * 2
    else:
        at = small.index(b"\xff\xc0") + 5  # JPEG's SOF0: precision, then height and width
        small[at : at + 4] = (20_000).to_bytes(2, "big") * 2
    return bytes(small)


TINY_IMAGES = {kind: tiny_image(kind) for kind in ("jpeg", "png", "webp")}
WAVE = b"RIFF\x24\x00\x00\x00WAVEfmt "
image_uri = st.one_of(
    st.text(max_size=60),
    st.builds(
        lambda kind, body: f"data:image/{kind};base64,{body}",
        st.sampled_from([*TINY_IMAGES, "svg+xml", "gif", "JPEG"]),
        st.text(alphabet="ABCDEFGHabcdefgh0123456789+/=<>\"' ()", max_size=40),
    ),
    st.builds(
        lambda kind, claimed: f"data:image/{claimed};base64,{base64.b64encode(TINY_IMAGES[kind]).decode()}",
        st.sampled_from(list(TINY_IMAGES)),
        st.sampled_from(list(TINY_IMAGES)),
    ),
)


@given(image=image_uri)
@example(image="data:image/jpeg;base64," + base64.b64encode(TINY_IMAGES["jpeg"]).decode() + "\n")
@example(image="data:image/webp;base64," + base64.b64encode(WAVE).decode())  # RIFF, but sound
@example(image="data:image/jpeg;base64,/9j/" + "A" * 101)
def test_the_base_maps_relief_is_only_ever_an_image(image):
    """A page sets the relief's `image` as an image source as it is: only a base64 JPEG, PNG or WebP
    data URI holding what it says passes; anything else (a link, markup, another type) is refused."""
    from geo.validate import _VALUE_CHECKS

    problem = _VALUE_CHECKS["image_data_uri"](image)
    match = re.fullmatch(r"data:image/(jpeg|png|webp);base64,([A-Za-z0-9+/]+={0,2})", image)
    holds = match and base64.b64encode(TINY_IMAGES[match[1]]).decode() == match[2]
    assert (problem is None) == bool(holds), (image, problem)


@pytest.mark.parametrize("kind", ["png", "jpeg", "webp"])
def test_a_relief_image_is_bounded_in_pixels_and_ends_where_its_image_ends(kind):
    """A decompression bomb (a small file of a huge image, which every browser showing it decodes whole)
    and bytes after the image's end are refused; the header is read, no pixel decoded."""
    from geo.validate import _VALUE_CHECKS, IMAGE_MAX_PIXELS

    def uri(data: bytes) -> str:
        return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"

    assert len(uri(bomb(kind))) < 500_000 and 16_383**2 > IMAGE_MAX_PIXELS  # a small file, a huge image
    assert "pixels" in _VALUE_CHECKS["image_data_uri"](uri(bomb(kind)))
    assert "after the end" in _VALUE_CHECKS["image_data_uri"](uri(tiny_image(kind, trailing=b"<script>")))
    assert _VALUE_CHECKS["image_data_uri"](uri(tiny_image(kind, (1000, 1000)))) is None


@pytest.mark.parametrize(
    "geometry, image, message",
    [
        ({"type": "Polygon", "coordinates": [[[66, 28], [69, 28], [69, 31], [66, 31], [66, 28]]]}, None, "no 'image'"),
        ({"type": "Point", "coordinates": [67.5, 29.5]}, "jpeg", "must be the Polygon of the area"),
    ],
)
def test_a_relief_is_an_image_over_an_area(tmp_path, geometry, image, message):
    props = {"id": "relief", "name": "Relief", "context_kind": "relief", "sources": SOURCE}
    if image:
        props["image"] = "data:image/jpeg;base64," + base64.b64encode(TINY_IMAGES["jpeg"]).decode()
    result = run_validate(
        tmp_path, "context.geojson", collection({"type": "Feature", "properties": props, "geometry": geometry})
    )
    assert_refused(result, "context.geojson", "feature 0 (id 'relief')", message)


@pytest.mark.parametrize(
    "what",
    ["map name", "id", "incident", "colour", "dash pattern", "figure key", "property name", "source date", "time"],
)
def test_a_trailing_newline_never_passes_a_pattern(tmp_path, what):
    """`re.match` with `$` let "attack-site\\n" through as a map name (it built and drew nothing), and ids,
    colours, dash patterns and figure keys ending in a newline: every pattern now matches the whole value."""
    import copy

    from geo.contract import LAYER_KINDS
    from geo.recipe import RecipeError, load_recipe, recipe_from_dict
    from geo.validate import check_properties
    from tests.hostile import base_layers, base_recipes

    recipe = copy.deepcopy(base_recipes()["attack-site"])
    props = copy.deepcopy(base_layers()["events"]["features"][0]["properties"])
    if what == "map name":
        path = tmp_path / "attack-site\n.toml"
        path.write_text((ROOT / "maps" / "attack-site.toml").read_text(encoding="utf-8"), encoding="utf-8")
        with pytest.raises(RecipeError, match="slug"):
            load_recipe(path)
        return
    recipe_change = {
        "colour": lambda: recipe["layer"][0]["style"].update(color="#0072B2\n"),
        "dash pattern": lambda: recipe["layer"][0]["style"].update(dash_array="4 4\n"),
        "property name": lambda: recipe["layer"][0].update(tooltip=["name\n"]),
    }
    if what in recipe_change:
        recipe_change[what]()
        with pytest.raises(RecipeError):
            recipe_from_dict(recipe, "maps/attack-site.toml")
        return
    {
        "id": lambda: props.update(id=props["id"] + "\n"),
        "incident": lambda: props.update(incident=props["incident"] + "\n"),
        "figure key": lambda: props.update(figures={"killed\n": 1}),
        "source date": lambda: props["sources"][0].update(date="2025-03-12\n"),
        "time": lambda: props.update(time=props["time"] + "\n"),
    }[what]()
    assert list(check_properties(props, LAYER_KINDS["events"]))


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200b \u2066\u2069", "\u202e", " \t", "\u00a0"])
def test_a_name_with_nothing_visible_is_refused(name):
    """A name made only of zero-width, direction or space characters looked like no name at all."""
    import copy

    from geo.contract import LAYER_KINDS
    from geo.recipe import RecipeError, recipe_from_dict
    from geo.validate import check_properties
    from tests.hostile import base_layers, base_recipes

    props = copy.deepcopy(base_layers()["stations"]["features"][0]["properties"])
    props["name"] = name
    assert any("visible" in p or "non-empty" in p for p in check_properties(props, LAYER_KINDS["stations"]))
    recipe = copy.deepcopy(base_recipes()["attack-site"])
    recipe["title"] = name
    with pytest.raises(RecipeError, match="title"):
        recipe_from_dict(recipe, "maps/attack-site.toml")


def test_a_big_file_checked_in_two_workers_finds_what_one_process_finds(monkeypatch):
    """A file of more than `CHECKED_APART_ABOVE` features has its halves checked by two forked workers while
    this process looks across the features: the same problems, in the same order (the warnings, then each
    feature's own, then its duplicate id), as one process finds."""
    import geo.validate
    from geo.contract import AREA_OF_INTEREST, LAYER_KINDS

    features = [event(id=f"claim-{i}") for i in range(40)]
    features[3]["properties"]["time"] = "2025-03-11"  # a date, not a date-time
    features[25]["properties"]["id"] = "claim-3"  # a duplicate id in the other half
    features[25]["geometry"]["coordinates"] = [29.6, 67.6]  # and swapped coordinates
    features[31]["properties"]["name"] = " "
    features[20]["properties"]["id"] = "claim-31"  # the first feature of the second half, a duplicate later
    features[7]["properties"]["summary"] = "pasted \x0b from a word processor"  # a warning, found meanwhile

    def found(above: int) -> list[str]:
        monkeypatch.setattr(geo.validate, "CHECKED_APART_ABOVE", above)
        data = collection(*features)
        return [
            str(p)
            for p in geo.validate.check_collection("events.geojson", data, LAYER_KINDS["events"], AREA_OF_INTEREST)
        ]

    in_one = found(len(features))
    assert len(in_one) == 6 and any("duplicate id 'claim-3'" in p for p in in_one)
    assert in_one[0].startswith("warning:") and "claim-7" in in_one[0]
    assert found(10) == in_one
