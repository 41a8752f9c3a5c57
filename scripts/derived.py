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


def refuse_hand_edits(path: Path, values_of: ValuesOf, belongs: str) -> None:
    """Stop if a value the last run derived in `path` has been changed since; `belongs` says where to edit."""
    if not path.is_file():
        return
    collection = json.loads(path.read_text(encoding="utf-8"))
    recorded = collection.get(MEMBER, {})
    for index, feature in enumerate(collection["features"]):
        fid = feature["properties"].get("id")
        values = values_of(feature)
        if values is not None and fid in recorded and digest(values) != recorded[fid]:
            print(
                f"{path}: feature {index} ({fid}): a value `make data` derives was edited by hand and would be "
                f"overwritten; {belongs}. Undo the edit in this file (git diff shows it), make it there, and run "
                "`make data` again.",
                file=sys.stderr,
            )
            raise SystemExit(2)  # bad input, as the command line's exit codes say


def with_record(collection: dict, values_of: ValuesOf) -> dict:
    """The collection with the digests of what this run derived."""
    record = {f["properties"]["id"]: digest(v) for f in collection["features"] if (v := values_of(f)) is not None}
    return {**{k: v for k, v in collection.items() if k != MEMBER}, MEMBER: record}
