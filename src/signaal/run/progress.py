"""What a quarterly run shows while it works: a bar per document, a table at the end.

A run tells an :class:`Observer` what it plans, how each document advances and when it is
done. On a terminal the documents being built get a live rich progress bar each (notebook cells,
then HTML, then PDF). In a log (CI, cron: no terminal) live bars would be noise, so each
document gets one line when it is done. Both end with the same summary table.

A run of several regions shows a bar per region instead (its documents done, the document a
worker is on), or in a log a line per region when its folder is published, and ends with a
table of the regions.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..publish.outcome import BUILT, CARRIED, FAILED, REJECTED, REUSED, SKIPPED, DocResult
from ..regions import registry
from .plan import Plan, RunResult

STYLE = {BUILT: "green", REUSED: "cyan", CARRIED: "bright_black", SKIPPED: "yellow", FAILED: "red", REJECTED: "red"}


class Observer:
    """What a run tells the person (or log) watching it; the CLI shows it with rich."""

    def planned(self, plan: Plan, to_build: list[tuple[str, str]], reused: list[DocResult]) -> None: ...

    def advanced(self, name: str, done: int, total: int, phase: str) -> None: ...

    def finished(self, doc: DocResult) -> None: ...

    def for_region(self, plan: Plan) -> Observer:
        """What watches one region of a run of several (by default this observer)."""
        return self

    def region_done(self, result: RunResult) -> None:
        """A region of a run of several is published (or set aside)."""


def _seconds(doc: DocResult) -> float:
    return float(sum(v for v in doc.timings.values() if isinstance(v, (int, float))))


class PlainObserver(Observer):
    """One line per document when it is done (for logs)."""

    def __init__(self, console: Console):
        self.console = console

    def planned(self, plan, to_build, reused) -> None:
        self.console.print(f"signaal: {len(to_build)} document(s) to build, {len(reused)} unchanged (reused)")

    def finished(self, doc: DocResult) -> None:
        if doc.status == REUSED:
            return
        secs = f"{_seconds(doc):6.1f} s" if doc.timings else ""
        self.console.print(f"  {doc.name:<36} {doc.status:<8} {secs}", highlight=False)


class RichObserver(Observer):
    """A live bar per document being built."""

    def __init__(self, console: Console):
        self.console = console
        self.progress = Progress(
            TextColumn("  {task.description:<36}"),
            BarColumn(bar_width=28),
            MofNCompleteColumn(),
            TextColumn("{task.fields[phase]:<9}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.tasks: dict[str, TaskID] = {}

    def planned(self, plan, to_build, reused) -> None:
        self.console.print(f"signaal: {len(to_build)} document(s) to build, {len(reused)} unchanged (reused)")
        if not to_build:
            return
        for name, _kind in to_build:
            self.tasks[name] = self.progress.add_task(name, total=None, phase="waiting", start=False)
        self.progress.start()

    def advanced(self, name: str, done: int, total: int, phase: str) -> None:
        task = self.tasks.get(name)
        if task is not None:
            self.progress.start_task(task)
            self.progress.update(task, completed=done, total=total, phase=phase)

    def finished(self, doc: DocResult) -> None:
        task = self.tasks.get(doc.name)
        if task is None:
            return
        t = next(x for x in self.progress.tasks if x.id == task)
        total = t.total or 1
        self.progress.start_task(task)
        self.progress.update(
            task,
            total=total,
            completed=total if doc.ok else t.completed,
            phase=f"[{STYLE.get(doc.status, 'white')}]{doc.status}[/]",
        )
        self.progress.stop_task(task)

    def close(self) -> None:
        self.progress.stop()


def observer_for(console: Console) -> Observer:
    return RichObserver(console) if console.is_terminal else PlainObserver(console)


def summary_table(result: RunResult) -> Table:
    """One row per theme, the board pack and the index; the factsheets as one row; what was
    carried over from earlier runs (another language, other themes) as one row."""
    table = Table(title=f"{result.plan.region} {result.plan.quarter} → {result.out}", title_justify="left")
    table.add_column("document")
    table.add_column("status")
    table.add_column("seconds", justify="right")
    table.add_column("outputs")
    carried = [d for d in result.documents if d.status == CARRIED]
    factsheets = [d for d in result.documents if d.kind == "factsheet" and d.status != CARRIED]
    for doc in result.documents:
        if doc.kind == "factsheet" or doc.status == CARRIED:
            continue
        style = STYLE.get(doc.status, "white")
        outs = ", ".join(o for o in doc.outputs if not o.startswith(("logs/", "notebooks/"))) or "–"
        secs = f"{_seconds(doc):.1f}" if doc.status == BUILT else "–"
        table.add_row(doc.name, f"[{style}]{doc.status}[/]", secs, outs)
    if factsheets:
        counts = {s: sum(1 for d in factsheets if d.status == s) for s in (BUILT, REUSED, SKIPPED, FAILED)}
        status = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        total_secs = sum(_seconds(d) for d in factsheets if d.status == BUILT)
        folder = factsheets[0].name.split("/")[0]
        style = "red" if counts[FAILED] else ("green" if counts[BUILT] else "cyan")
        table.add_row(
            f"factsheets ({len(factsheets)})",
            f"[{style}]{status}[/]",
            f"{total_secs:.1f}" if counts[BUILT] else "–",
            f"{folder}/*.pdf",
        )
    if carried:
        names = ", ".join(d.name for d in carried if d.kind != "factsheet")
        n_fs = sum(1 for d in carried if d.kind == "factsheet")
        what = ", ".join(x for x in (names, f"{n_fs} factsheet(s)" if n_fs else "") if x)
        table.add_row(f"kept from earlier runs ({len(carried)})", f"[{STYLE[CARRIED]}]{CARRIED}[/]", "–", what)
    return table


# ---------------------------------------------------------------------------------------
# A run of several regions: a line (or a bar) per region
# ---------------------------------------------------------------------------------------
class _RegionWatch(Observer):
    """What one region of a run of several tells the run's observer."""

    def __init__(self, parent: PlainRegionsObserver, plan: Plan):
        self.parent, self.region = parent, plan.region

    def planned(self, plan, to_build, reused) -> None:
        self.parent.region_planned(self.region, len(to_build), len(reused))

    def finished(self, doc: DocResult) -> None:
        self.parent.region_finished(self.region, doc)


