"""Where the jobs of a run execute: papermill's small engines, for a run's jobs.

The scheduler (:mod:`~signaal.run.scheduler`) decides *which* job runs next; an executor
runs it and hands back what it made. Three of them, one interface:

- :class:`Inline` — in the run's own process, one job at a time (``--jobs 1``: no worker
  processes to start; progress straight to the observer);
- :class:`LocalPool` — worker processes on this machine (the default), forked from a
  forkserver that imported what every worker needs once (:mod:`~signaal.run.forkserver`),
  their progress coming back over a queue;
- :class:`~signaal.run.cluster.DaskExecutor` — the workers of a Dask distributed cluster
  (``--scheduler tcp://host:8786``), see :mod:`~signaal.run.cluster`.

Every executor runs :func:`~signaal.run.workers.run_job` and hands back ``(documents,
stats)``: the stats name the worker process and its peak memory, which the manifest's
schedule records.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..publish import outcome
from ..publish.outcome import DocResult
from .forkserver import worker_context
from .job import JobContext
from .progress import Observer


class Executor:
    """Runs the jobs the scheduler hands it, at most :attr:`slots` at a time."""

    kind = ""
    slots = 1

    def submit(self, kind: str, ctxs: tuple[JobContext, ...], args: dict) -> Any:
        """Start a job of ``kind`` with its ``args`` (``ctxs``: the context of each lane it
        makes documents for); a future."""
        raise NotImplementedError

    def wait(self, futures: list) -> list:
        """The futures of ``futures`` that are done (at least one; it blocks until then)."""
        raise NotImplementedError

    def result(self, future) -> tuple[list[DocResult], dict]:
        """What a finished job made and the stats of its worker; raises what killed it."""
        return future.result()

    def cancel(self) -> None:
        """The run is ending early: drop what has not started."""

    def describe(self) -> dict:
        """What the manifest records about where the run's jobs ran."""
        return {"kind": self.kind, "slots": self.slots}


class Inline(Executor):
    """In this process, one job at a time; its progress goes straight to ``observer``."""

    kind = "inline"

    def __init__(self, observer: Observer):
        self.observer = observer

    def submit(self, kind: str, ctxs: tuple[JobContext, ...], args: dict) -> Future:
        fut: Future = Future()
        with outcome.inline_progress(self.observer):
            try:
                from .workers import run_job

                fut.set_result(run_job(kind, ctxs, args))
            except Exception as exc:
                fut.set_exception(exc)
        return fut

    def wait(self, futures: list) -> list:
        return futures


@dataclass(frozen=True)
class KernelStart:
    """A run with theme notebooks: each worker starts its warm kernel at once, with the
    settings a theme job gives it (``env``), its start-up chatter in ``log``."""

    env: dict[str, str]
    log: Path


def _init_worker(queue, run_pid: int, env: dict[str, str], kernel: KernelStart | None, handed=None) -> None:
    """A worker's start: the run's environment (a fork of the forkserver has the environment
    the server started with, not the run's), progress to ``queue``, and with ``kernel`` this
    worker's warm kernel ready by the first notebook: one the command started for it, taken
    from ``handed`` (:mod:`~signaal.run.handover`), else one it starts now."""
    from .. import config

    os.environ.clear()
    os.environ.update(env)
    config.collect_less()
    outcome.set_progress_queue(queue, run_pid)  # it also ends with the run (its parent is the forkserver)
    if kernel is not None:
        from . import kernels
        from .workers import stderr_to

        os.environ.update(kernel.env)
        kernel.log.parent.mkdir(parents=True, exist_ok=True)
        taken = None
        if handed is not None:
            with contextlib.suppress(Exception):  # none left (or none came): it starts its own
                taken = handed.get(timeout=10)
        with stderr_to(kernel.log):  # the kernel's stderr: the run's log, not the console
            kernels.prestart(config.KERNEL_NAME, taken)


