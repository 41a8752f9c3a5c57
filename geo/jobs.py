"""Running a build's jobs (each map, the articles, each export format): in this process, or on a
big build in a pool of forked workers so that both cores work.

The workers are forked, so they start with the layers in memory and are handed only a job's
index; each dies with the build that forked it (a killed build leaves no worker behind).  A
job's exception (a `GeoError` for bad input) is raised here with its meaning, and the jobs
not yet started are dropped.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import multiprocessing
import os
import signal
import sys
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Callable, Iterator

Job = Callable[[], list]  # the files a build's job wrote, or what a check found
WORKERS = 2  # this machine's cores; the build itself only waits
PR_SET_PDEATHSIG = 1  # linux/prctl.h

_jobs: list[Job] = []  # in a worker only: the build's jobs, inherited by the fork (`_adopt`)


def run_jobs(jobs: list[Job], parallel: bool, meanwhile: Callable[[], Any] | None = None) -> list:
    """Run every job, longest first as given; what they return (the files written), in the jobs' order.

    `meanwhile` runs in this process while the workers start on the first jobs (in one process, before
    them): what it raises drops the jobs not yet started and is raised rather than any job's error."""
    if not parallel or not CAN_FORK:
        if meanwhile is not None:
            meanwhile()
        return [path for job in jobs for path in job()]
    written: dict[int, list] = {}
    waiting = iter(range(len(jobs)))
    failure: BaseException | None = None
    with forked_pool(WORKERS, jobs) as pool:
        # A job is handed over only when a worker is free: the longest go first, and after a failure no
        # job is waiting in the pool's queue to start anyway.
        running = {pool.submit(_run, index): index for index in itertools.islice(waiting, WORKERS)}
        if meanwhile is not None:
            try:
                meanwhile()
            except Exception as exc:  # the running jobs are waited for: they write only into the staging
                failure = exc
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index = running.pop(future)
                if future.exception() is not None:
                    failure = failure or future.exception()
                    continue
                written[index] = future.result()
                following = None if failure else next(waiting, None)
                if following is not None:
                    running[pool.submit(_run, following)] = following
    if failure is not None:
        raise failure
    return [path for index in sorted(written) for path in written[index]]


@contextlib.contextmanager
def background(job: Callable[[], Any], parallel: bool) -> Iterator[Callable[[], Any]]:
    """`job` started in a forked worker (when `parallel`) while this process goes on; the call yielded waits
    for what it returns (without `parallel`, it runs the job then)."""
    if not parallel or not CAN_FORK:
        yield job
        return
    with forked_pool(1, [job]) as pool:
        yield pool.submit(_run, 0).result


CAN_FORK = sys.platform.startswith("linux")  # the workers' death with the build is Linux's prctl


def forked_pool(workers: int, jobs: list[Callable[[], Any]]) -> ProcessPoolExecutor:
    """Workers forked from this process, each holding `jobs` (`_run` runs one by its index)."""
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_adopt, initargs=(jobs, os.getpid()))


def _adopt(jobs: list[Job], parent: int) -> None:
    """A worker's start: it dies with the build (SIGKILL when its parent goes), and keeps the jobs."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build died before the line above
        os._exit(1)
    global _jobs
    _jobs = jobs


def _run(index: int) -> list[Path]:
    return _jobs[index]()
