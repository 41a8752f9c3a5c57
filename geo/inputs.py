"""Reading the user's files: regular files only, of a stated size at most.

A FIFO would hang the build and a link to /dev/zero would fill the memory,
so anything that is not a regular file, or is larger than the limit, is bad
input named in a `GeoError`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from geo.errors import GeoError

MIB = 1 << 20
LAYER_MAX_BYTES = 512 * MIB  # a year of claims at 100,000 events is ~100 MiB
RECIPE_MAX_BYTES = 1 * MIB


def read_regular(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a regular file no larger than `max_bytes`; `FileNotFoundError` when it is missing."""
    info = os.stat(path)  # follows links: a link to a regular file is fine
    if not stat.S_ISREG(info.st_mode):
        raise GeoError(f"{path}: not a regular file (a pipe, device or directory cannot be read as input)")
    if info.st_size > max_bytes:
        raise GeoError(f"{path}: {info.st_size:,} bytes is larger than the {max_bytes:,}-byte limit for this input")
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # grew while we read it
        raise GeoError(f"{path}: larger than the {max_bytes:,}-byte limit for this input")
    return data