def _kernels_for(workers: int, env: dict[str, str], kernel: KernelStart) -> tuple[Any, Any]:
    """One warm kernel per worker, started here and handed over (:mod:`~signaal.run.handover`):
    (the kernels, the queue the workers take them from), or (None, None) where that does not
    work: each worker then starts its own."""
    from .. import config
    from . import handover
    from .forkserver import prestart

    if not (handover.CAN_ADOPT and config.warm_kernels()):
        return None, None
    try:  # a speed-up: where it fails, each worker starts its own kernel
        fork_from = worker_context() if prestart() else None  # kernels forked from the forkserver
        handed = worker_context().Queue()  # put through a thread: never blocks on a full pipe
        handed.cancel_join_thread()  # what no worker took is not waited for
        launched = handover.Launched(workers, config.KERNEL_NAME, env | kernel.env, kernel.log, handed, fork_from)
    except Exception:
        return None, None
    return launched, handed


class LocalPool(Executor):
    """``workers`` processes on this machine (see :func:`worker_context`), each with its warm
    kernel when ``kernel`` is given (:func:`_init_worker`): started here, at once, and handed
    over to the worker where that works (:mod:`~signaal.run.handover`), else by the worker."""

    kind = "local"

    def __init__(self, workers: int, queue, kernel: KernelStart | None = None):
        self.slots = workers
        env = dict(os.environ)
        self.launched: Any
        self.launched, handed = _kernels_for(workers, env, kernel) if kernel is not None else (None, None)
        self.pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=worker_context(),
            initializer=_init_worker,
            initargs=(queue, os.getpid(), env, kernel, handed),
        )

    def submit(self, kind: str, ctxs: tuple[JobContext, ...], args: dict) -> Future:
        from .workers import run_job

        return self.pool.submit(run_job, kind, ctxs, args)

    def wait(self, futures: list) -> list:
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return list(done)

    def cancel(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self, wait: bool = True) -> None:
        """End the workers and reap the kernels started for them; without ``wait`` in the
        background, while the run writes its index and manifest (:func:`wait_closed`)."""

        def close_now() -> None:
            self.pool.shutdown(wait=True)
            if self.launched is not None:
                self.launched.close()  # reaps the kernels the workers ended

        if wait:
            close_now()
            return
        closing = threading.Thread(target=close_now, name="signaal-pool-close")
        closing.start()
        _closing.append(closing)


_closing: list[threading.Thread] = []  # pools closing in the background


def wait_closed() -> None:
    """Wait until the pools closed in the background have ended their workers and kernels."""
    while _closing:
        _closing.pop().join()


@contextlib.contextmanager
def local_executor(workers: int, observer: Observer, kernel: KernelStart | None = None) -> Iterator[Executor]:
    """This process for one worker, else a pool of ``workers`` processes (closed after);
    ``kernel``: each worker starts its warm kernel at once (see :class:`KernelStart`)."""
    if workers <= 1:
        yield Inline(observer)
        return
    with progress_from(worker_context().Queue(), observer) as queue:
        pool = LocalPool(workers, queue, kernel)
        try:
            yield pool
        except BaseException:
            pool.close()
            raise
        pool.close(wait=False)  # the run goes on with its index and manifest; see wait_closed


@contextlib.contextmanager
def progress_from(queue, observer: Observer) -> Iterator:
    """Hand the workers' progress reports on ``queue`` to ``observer`` (a thread) while inside;
    at the end the thread stops at once, woken by a last item of its own (it used to wait for
    the queue in steps of 0,1 s, and the run waited for that step to end)."""

    def pump() -> None:
        while True:
            try:
                item = queue.get()
            except Exception:
                return  # the queue is closed or broken: no more progress
            if item is None:
                return
            with contextlib.suppress(Exception):
                observer.advanced(*item)

    listener = threading.Thread(target=pump, daemon=True)
    listener.start()
    try:
        yield queue
    finally:
        with contextlib.suppress(Exception):
            queue.cancel_join_thread()  # never wait at exit for this last item (a dead worker may hold the pipe)
            queue.put(None)  # the end
        listener.join(timeout=2)
        queue.close()
