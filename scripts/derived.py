"""Derived values remember what they were derived as, so `make data` never overwrites a hand edit.

Each file a script writes carries, as a foreign member of its FeatureCollection
(RFC 7946 section 6.1), a digest of the values the script derived for each
feature.  Before writing again, the script compares the file as it is now with
that record: a derived value that no longer matches was edited by hand, and
the script stops, saying where that edit belongs instead.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Callable

MEMBER = "derived"
ValuesOf = Callable[[dict], Any]  # a feature -> the values a script derives for it (None: none)


def digest(values: Any) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def whole_feature(feature: dict) -> dict:
    """For files a script writes whole: every value is derived."""
    return {"geometry": feature["geometry"], "properties": feature["properties"]}


def refuse_hand_edits(
    path: Path, values_of: ValuesOf, belongs: str, fresh: list[dict] | None = None, whole: bool = False
) -> None:
    """Stop (exit 2, nothing written) if `path` holds a hand edit that writing it again would lose.

    A derived value edited since the last run is one (the record says what was derived); so is a
    feature added by hand to a file the script writes `whole`; and, in a file that has lost its
    record (a GIS re-saved it), any derived value that differs from what this run derives (`fresh`).
    `belongs` says where the edit should be made instead."""
    problems = hand_edits(path, values_of, fresh or [], whole)
    if problems:
        for problem in problems:
            print(f"{path}: {problem}; {belongs}.", file=sys.stderr)
        print(
            "Nothing was written. Undo the edit in this file (git diff shows it; `git checkout -- FILE` restores "
            "the last derived file with its record), make it where it belongs, and run `make data` again.",
            file=sys.stderr,
        )
        raise SystemExit(2)  # bad input, as the command line's exit codes say


def hand_edits(path: Path, values_of: ValuesOf, fresh: list[dict], whole: bool) -> list[str]:
    """One message per feature of `path` whose derived values were edited, or that was added by hand."""
    if not path.is_file():
        return []
    collection = json.loads(path.read_text(encoding="utf-8"))
    recorded = collection.get(MEMBER)
    derived_now = {f["properties"]["id"]: digest(v) for f in fresh if (v := values_of(f)) is not None}
    expected = recorded if isinstance(recorded, dict) else derived_now
    problems = []
    for index, feature in enumerate(collection.get("features", [])):
        fid = feature.get("properties", {}).get("id")
        values = values_of(feature)
        if fid not in expected:
            if whole:
                problems.append(f"feature {index} ({fid}) was added by hand and would be dropped")
        elif values is not None and digest(values) != expected[fid]:
            problems.append(
                f"feature {index} ({fid}): a value `make data` derives was edited by hand and would be overwritten"
                + ("" if isinstance(recorded, dict) else " (the file has no record of what was derived)")
            )
    return problems


def with_record(collection: dict, values_of: ValuesOf) -> dict:
    """The collection with the digests of what this run derived."""
    record = {f["properties"]["id"]: digest(v) for f in collection["features"] if (v := values_of(f)) is not None}
    return {**{k: v for k, v in collection.items() if k != MEMBER}, MEMBER: record}
