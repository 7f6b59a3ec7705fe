"""The quarter of several regions in one run: ``signaal run --regions all`` (or ``CR10,CR12``).

Each region gets the folder a run of that region alone would make — the same documents, its
own manifest, lock, staging folder, carry-over, reuse and never-a-worse-quarter rule (a
:class:`~signaal.run.quarter.Folder` each) — in ``<out>/<region>/`` with ``--out``, else in
its usual folder (``reports/<quarter>`` for the default region, ``reports/<quarter>-<region>``
for the others). What the regions share is done once: the plan is checked once (themes,
curated tables, vintage) with every region's folder; the data is opened once per worker
process; the signals of all regions are computed in one pass, by one job (every rule compares
the region with all 40 anyway: :func:`~signaal.signals.engine.compute_all_signals`), which
writes each region's signal files and board page. One scheduler runs the jobs of every region (a lane each), region after region, and
each region's folder is published as soon as its last job is done, while the workers go on
with the next. A notebook that fails in one region fails that region's document only: the
other regions go on, and the exit code is the worst region's (:attr:`RegionsResult.exit_code`).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from ..errors import InputError, suggest
from ..publish.outcome import BUILT
from ..regions import registry
from .executors import Executor, wait_closed
from .folder import clean_stale_staging, lock, staging_folder
from .plan import EXIT_FAILED, EXIT_KEPT, EXIT_OK, Plan, RunResult
from .progress import Observer
from .quarter import NO_SPACE, WRITE_ERRORS, Folder, OutputError, _no_space
from .scheduler import Job, Scheduler

ALL = "all"


def parse_regions(regions: str | list[str]) -> list[str]:
    """``all`` (the 40 COROP regions) or a comma-separated list (``CR10,CR12``): the region
    codes, each once, in the order given; one line naming a region that is not a COROP one."""
    reg = registry()
    words = [w.strip() for w in (regions.split(",") if isinstance(regions, str) else regions) if w.strip()]
    if [w.lower() for w in words] == [ALL]:
        return reg.codes("corop")
    if not words:
        raise InputError(
            f"--regions {regions!r} names no region; valid: all, or COROP regions separated by commas (e.g. CR10,CR12)"
        )
    codes = []
    for word in words:
        if word.lower() == ALL:
            raise InputError("--regions all stands alone; give all, or a list of COROP regions (e.g. CR10,CR12)")
        code = word.upper()
        if code not in reg.codes("corop"):
            raise InputError(f"--regions: unknown COROP region {word!r}; {suggest(code, reg.codes('corop'))}")
        codes.append(code)
    return list(dict.fromkeys(codes))


@dataclass
class RegionsResult:
    """What a run of several regions gave: each region's result, in the order of the run."""

    results: list[RunResult] = field(default_factory=list)
    seconds: float = 0.0
    executor: dict | None = None

    @property
    def exit_code(self) -> int:
        """The worst region's: 5 when a region was not published (it would have lost
        documents), 4 when a region published with failures, else 0."""
        codes = {r.exit_code for r in self.results}
        return EXIT_KEPT if EXIT_KEPT in codes else EXIT_FAILED if EXIT_FAILED in codes else EXIT_OK

    @property
    def built(self) -> int:
        """The documents built (the index pages not counted)."""
        return sum(1 for r in self.results for d in r.documents if d.status == BUILT and d.kind != "index")


def signals_pass(jobs: list[tuple[str, Job]]) -> list[Job]:
    """The regions' signals jobs (``(region, job)``) as one job that computes the signals of
    every region in one pass and writes each region's signal files and board page."""
    if not jobs:
        return []
    first, last = jobs[0][0], jobs[-1][0]
    return [
        Job(
            name=f"signals {first}" + (f"–{last}" if last != first else ""),
            kind="signals",
            names=[n for _, job in jobs for n in job.names],
            lanes=[region for region, job in jobs for _ in job.names],
            args=dict(boards=[b for _, job in jobs for b in job.args["boards"]]),
        )
    ]


def execute_regions(
    plans: list[Plan], progress: Observer | None = None, executor: Executor | None = None
) -> RegionsResult:
    """Run the plans of several regions as one run (see the module's description)."""
    observer = progress or Observer()
    t0 = time.perf_counter()
    done = RegionsResult(executor=executor.describe() if executor is not None else None)
    with contextlib.ExitStack() as stack:
        try:
            for plan in plans:
                stack.enter_context(lock(plan.out))
            recovered = {plan.region: clean_stale_staging(plan.out) for plan in plans}
            scheduler = Scheduler(None, None, observer, plans[0].jobs, t0, executor)
            scheduler.stop_after = _no_space  # the disk is full: the run ends
            folders = []
            for plan in plans:
                staging = stack.enter_context(staging_folder(plan.out))  # deleted unless published
                folder = Folder(plan, staging, observer.for_region(plan), t0)
                on_done = _publisher(folder, scheduler, done, recovered[plan.region], observer)
                scheduler.add_lane(
                    plan.region, plan.context(staging, lane=plan.region), folder.documents, folder.observer, on_done
                )
                folders.append(folder)
            scheduler.add(*signals_pass([(f.plan.region, j) for f in folders for j in f.signals_jobs()]))
            for folder in folders:
                folder.queue(scheduler, [], lane=folder.plan.region)
            try:
                scheduler.run()
            finally:
                wait_closed()  # each region was published as it was done; the workers end here
            full = next((d for f in folders if (d := f.no_space()) is not None), None)
            if full is not None:
                raise _output_error(done, full.error or "", f"while making {full.name}")
        except OSError as exc:
            if exc.errno not in WRITE_ERRORS:
                raise
            where = f"while writing {exc.filename}" if exc.filename else "while writing the run's files"
            raise _output_error(done, exc.strerror or str(exc), where) from None
    order = {plan.region: i for i, plan in enumerate(plans)}
    done.results.sort(key=lambda r: order[r.plan.region])  # published as they were done; listed in order
    done.seconds = round(time.perf_counter() - t0, 3)
    return done


def _publisher(folder: Folder, scheduler: Scheduler, done: RegionsResult, recovered: list[str], observer: Observer):
    """What happens when a region has nothing left to do: its folder is finished and
    published (or set aside) at once."""

    def publish() -> None:
        region = folder.plan.region
        result = folder.finish(scheduler.of_lane(region), scheduler.used)
        result.recovered = recovered
        done.results.append(result)
        observer.region_done(result)

    return publish


def _output_error(done: RegionsResult, problem: str, where: str) -> OutputError:
    """The run ends: the disk is full (or a folder read-only); the regions published before
    stay published, the others are as they were."""
    published = [r.plan.region for r in done.results if r.published]
    if NO_SPACE.search(problem):
        problem = "no space left on the device"
    before = (
        f"the {len(published)} region(s) published before it stay ({', '.join(published)})"
        if published
        else "no region was published"
    )
    return OutputError(
        f"{problem} {where}; {before}; the other regions' folders are as they were; "
        "free some space (or make the folder writable) and run again"
    )
