"""The scheduler: jobs run at most ``--jobs`` at a time, the most urgent first.

Theme notebooks are executed first, then the signals; the board pack is decided as soon as
those are done (it needs the notebooks' output, not their PDFs, and it is the longest single
job); theme PDFs and factsheets fill the other workers.

A run of several regions has a *lane* per region (its report folder: its context, where its
documents go, its deferred board pack); one scheduler runs the jobs of every lane, region
after region (the first region's jobs first, so that it is published first, while the
workers go on with the next), and says when a lane has nothing left to do, so that its
folder is published at once. A job may make documents of several lanes (the signals of a
batch of regions, computed in one pass).

Where the jobs execute is the executor's business (:mod:`~signaal.run.executors`): in this
process with one worker, in spawned processes with more, or on a Dask cluster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..publish.outcome import FAILED, DocResult, one_line
from .executors import Executor, KernelStart, local_executor
from .job import JobContext
from .progress import Observer
from .workers import KERNEL_LOG, kernel_env

PRIORITY = {"theme": 0, "signals": 1, "boardpack": 2, "theme-pdf": 3, "factsheet": 4}
WAITS_FOR = {"boardpack": ("theme", "signals")}  # a deferred job is decided when these are done


@dataclass
class Job:
    name: str
    kind: str  # the worker that runs it (see signaal.run.workers)
    args: dict  # the worker's own arguments; the run's facts are in the JobContext
    key: str = ""
    names: list[str] = field(default_factory=list)  # documents it produces (a factsheet batch: several)
    # the lane (region) of each document in ``names``; set when the job is added
    lanes: list[str] = field(default_factory=list)

    @property
    def lane_keys(self) -> list[str]:
        """The lanes it makes documents for, each once, in order."""
        return list(dict.fromkeys(self.lanes))


class Ledger(Protocol):
    """Where the outcome of a job goes (the run's documents)."""

    def record(self, job: Job, docs: list[DocResult]) -> tuple[list[DocResult], list[Job]]:
        """Take in what ``job`` made; returns (the documents now finished, jobs that follow)."""
        ...


@dataclass
class Lane:
    """One report folder of the run: what its jobs are handed, where their outcome goes."""

    key: str
    ctx: JobContext
    ledger: Ledger
    observer: Observer
    order: int  # lanes are worked through in this order
    on_done: Callable[[], None] | None = None  # called once, when it has nothing left to do
    waiting: set[str] = field(default_factory=set)  # the jobs its deferred job waits for
    deferred: tuple[str, str, Callable[[], Job | None]] | None = None
    open: int = 0  # its jobs queued or running
    done: bool = False


class Scheduler:
    """A queue of jobs for the workers of one run, and the log of which job ran when.

    ``Scheduler(ctx, ledger, observer, jobs)`` is a run of one region (one lane, key "");
    ``Scheduler(None, None, observer, jobs)`` then :meth:`add_lane` per region for several."""

    def __init__(
        self,
        ctx: JobContext | None,
        ledger: Ledger | None,
        observer: Observer,
        jobs: int,
        t0: float | None = None,
        executor: Executor | None = None,
    ):
        self.observer = observer  # the run's: progress reported by the workers
        self.max_workers = jobs  # --jobs
        self.executor = executor  # None: this process or local worker processes (see run)
        self.t0 = time.perf_counter() if t0 is None else t0
        self.pending: list[Job] = []
        self.lanes: dict[str, Lane] = {}
        self.schedule: list[dict] = []
        self.used: dict | None = None  # where the jobs ran (Executor.describe), once they ran
        # a document whose failure ends the run (a full disk): nothing more is started after it
        self.stop_after: Callable[[DocResult], bool] = lambda doc: False
        if ctx is not None and ledger is not None:
            self.add_lane("", ctx, ledger, observer)

    def add_lane(
        self, key: str, ctx: JobContext, ledger: Ledger, observer: Observer, on_done: Callable[[], None] | None = None
    ) -> None:
        self.lanes[key] = Lane(key, ctx, ledger, observer, len(self.lanes), on_done)

    def add(self, *jobs: Job, lane: str = "") -> None:
        """Queue ``jobs`` of ``lane`` (a job whose ``lanes`` are set keeps them)."""
        for job in jobs:
            if not job.lanes:
                job.lanes = [lane] * max(1, len(job.names))
            for key in job.lane_keys:
                self.lanes[key].open += 1
            self.pending.append(job)

    def defer(self, name: str, kind: str, decide: Callable[[], Job | None], lane: str = "") -> None:
        """A job (``name``, ``kind``) of ``lane`` decided only when every queued job of that
        lane of the kinds it waits for (:data:`WAITS_FOR`) is done, because what it is depends
        on their outcome; ``decide`` returns the job, or None when there is nothing to build
        (it was reused). With nothing to wait for it is decided now."""
        the = self.lanes[lane]
        the.waiting = {j.name for j in self.pending if j.kind in WAITS_FOR[kind] and lane in j.lanes}
        if the.waiting:
            the.deferred = (name, kind, decide)
        else:
            self._decide(the, decide)

    def to_build(self, lane: str = "") -> list[tuple[str, str]]:
        """(document, kind) of everything queued for ``lane``, its deferred job included."""
        queued = [(n, j.kind) for j in self.pending for n, key in zip(j.names, j.lanes, strict=False) if key == lane]
        deferred = self.lanes[lane].deferred
        return queued + ([deferred[:2]] if deferred else [])

    def run(self) -> list[dict]:
        """Run every job; the schedule (job, kind, start, end in seconds since ``t0``, the
        worker and its peak memory)."""
        for lane in list(self.lanes.values()):
            self._check_done(lane)
        if not self.pending:
            return self.schedule
        expected = len(self.pending) + sum(len(x.waiting) + (1 if x.deferred else 0) for x in self.lanes.values())
        if self.executor is not None:
            self._loop(self.executor)
        else:
            themes = [self.lanes[j.lane_keys[0]].ctx for j in self.pending if j.kind == "theme"]
            kernel = KernelStart(kernel_env(themes[0]), themes[0].staging / KERNEL_LOG) if themes else None
            with local_executor(max(1, min(self.max_workers, expected)), self.observer, kernel) as executor:
                self._loop(executor)
        return self.schedule

    def of_lane(self, lane: str) -> list[dict]:
        """The schedule of the jobs that made documents of ``lane``."""
        return [{k: v for k, v in s.items() if k != "lanes"} for s in self.schedule if lane in s["lanes"]]

    # -- inside --------------------------------------------------------------------------
    def _loop(self, executor: Executor) -> None:
        self.used = executor.describe()
        in_flight: dict = {}
        try:
            while self.pending or in_flight:
                while self.pending and len(in_flight) < executor.slots:
                    job = self._pick()
                    ctxs = tuple(self.lanes[key].ctx for key in job.lane_keys)
                    in_flight[executor.submit(job.kind, ctxs, job.args)] = (job, time.perf_counter())
                for fut in executor.wait(list(in_flight)):
                    job, start = in_flight.pop(fut)
                    try:
                        docs, stats = executor.result(fut)
                    except Exception as exc:  # a worker that died
                        docs, stats = self._crashed(job, exc), {}
                    self._done(job, start, docs, stats)
        except BaseException:
            executor.cancel()
            raise

    def _decide(self, lane: Lane, decide: Callable[[], Job | None]) -> None:
        lane.deferred = None
        job = decide()
        if job is not None:
            self.add(job, lane=lane.key)

    def _pick(self) -> Job:
        job = min(self.pending, key=lambda j: (min(self.lanes[k].order for k in j.lane_keys), PRIORITY.get(j.kind, 9)))
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
                lang=self.lanes[key].ctx.lang,
                error=f"{job.kind} {n}: {why}",
            )
            for n, key in zip(job.names, job.lanes, strict=False)
        ]

    def _by_lane(self, job: Job, docs: list[DocResult]) -> dict[str, list[DocResult]]:
        """The documents of a job by lane: all of a one-lane job's; a job of several lanes
        returns one document per lane, in the order of its ``lanes``."""
        keys = job.lane_keys
        if len(keys) == 1:
            return {keys[0]: docs}
        if len(docs) != len(job.lanes):
            raise RuntimeError(f"job {job.name} returned {len(docs)} documents for {len(job.lanes)} lanes")
        out: dict[str, list[DocResult]] = {}
        for key, doc in zip(job.lanes, docs, strict=True):
            out.setdefault(key, []).append(doc)
        return out

    def _done(self, job: Job, start: float, docs: list[DocResult], stats: dict) -> None:
        entry = {"job": job.name, "kind": job.kind, "start": round(start - self.t0, 2)}
        entry["end"] = round(time.perf_counter() - self.t0, 2)
        self.schedule.append({**entry, **stats, "lanes": job.lane_keys})
        for key, lane_docs in self._by_lane(job, docs).items():
            lane = self.lanes[key]
            finished, follow = lane.ledger.record(job, lane_docs)
            self.add(*follow, lane=key)
            for doc in finished:
                lane.observer.finished(doc)
        if any(self.stop_after(doc) for doc in docs):
            self.pending.clear()
            for lane in self.lanes.values():
                lane.waiting.clear()
                lane.deferred = None
            return
        for key in job.lane_keys:
            lane = self.lanes[key]
            lane.open -= 1
            lane.waiting.discard(job.name)
            if not lane.waiting and lane.deferred:
                self._decide(lane, lane.deferred[2])
            self._check_done(lane)

    def _check_done(self, lane: Lane) -> None:
        """Tell a lane that has nothing left to do (once)."""
        if lane.done or lane.open or lane.deferred or lane.waiting:
            return
        lane.done = True
        if lane.on_done is not None:
            lane.on_done()
