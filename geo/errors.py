"""Errors the command line turns into exit codes.

`LayerError` (and any `GeoError`) is bad input: exit 2 with a message that
names the file, the feature and the problem.  Anything else is exit 1.
"""

from __future__ import annotations

from dataclasses import dataclass


class GeoError(Exception):
    """Bad input from the user: a file, a recipe or an argument.  `path`: the file it concerns, if one."""

    def __init__(self, message: str, path: object = None):
        super().__init__(message)
        self.path = path

    def __reduce__(self):  # rebuilt whole when it crosses from a worker process
        return (type(self), (str(self), self.path))


class OutOfSpace(Exception):
    """The disk filled up while a build was writing: not bad input (exit 1), and the previous output stands."""

    def __init__(self, path: object, out: object):
        self.path, self.out = path, out
        super().__init__(f"{path}: no space left on the device while writing it; the previous build in {out} is intact")

    def __reduce__(self):
        return (type(self), (self.path, self.out))


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as we can."""

    path: str
    message: str
    index: int | None = None  # feature index in the FeatureCollection
    feature_id: str | None = None
    warning: bool = False  # reported, but does not stop a build

    def __str__(self) -> str:
        where = ("warning: " if self.warning else "") + self.path
        if self.index is not None:
            where += f": feature {self.index}"
            if self.feature_id:
                where += f" (id {self.feature_id!r})"
        elif self.feature_id:
            where += f": feature {self.feature_id!r}"
        return f"{where}: {self.message}"


class LayerError(GeoError):
    """One or more problems found in layer files."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # rebuilt from its problems when it crosses from a worker process
        return (type(self), (self.problems,))
