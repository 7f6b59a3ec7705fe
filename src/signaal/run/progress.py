"""What a quarterly run shows while it works: a bar per document, a table at the end.

A run tells an :class:`Observer` what it plans, how each document advances and when it is
done. On a terminal the documents being built get a live rich progress bar each (notebook cells,
then HTML, then PDF). In a log (CI, cron: no terminal) live bars would be noise, so each
document gets one line when it is done. Both end with the same summary table.
"""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..publish.outcome import BUILT, CARRIED, FAILED, REJECTED, REUSED, SKIPPED, DocResult
from .plan import Plan, RunResult

STYLE = {BUILT: "green", REUSED: "cyan", CARRIED: "bright_black", SKIPPED: "yellow", FAILED: "red", REJECTED: "red"}


class Observer:
    """What a run tells the person (or log) watching it; the CLI shows it with rich."""

    def planned(self, plan: Plan, to_build: list[tuple[str, str]], reused: list[DocResult]) -> None: ...

    def advanced(self, name: str, done: int, total: int, phase: str) -> None: ...

    def finished(self, doc: DocResult) -> None: ...


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