class PlainRegionsObserver(Observer):
    """One line per region when its folder is published (for logs)."""

    def __init__(self, console: Console):
        self.console = console
        self.todo: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def for_region(self, plan: Plan) -> Observer:
        return _RegionWatch(self, plan)

    def region_planned(self, region: str, to_build: int, reused: int) -> None:
        self.todo[region], self.done[region] = to_build, 0

    def region_finished(self, region: str, doc: DocResult) -> None:
        if doc.kind != "index":
            self.done[region] = self.done.get(region, 0) + 1

    def region_done(self, result: RunResult) -> None:
        self.console.print(f"  {region_line(result)}", highlight=False)


class RichRegionsObserver(PlainRegionsObserver):
    """A live bar per region: its documents done, the one a worker is on."""

    def __init__(self, console: Console):
        super().__init__(console)
        self.progress = Progress(
            TextColumn("  {task.description:<8}"),
            BarColumn(bar_width=28),
            MofNCompleteColumn(),
            TextColumn("{task.fields[phase]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.tasks: dict[str, TaskID] = {}

    def region_planned(self, region: str, to_build: int, reused: int) -> None:
        super().region_planned(region, to_build, reused)
        self.tasks[region] = self.progress.add_task(region, total=max(1, to_build), phase="waiting", start=False)
        self.progress.start()

    def advanced(self, name: str, done: int, total: int, phase: str) -> None:
        region, _, doc = name.partition(":")
        task = self.tasks.get(region)
        if task is not None:
            self.progress.start_task(task)
            self.progress.update(task, phase=f"{doc} {phase}")

    def region_finished(self, region: str, doc: DocResult) -> None:
        super().region_finished(region, doc)
        task = self.tasks.get(region)
        if task is not None and doc.kind != "index":
            self.progress.start_task(task)
            self.progress.update(task, completed=self.done[region], phase=f"{doc.name} {doc.status}")

    def region_done(self, result: RunResult) -> None:
        task = self.tasks.get(result.plan.region)
        if task is not None:
            total = next(t for t in self.progress.tasks if t.id == task).total
            style = "red" if result.failures or not result.published else "green"
            self.progress.update(task, completed=total, phase=f"[{style}]{region_status(result)}[/]")
            self.progress.stop_task(task)

    def close(self) -> None:
        self.progress.stop()


def regions_observer_for(console: Console) -> Observer:
    return RichRegionsObserver(console) if console.is_terminal else PlainRegionsObserver(console)


def region_status(result: RunResult) -> str:
    s = result.manifest["summary"]
    failed = s["failed"] + s["rejected"]
    counts = f"{s['built']} built, {s['reused']} reused" + (f", {failed} failed" if failed else "")
    return f"{'published' if result.published else 'set aside'}: {counts}"


def region_line(result: RunResult) -> str:
    """``CR10 Noord-Overijssel  published: 22 built, 0 reused  41.2 s → reports/2026Q3-CR10``."""
    name = registry().get(result.plan.region).name_nl
    secs = result.manifest["timings"]["total_seconds"]
    return f"{result.plan.region} {name:<28} {region_status(result):<40} {secs:7.1f} s → {result.out}"


def regions_table(results: list[RunResult], title: str) -> Table:
    """One row per region: its documents, how long its folder took, the folder's name."""
    table = Table(title=title, title_justify="left")
    for column in ("region", "status", "built", "reused", "failed", "seconds", "folder"):
        table.add_column(column, justify="right" if column in ("built", "reused", "failed", "seconds") else "left")
    for r in results:
        s = r.manifest["summary"]
        failed = s["failed"] + s["rejected"]
        style = "red" if failed or not r.published else "green"
        table.add_row(
            r.plan.region,
            f"[{style}]{'published' if r.published else 'set aside'}[/]",
            str(s["built"]),
            str(s["reused"]),
            str(failed),
            f"{r.manifest['timings']['total_seconds']:.1f}",
            r.out.name,
        )
    return table
