"""The guides' generated sections match the code (`make docs` rewrites them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo import docs

ROOT = Path(__file__).resolve().parent.parent
GENERATED = docs.sections(ROOT)


@pytest.mark.parametrize("relative", sorted(GENERATED))
def test_generated_sections_are_current(relative):
    text = (ROOT / relative).read_text(encoding="utf-8")
    assert docs.render(text, GENERATED[relative], relative) == text, (
        f"{relative} is out of date with the code: run `make docs` (python -m geo.docs) and commit the result"
    )


def test_the_guide_lists_every_recipe_key():
    guide = (ROOT / "docs/EDITING.md").read_text(encoding="utf-8")
    for heading, prefix, model in docs.recipe_tables():
        assert f"#### {heading}\n" in guide, heading
        for name, info in model.model_fields.items():
            if not info.exclude:
                assert f"| `{info.alias or name}` |" in guide, f"{prefix}.{name}"
    assert len(docs.recipe_keys()) > 50


def test_every_module_is_in_the_architecture():
    page = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    modules = [
        *(ROOT / "geo").glob("*.py"),
        *(ROOT / "geo/export").glob("*.py"),
        *(ROOT / "geo/static/js").glob("*.js"),  # the pages' script, as ES modules
        *(ROOT / "scripts").glob("*.py"),
    ]
    assert len(list((ROOT / "geo/static/js").glob("*.js"))) > 10
    missing = [str(m.relative_to(ROOT)) for m in modules if f"`{m.name}`" not in page]
    assert not missing, f"docs/architecture.md does not say what these do: {missing}"


def test_the_architecture_documents_the_pages_script_api():
    """Each member of window.GeoMap (geo/static/js/main.js) has a row in the API table, and no more."""
    main = (ROOT / "geo/static/js/main.js").read_text(encoding="utf-8")
    api = re.search(r"window\.GeoMap = \{(.*?)\};", main, re.DOTALL)
    assert api, "main.js no longer sets window.GeoMap = {...}"
    members = set(re.findall(r"(\w+):", api[1]))
    page = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    section = page.split("## The page's script: `window.GeoMap`", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)(?:\(.*?\))?` \|", section, re.MULTILINE))
    assert documented == members, f"missing: {members - documented}, not in the API: {documented - members}"


def test_render_refuses_a_missing_marker():
    with pytest.raises(KeyError, match="figures"):
        docs.render("no markers here\n", {"figures": "x"})


def test_render_replaces_only_the_marked_section():
    text = "before\n<!-- generated: figures -->\nold\n<!-- end -->\nafter\n"
    expected = "before\n<!-- generated: figures -->\n\nnew\n\n<!-- end -->\nafter\n"
    assert docs.render(text, {"figures": "new\n"}) == expected


def test_the_guide_cites_no_brief():
    for path in [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "geo").rglob("*.py"),
        ROOT / "layers/SOURCES.md",
    ]:
        assert "DESIGN.md" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("heading", ["## The incident record", "## Claims", "## Staging points"])
def test_the_guides_examples_are_valid_and_placed(tmp_path, heading):
    """Each example the guide gives (the record, a claim, a staging point) passes validation, and the build
    places it on the line (their geometry is null: they say where in words)."""
    import json
    import re
    import shutil

    from geo.enrich import load_enriched
    from tests.conftest import LAYERS, incident_record

    guide = (ROOT / "docs/EDITING.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", guide[guide.index(heading) :], re.DOTALL)[1])
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS, layers)
    if heading == "## The incident record":
        path, collection = layers / "events" / "example.geojson", example
    elif heading == "## Claims":
        path = layers / "events" / f"{example['properties']['incident']}.geojson"
        record = incident_record(example["properties"]["incident"])
        collection = {"type": "FeatureCollection", "incident": record, "features": [example]}
    else:
        path = layers / "staging.geojson"
        collection = json.loads(path.read_text(encoding="utf-8"))
        collection["features"].append({**example, "properties": {**example["properties"], "id": "example-point"}})
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    placed = load_enriched(layers)
    assert all(f["geometry"] for kind in ("events", "staging", "incidents") for f in placed[kind]["features"])


def test_every_promise_names_tests_that_exist():
    """README's "What a build trusts and what it refuses": each promise names its tests, and each exists."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What a build trusts and what it refuses", 1)[1].split("\n#", 1)[0]
    promises = [p for p in section.split("\n- ")[1:]]
    assert len(promises) >= 15
    defined = set(
        re.findall(
            r"^def (test_\w+)", "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py")), re.M
        )
    )
    for promise in promises:
        named = re.findall(r"`(test_\w+)`", promise)
        assert named, f"a promise without a test: {promise[:80]}"
        assert not set(named) - defined, f"no such test: {set(named) - defined}"
