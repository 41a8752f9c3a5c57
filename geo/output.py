"""The output transaction: a build is written into a staging folder beside `dist/` and swapped in whole.

A failed, interrupted or killed build leaves the previous output as it was.  Builds into one
output take turns on a lock beside it; the lock belongs to the process that took it (a POSIX
record lock: a forked worker does not inherit it, and it goes when its process goes, however
that process ends), and a build that has to wait says for which process.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import glob
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from geo.errors import GeoError, OutOfSpace

BUILD_MARKER = ".geo-build"  # in every build output: proof that a directory may be replaced
RENAME_EXCHANGE = 2  # linux/fs.h
# Below this much free space a failed write is taken for a full disk (GDAL's writers do not always say so).
NEARLY_FULL_BYTES = 1 << 20
FULL_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def checked_out_path(out: Path) -> None:
    """An output path must be writable as a name everywhere: no control characters (a newline in a path
    failed only at the last file written)."""
    bad = next((c for c in str(out) if ord(c) < 32 or ord(c) == 127), None)
    if bad is not None:
        raise GeoError(f"--out {str(out)!r}: holds the control character U+{ord(bad):04X}; choose a plain name")


@contextmanager
def atomic_directory(out: Path, marker: str | None = BUILD_MARKER) -> Iterator[Path]:
    """Yield a staging directory that replaces `out` only if the block succeeds.

    `out` is replaced whole, so it must be a previous output (it holds `marker`) or be empty
    or missing: `--out .` or `--out /` must never delete anything, and is refused at once,
    before anything inside it is read.  The swap is one atomic exchange, so at every instant
    `out` is the old or the new output.
    """
    shown = out
    out = checked_output(out, marker)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        lock = output_lock(out)
    except OSError as exc:
        raise GeoError(f"{shown}: cannot write here: {exc.strerror or exc}") from None
    with lock:
        remove_stale_staging(out)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
        staging.chmod(0o755)  # mkdtemp makes it private; dist/ is meant to be served
        try:
            try:
                yield staging
                if marker:
                    (staging / marker).write_text(
                        "Written by `geo build`; the next build replaces this directory.\n", encoding="utf-8"
                    )
            except Exception as exc:
                if out_of_space(exc, staging):
                    raise OutOfSpace(written_path(exc, staging, shown), shown) from None
                raise
            swap_in(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # the new build if it failed, else the old one


def checked_output(out: Path, marker: str | None = BUILD_MARKER) -> Path:
    """`out`, resolved, if a build may replace it; else a GeoError at once (before any work, and before
    anything inside it is read: `--out /` is refused without walking the filesystem)."""
    checked_out_path(out)
    if out.is_symlink():
        raise GeoError(f"{out}: is a symbolic link; give the real directory (a build never follows links)")
    resolved = out.resolve()
    if resolved.exists() and not replaceable(resolved, marker):
        raise GeoError(
            f"{out}: exists and is not a previous build output (no {marker}); choose a new or empty directory"
        )
    refuse_links(resolved)
    return resolved


def replaceable(out: Path, marker: str | None) -> bool:
    return out.is_dir() and (marker is None or (out / marker).is_file() or not any(out.iterdir()))


def refuse_links(out: Path) -> None:
    """A link inside a previous output would make a build copy from elsewhere: refuse it."""
    if out.is_dir():
        for child in out.rglob("*"):
            if child.is_symlink():
                raise GeoError(
                    f"{child}: is a symbolic link inside the output; remove it (a build never follows links)"
                )


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on `.<out>.lock` beside `out`, holding the taker's process id.

    `lockf` (POSIX record locks) rather than `flock`: a forked worker inherits an flock with
    the file, so a killed build's worker kept every later build waiting."""
    with open(out.parent / f".{out.name}.lock", "a+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            handle.seek(0)
            holder = handle.read().decode("ascii", "replace").strip() or "unknown"
            print(f"waiting for another build into {out} to finish (process {holder})", file=sys.stderr, flush=True)
            fcntl.lockf(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode("ascii"))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
            fcntl.lockf(handle, fcntl.LOCK_UN)


def remove_stale_staging(out: Path) -> None:
    """Staging folders left by builds that were killed (we hold the lock: no build is using them)."""
    for leftover in out.parent.glob(f".{glob.escape(out.name)}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.rmtree(out.parent / f".{out.name}.previous", ignore_errors=True)  # from older versions


def swap_in(staging: Path, out: Path) -> None:
    """Put `staging` at `out` in one step; the old `out`, if any, ends up at `staging`."""
    if not out.exists():
        os.rename(staging, out)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    at_fdcwd = -100
    if renameat2 is not None and renameat2(at_fdcwd, bytes(staging), at_fdcwd, bytes(out), RENAME_EXCHANGE) == 0:
        return
    # No atomic exchange here (not Linux, or a filesystem without it): two renames, the gap as short as can be.
    retired = staging.with_name(staging.name + "-old")
    os.rename(out, retired)
    os.rename(staging, out)
    os.rename(retired, staging)


def out_of_space(exc: BaseException, staging: Path) -> bool:
    """Whether a failed write was the disk filling up: its error says so, or almost no space is left."""
    if isinstance(exc, OSError) and exc.errno in FULL_DISK_ERRORS:
        return True
    try:
        stats = os.statvfs(staging)
    except OSError:
        return False
    return stats.f_bavail * stats.f_frsize < NEARLY_FULL_BYTES


def written_path(exc: BaseException, staging: Path, out: Path) -> Path:
    """Where the failed write was going, as the reader knows it (inside `out`, not the staging folder)."""
    name = getattr(exc, "filename", None) or getattr(exc, "path", None)
    if name:
        try:
            return out / Path(name).relative_to(staging)
        except ValueError:
            return Path(name)
    return out
