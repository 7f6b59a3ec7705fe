"""The scheduler: jobs run at most ``--jobs`` at a time, the most urgent first.

Theme notebooks are executed first, then the signals; the board pack is decided as soon as
those are done (it needs the notebooks' output, not their PDFs, and it is the longest single
job); theme PDFs and factsheets fill the other workers. With one worker everything runs in
this process (no start-up of worker processes); else in spawned processes, one kernel per
notebook, their progress coming back over a queue.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol

from ..publish import outcome
from ..publish.outcome import FAILED, DocResult, one_line
from .job import JobContext
from .progress import Observer
from .workers import call

PRIORITY = {"theme": 0, "signals": 1, "boardpack": 2, "theme-pdf": 3, "factsheet": 4}
WAITS_FOR = {"boardpack": ("theme", "signals")}  # a deferred job is decided when these are done


@dataclass
class Job:
    name: str
    kind: str  # the worker that runs it (see signaal.run.workers)
    args: dict  # the worker's own arguments; the run's facts are in the JobContext
    key: str = ""
    names: list[str] = field(default_factory=list)  # documents it produces (a factsheet batch: several)


class Ledger(Protocol):
    """Where the outcome of a job goes (the run's documents)."""

    def record(self, job: Job, docs: list[DocResult]) -> tuple[list[DocResult], list[Job]]:
        """Take in what ``job`` made; returns (the documents now finished, jobs that follow)."""
        ...


class Scheduler:
    """A queue of jobs for the workers of one run, and the log of which job ran when."""

    def __init__(self, ctx: JobContext, ledger: Ledger, observer: Observer, jobs: int, t0: float | None = None):
        self.ctx = ctx
        self.ledger = ledger
        self.observer = observer
        self.max_workers = jobs  # --jobs
        self.t0 = time.perf_counter() if t0 is None else t0
        self.pending: list[Job] = []
        self.waiting: set[str] = set()  # the jobs the deferred job waits for
        self.deferred: tuple[str, str, Callable[[], Job | None]] | None = None
        self.schedule: list[dict] = []
        # a document whose failure ends the run (a full disk): nothing more is started after it
        self.stop_after: Callable[[DocResult], bool] = lambda doc: False

    def add(self, *jobs: Job) -> None:
        self.pending.extend(jobs)

    def defer(self, name: str, kind: str, decide: Callable[[], Job | None]) -> None:
        """A job (``name``, ``kind``) decided only when every queued job of the kinds it
        waits for (:data:`WAITS_FOR`) is done, because what it is depends on their outcome;
        ``decide`` returns the job, or None when there is nothing to build (it was reused).
        With nothing to wait for it is decided now."""
        self.waiting = {j.name for j in self.pending if j.kind in WAITS_FOR[kind]}
        if self.waiting:
            self.deferred = (name, kind, decide)
        else:
            self._decide(decide)

    def to_build(self) -> list[tuple[str, str]]:
        """(document, kind) of everything queued, the deferred job included."""
        queued = [(n, j.kind) for j in self.pending for n in j.names]
        return queued + ([self.deferred[:2]] if self.deferred else [])

    def run(self) -> list[dict]:
        """Run every job; the schedule (job, kind, start, end in seconds since ``t0``)."""
        if not self.pending:
            return self.schedule
        expected = len(self.pending) + len(self.waiting) + (1 if self.deferred else 0)
        workers = max(1, min(self.max_workers, expected))
        if workers == 1:
            self._run_inline()
        else:
            self._run_pool(workers)
        return self.schedule

    # -- inside --------------------------------------------------------------------------
    def _decide(self, decide: Callable[[], Job | None]) -> None:
        self.deferred = None
        job = decide()
        if job is not None:
            self.pending.append(job)

    def _pick(self) -> Job:
        job = min(self.pending, key=lambda j: PRIORITY.get(j.kind, 9))
        self.pending.remove(job)
        return job

    def _crashed(self, job: Job, exc: BaseException) -> list[DocResult]:
        notebook = job.args.get("notebook")
        why = f"worker crashed: {type(exc).__name__}: {one_line(exc)}"
        return [
            DocResult(
                name=n,
                notebook=notebook and Path(notebook).name,
                status=FAILED,
                kind=job.kind,
                lang=self.ctx.lang,
                error=f"{job.kind} {n}: {why}",
            )
            for n in job.names
        ]

    def _done(self, job: Job, start: float, docs: list[DocResult]) -> None:
        self.schedule.append(
            {
                "job": job.name,
                "kind": job.kind,
                "start": round(start - self.t0, 2),
                "end": round(time.perf_counter() - self.t0, 2),
            }
        )
        finished, follow = self.ledger.record(job, docs)
        self.pending.extend(follow)
        for doc in finished:
            self.observer.finished(doc)
        if any(self.stop_after(doc) for doc in docs):
            self.pending.clear()
            self.waiting.clear()
            self.deferred = None
            return
        self.waiting.discard(job.name)
        if not self.waiting and self.deferred:
            self._decide(self.deferred[2])

    def _run_inline(self) -> None:
        with outcome.inline_progress(self.observer):
            while self.pending:
                job = self._pick()
                start = time.perf_counter()
                try:
                    docs = call(job.kind, self.ctx, job.args)
                except Exception as exc:
                    docs = self._crashed(job, exc)
                self._done(job, start, docs)

    def _run_pool(self, workers: int) -> None:
        mp = get_context("spawn")
        with _progress_from(mp.Queue(), self.observer) as queue:
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=mp, initializer=outcome.set_progress_queue, initargs=(queue,)
            )
            try:
                in_flight: dict[Future, tuple[Job, float]] = {}
                while self.pending or in_flight:
                    while self.pending and len(in_flight) < workers:
                        job = self._pick()
                        in_flight[pool.submit(call, job.kind, self.ctx, job.args)] = (job, time.perf_counter())
                    done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                    for fut in done:
                        job, start = in_flight.pop(fut)
                        try:
                            docs = fut.result()
                        except Exception as exc:  # a worker that died
                            docs = self._crashed(job, exc)
                        self._done(job, start, docs)
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            finally:
                pool.shutdown(wait=True)


@contextlib.contextmanager
def _progress_from(queue, observer: Observer) -> Iterator:
    """Hand the workers' progress reports on ``queue`` to ``observer`` (a thread) while inside."""
    stop = threading.Event()

    def pump() -> None:
        while not stop.is_set():
            try:
                item = queue.get(timeout=0.1)
            except Exception:
                continue
            with contextlib.suppress(Exception):
                observer.advanced(*item)

    listener = threading.Thread(target=pump, daemon=True)
    listener.start()
    try:
        yield queue
    finally:
        stop.set()
        listener.join(timeout=2)
        queue.close()
