"""Parts of the quarterly run that need no kernel: publishing, stale staging folders, the
lock, factsheets for another region, the index page, theme discovery, the scheduler."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from signaal.briefing.edition import Edition
from signaal.errors import InputError
from signaal.periods import Period
from signaal.publish.factsheets import build_factsheets
from signaal.publish.outcome import DocResult, report
from signaal.publish.site import quarter_index_html
from signaal.publish.subjects import factsheet_path, slugify, subjects
from signaal.regions import registry
from signaal.run import publish as publish_by_its_old_name
from signaal.run.folder import MANIFEST, clean_stale_staging, lock, swap_into_place
from signaal.run.plan import Plan
from signaal.run.progress import Observer
from signaal.run.scheduler import Job, Scheduler
from signaal.run.themes import theme_notebooks
from signaal.run.workers import WORKERS

from conftest import signaal


def write_tree(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)


def read_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text() for p in folder.rglob("*") if p.is_file()}


def test_swap_into_place_swaps_in_the_new_run_and_archives_the_old_one(tmp_path):
    target = tmp_path / "2026Q3"
    write_tree(target, {MANIFEST: "{}", "a.pdf": "old", "gemeenten/x.pdf": "old x"})
    staging = tmp_path / ".staging-2026Q3.abc12345"
    write_tree(staging, {MANIFEST: "{}", "a.pdf": "new"})
    archived = swap_into_place(staging, target)
    assert read_tree(target) == {MANIFEST: "{}", "a.pdf": "new"}
    assert archived.parent == tmp_path / "archive" and archived.name.startswith("2026Q3-")
    assert read_tree(archived) == {MANIFEST: "{}", "a.pdf": "old", "gemeenten/x.pdf": "old x"}
    assert not staging.exists()
    # a first run has nothing to archive
    assert swap_into_place(_staged(tmp_path, "2026Q4"), tmp_path / "2026Q4") is None
    assert publish_by_its_old_name is swap_into_place  # `signaal.run.publish` stays


def _staged(tmp_path: Path, name: str) -> Path:
    staging = tmp_path / f".staging-{name}.x1234567"
    write_tree(staging, {MANIFEST: "{}"})
    return staging


def test_stale_staging_incomplete_is_removed_complete_is_archived(tmp_path):
    out = tmp_path / "2026Q3"
    write_tree(tmp_path / ".staging-2026Q3.killed01", {"notebooks/a.ipynb": "{}", ".a.pdf.tmp": "half"})
    write_tree(tmp_path / ".staging-2026Q3.swapped1", {MANIFEST: '{"old": true}', "a.pdf": "complete"})
    write_tree(tmp_path / ".staging-2026Q4.other001", {"a": "another quarter's run"})
    write_tree(tmp_path / ".staging-2026Q3-CR10.other002", {"a": "another region's run"})
    notes = clean_stale_staging(out)
    assert len(notes) == 2
    assert not (tmp_path / ".staging-2026Q3.killed01").exists()
    recovered = list((tmp_path / "archive").iterdir())
    assert len(recovered) == 1 and recovered[0].name.endswith("-recovered")
    assert read_tree(recovered[0]) == {MANIFEST: '{"old": true}', "a.pdf": "complete"}
    assert (tmp_path / ".staging-2026Q4.other001").exists()  # not ours
    assert (tmp_path / ".staging-2026Q3-CR10.other002").exists()


def test_one_run_per_report_folder_at_a_time(tmp_path):
    out = tmp_path / "2026Q3"
    with lock(out), pytest.raises(InputError, match="another signaal run is writing"), lock(out):
        pass
    with lock(out):  # released again
        pass


def test_factsheets_for_another_focus_region(tmp_path, root):
    codes = subjects("CR10")
    reg = registry()
    assert codes == reg.children("CR10", "gemeente") and "GM0193" in codes  # Zwolle
    edition = Edition(
        "CR10", Period.parse("2026Q3"), "nl", vintage="sample", is_sample=True, today=dt.date(2026, 11, 28)
    )
    results = build_factsheets(edition, str(tmp_path), str(root / "data"), codes)
    assert [r.status for r in results] == ["built"] * len(codes)
    assert {p.name for p in (tmp_path / "gemeenten").glob("*.pdf")} == {
        f"{c}-{slugify(reg[c].name_nl)}.pdf" for c in codes
    }
    zwolle = PdfReader(str(tmp_path / factsheet_path("GM0193")))
    text = " ".join(zwolle.pages[0].extract_text().split())
    assert (
        len(zwolle.pages) == 1
        and "Kerncijfers van Zwolle naast Noord-Overijssel en Nederland" in text
        and "in Twente" not in text
    )
    assert (
        "Twente" not in text and "SIGNAAL · FACTSHEET GEMEENTE" in text
    )  # no other region's board (kicker in capitals)


def test_slugify_dutch_place_names():
    assert slugify("Hof van Twente") == "hof-van-twente"
    assert slugify("'s-Hertogenbosch") == "s-hertogenbosch"
    assert slugify("Súdwest-Fryslân") == "sudwest-fryslan"
    assert slugify("Hengelo (O.)") == "hengelo-o"


def _plan(tmp_path: Path) -> Plan:
    return Plan(
        quarter=Period.parse("2026Q3"),
        region="CR12",
        lang="nl",
        themes={"arbeidsmarkt": tmp_path / "a.ipynb"},
        out=tmp_path,
        data_dir=tmp_path,
        vintage_id="sample",
        vintage_checksum="x",
        is_sample=True,
        jobs=1,
        rejected={"<schets>": "notebook <schets>.ipynb has no cell tagged 'parameters'"},
        today=dt.date(2026, 11, 28),
    )


def test_index_escapes_text_and_links_only_what_exists(tmp_path):
    docs = [
        DocResult(
            "arbeidsmarkt",
            "arbeidsmarkt.ipynb",
            "failed",
            outputs=["notebooks/arbeidsmarkt.ipynb"],
            error='notebook arbeidsmarkt.ipynb failed in cell 3: ValueError: <script>alert("x")</script>',
        ),
        DocResult(
            "<schets>", "<schets>.ipynb", "rejected", error="notebook <schets>.ipynb has no cell tagged 'parameters'"
        ),
        DocResult(
            "gemeenten/GM0153-enschede", None, "built", kind="factsheet", outputs=["gemeenten/GM0153-enschede.pdf"]
        ),
    ]
    plan = _plan(tmp_path)
    html = quarter_index_html(docs, plan.edition())
    assert "<script" not in html and "&lt;script&gt;" in html and "&lt;schets&gt;" in html
    assert 'href="notebooks/arbeidsmarkt.ipynb"' in html and 'href="arbeidsmarkt.pdf"' not in html
    assert 'href="gemeenten/GM0153-enschede.pdf">Enschede</a>' in html
    assert "VOORBEELDDATA" in html and "http" not in html.replace("http-equiv", "")


def test_a_marked_notebook_that_cannot_run_is_rejected_with_what_it_lacks(tmp_path, root):
    nbformat.write(nbformat.read(root / "notebooks" / "arbeidsmarkt.ipynb", as_version=4), tmp_path / "goed.ipynb")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("region = 'CR12'\nlang = 'nl'")])
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["signaal"] = {"theme": "half"}
    nbformat.write(nb, tmp_path / "half.ipynb")
    (tmp_path / "kapot.ipynb").write_text("not json")
    themes, rejected = theme_notebooks(tmp_path)
    assert list(themes) == ["goed"]
    assert rejected["half"] == (
        "notebook half.ipynb: its parameters cell lacks quarter; a theme notebook takes region, quarter "
        "(and optionally vintage, lang)"
    )
    assert "kapot.ipynb cannot be read as a notebook" in rejected["kapot"]
    # naming a rejected notebook explicitly is bad input: one line, nothing written
    proc = signaal("run", "--notebooks", str(tmp_path), "--themes", "half", "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "lacks quarter" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_bad_factsheet_set_and_jobs_are_one_line_errors(tmp_path):
    for args, expected in (
        (["--factsheets", "provincies"], "unknown factsheet set 'provincies'"),
        (["--jobs", "0"], "--jobs 0 is not a number of processes"),
    ):
        proc = signaal("run", "--out", str(tmp_path / "o"), *args)
        assert proc.returncode == 2 and proc.stderr.startswith("signaal: error: ") and expected in proc.stderr
        assert proc.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------------------------------
# The scheduler, with stand-in workers (no kernel, in this process: one worker)
# ---------------------------------------------------------------------------------------
class _Ledger:
    def __init__(self):
        self.results: dict[str, DocResult] = {}

    def record(self, job: Job, docs: list[DocResult]):
        self.results.update((d.name, d) for d in docs)
        return docs, []


class _Watcher(Observer):
    def __init__(self):
        self.progress: list[tuple] = []
        self.done: list[str] = []

    def advanced(self, name, done, total, phase):
        self.progress.append((name, done, total, phase))

    def finished(self, doc):
        self.done.append(doc.name)


def test_scheduler_runs_themes_first_decides_the_pack_when_they_ran_and_survives_a_crash(tmp_path, monkeypatch):
    ran: list[str] = []

    def stand_in(ctx, name):
        ran.append(name)
        report(name, 1, 2, "half")  # progress reaches the observer in this process too
        if name == "factsheets 2":
            raise RuntimeError("boom")
        return DocResult(name, None, "built", lang=ctx.lang)

    monkeypatch.setattr(WORKERS, "_by_kind", {k: stand_in for k in ("theme", "signals", "boardpack", "factsheet")})
    monkeypatch.setattr(WORKERS, "_of_lanes", set())  # every stand-in takes one context
    ctx = _plan(tmp_path).context(tmp_path)
    ledger, watcher = _Ledger(), _Watcher()
    scheduler = Scheduler(ctx, ledger, watcher, jobs=1)
    job = lambda name, kind: Job(name, kind, {"name": name}, names=[name])  # noqa: E731
    scheduler.add(
        job("factsheets 1", "factsheet"), job("wonen", "theme"), job("signaalbord", "signals"), job("talent", "theme")
    )
    decided_after: list[list[str]] = []

    def decide():
        decided_after.append(list(ran))
        return job("bestuursbriefing", "boardpack")

    scheduler.defer("bestuursbriefing", "boardpack", decide)
    scheduler.add(job("factsheets 2", "factsheet"))
    assert ("bestuursbriefing", "boardpack") in scheduler.to_build()
    schedule = scheduler.run()
    assert ran == ["wonen", "talent", "signaalbord", "bestuursbriefing", "factsheets 1", "factsheets 2"]
    assert decided_after == [["wonen", "talent", "signaalbord"]]
    assert [s["job"] for s in schedule] == ran and all(s["start"] <= s["end"] for s in schedule)
    ran_here = [s for s in schedule if s["job"] != "factsheets 2"]  # the crashed one has no stats
    assert all(s["worker"].endswith(f":{os.getpid()}") and s["peak_mb"] > 10 for s in ran_here)  # this process
    crashed = ledger.results["factsheets 2"]
    assert crashed.status == "failed" and crashed.error == "factsheet factsheets 2: worker crashed: RuntimeError: boom"
    assert watcher.done == ran and ("talent", 1, 2, "half") in watcher.progress
    report("after", 1, 1)  # outside the run, progress goes nowhere again
    assert len(watcher.progress) == len(ran)


def test_the_pack_is_decided_at_once_when_there_is_nothing_to_wait_for(tmp_path):
    scheduler = Scheduler(_plan(tmp_path).context(tmp_path), _Ledger(), _Watcher(), jobs=2)
    scheduler.add(Job("factsheets 1", "factsheet", {}, names=["gemeenten/GM0153-enschede"]))
    scheduler.defer("bestuursbriefing", "boardpack", lambda: None)  # reused: nothing to build
    assert scheduler.to_build() == [("gemeenten/GM0153-enschede", "factsheet")]


def test_a_worker_is_handed_one_picklable_frozen_context(tmp_path):
    ctx = _plan(tmp_path).context(tmp_path / "staging")
    assert pickle.loads(pickle.dumps(ctx)) == ctx  # it travels to spawned worker processes
    assert ctx.parameters() == {"region": "CR12", "quarter": "2026Q3", "vintage": "sample", "lang": "nl"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.lang = "en"
    assert set(WORKERS.kinds) == {"theme", "theme-pdf", "signals", "boardpack", "factsheet"}
    assert WORKERS.takes_lanes("signals") and not WORKERS.takes_lanes("theme")  # a batch of regions' signals
    with pytest.raises(KeyError, match="no worker for jobs of kind 'map'; registered: theme"):
        WORKERS.get("map")


# ---------------------------------------------------------------------------------------
# Worker processes forked from a forkserver
# ---------------------------------------------------------------------------------------
def test_workers_forked_from_a_running_forkserver_get_the_runs_environment(monkeypatch):
    import os

    from signaal.run.executors import LocalPool
    from signaal.run.forkserver import prestart, worker_context

    prestart()  # the server starts (or already runs) with the environment of now
    monkeypatch.setenv("SIGNAAL_PROBE", "set after the forkserver started")
    pool = LocalPool(2, worker_context().Queue())
    try:
        seen = [pool.pool.submit(os.getenv, "SIGNAAL_PROBE") for _ in range(2)]
        assert [f.result(timeout=120) for f in seen] == ["set after the forkserver started"] * 2
    finally:
        pool.close()


@pytest.mark.parametrize(
    ("args", "env", "starts"),
    [
        (["run"], {}, True),
        (["run", "--region", "CR10", "--jobs", "4"], {}, True),
        (["run", "--jobs=3"], {}, True),
        (["run", "--jobs", "1"], {}, False),
        (["run", "--jobs", "1", "--jobs", "2"], {}, True),  # the last one counts, as for the command line
        (["run", "--jobs", "0"], {}, True),  # 0: the number of cores
        (["run", "-j1"], {}, False),
        (["run", "--scheduler", "tcp://127.0.0.1:8786"], {}, False),
        (["run"], {"SIGNAAL_DASK_SCHEDULER": "tcp://127.0.0.1:8786"}, False),
        (["run", "--help"], {}, False),
        (["data", "refresh"], {}, False),
        ([], {}, False),
    ],
)
def test_the_command_starts_its_forkserver_first_only_for_a_run_with_local_workers(args, env, starts, monkeypatch):
    """The forkserver starts before the command line is even imported, so the decision is
    made from the raw arguments, as ``signaal run`` decides it (2 cores here)."""
    from signaal import launch

    monkeypatch.delenv("SIGNAAL_DASK_SCHEDULER", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert launch.starts_local_workers(args) is starts


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        (["--jobs", "x"], "Invalid value for '--jobs'"),  # refused by the command line itself
        (["--jobs", "2", "--region", "CR99"], "unknown region 'CR99'"),  # refused by the run's checks
    ],
)
def test_a_run_refused_after_its_forkserver_started_says_why_in_one_line(bad, says, tmp_path):
    """`signaal run` starts its forkserver before it reads its arguments; a run then refused
    for bad input still exits with its one-line error and code 2, and writes nothing."""
    proc = signaal("run", *bad, "--out", str(tmp_path / "q"))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and says in proc.stderr, proc.stderr
    assert not (tmp_path / "q").exists()
