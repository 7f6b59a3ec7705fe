"""A run of several regions, the parts that need no kernel: which regions, which folders, the
preflight of all of them at once, and the scheduler with a lane per region."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from pathlib import Path

import pytest

from signaal.errors import InputError
from signaal.periods import Period
from signaal.publish.outcome import DocResult, report
from signaal.regions import registry
from signaal.run.plan import Plan, RunResult, make_plans
from signaal.run.preflight import Problems
from signaal.run.progress import Observer
from signaal.run.regions import RegionsResult, parse_regions, signals_pass
from signaal.run.scheduler import Job, Scheduler
from signaal.run.workers import WORKERS

from conftest import signaal


# ---------------------------------------------------------------------------------------
# Which regions, which folders
# ---------------------------------------------------------------------------------------
def test_regions_all_or_a_list_each_once_in_the_order_given():
    assert parse_regions("all") == registry().codes("corop") and len(parse_regions("ALL")) == 40
    assert parse_regions("cr17, CR10,CR12,CR10") == ["CR17", "CR10", "CR12"]
    for bad, expected in (
        ("CR10,CR99", "unknown COROP region 'CR99'"),
        ("GM0153", "unknown COROP region 'GM0153'"),
        (" , ", "names no region"),
        ("all,CR10", "--regions all stands alone"),
    ):
        with pytest.raises(InputError, match=expected):
            parse_regions(bad)


def test_each_region_gets_its_folder_under_out_or_its_usual_one(tmp_path):
    plans = make_plans(["CR10", "CR12"], quarter="2026Q3", out=tmp_path / "alle", out_per_region=True)
    assert [(p.region, p.out) for p in plans] == [
        ("CR10", tmp_path / "alle" / "CR10"),
        ("CR12", tmp_path / "alle" / "CR12"),
    ]
    assert plans[0].themes == plans[1].themes and plans[0].vintage_id == plans[1].vintage_id == "sample"
    plans = make_plans(["CR10", "CR12"], quarter="2026Q3")
    reports = plans[0].out.parent
    assert [p.out for p in plans] == [reports / "2026Q3-CR10", reports / "2026Q3"]  # CR12 is the default region


def test_every_region_folder_problem_is_found_before_any_work_and_all_at_once(tmp_path):
    out = tmp_path / "alle"
    for code, holds in (("CR10", "CR11"), ("CR17", "CR17")):  # CR10's folder holds another region
        (out / code).mkdir(parents=True)
        manifest = {"parameters": {"quarter": "2026Q2" if code == "CR17" else "2026Q3", "region": holds}}
        (out / code / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(Problems) as caught:
        make_plans(["CR10", "CR12", "CR17"], quarter="2026Q3", out=out, out_per_region=True)
    assert len(caught.value.problems) == 2
    assert "alle/CR10 holds Zuidwest-Overijssel (CR11) 2026Q3" in caught.value.problems[0]
    assert caught.value.problems[0].endswith("choose another --out")
    assert "alle/CR17 holds" in caught.value.problems[1] and "2026Q2" in caught.value.problems[1]
    assert not (out / "CR12").exists()  # nothing written


def test_region_and_regions_exclude_each_other_in_one_line(tmp_path):
    for args, expected in (
        (["--region", "CR12", "--regions", "CR10"], "--region CR12 and --regions CR10 exclude each other"),
        (["--regions", "CR10,CR98"], "unknown COROP region 'CR98'"),
    ):
        proc = signaal("run", "--out", str(tmp_path / "o"), *args)
        assert proc.returncode == 2 and proc.stderr.startswith("signaal: error: ") and expected in proc.stderr
        assert proc.stderr.count("\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("tcp://127.0.0.1:9", "cannot reach the Dask scheduler at tcp://127.0.0.1:9 (connection refused)"),
        ("tcp://nohost.invalid:8786", "cannot reach the Dask scheduler at tcp://nohost.invalid:8786 (cannot resolve"),
        ("scheduler", "--scheduler 'scheduler' is not a scheduler address (missing port number"),
        ("inproc://x", "is not a scheduler address (protocol inproc:// is not tcp:// or tls://)"),
    ],
)
def test_a_scheduler_that_cannot_be_reached_is_one_line_at_once_before_any_work(tmp_path, address, expected):
    t0 = time.perf_counter()
    proc = signaal(
        *("run", "--regions", "CR10,CR12", "--themes", "talent", "--out", str(tmp_path / "o")),
        env={"SIGNAAL_DASK_SCHEDULER": address},  # as --scheduler
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr  # no traceback at exit
    assert proc.stderr.startswith("signaal: error: ") and expected in proc.stderr
    assert time.perf_counter() - t0 < 20  # not Dask's 30 s connect timeout
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------------------------------
# The exit code of several regions
# ---------------------------------------------------------------------------------------
def _plan(tmp_path: Path, region: str = "CR12") -> Plan:
    return Plan(
        quarter=Period.parse("2026Q3"),
        region=region,
        lang="nl",
        themes={},
        out=tmp_path / region,
        data_dir=tmp_path,
        vintage_id="sample",
        vintage_checksum="x",
        is_sample=True,
        jobs=1,
        today=dt.date(2026, 11, 28),
    )


def _result(tmp_path: Path, region: str, status: str = "built", published: bool = True) -> RunResult:
    plan = _plan(tmp_path, region)
    out = plan.out if published else tmp_path / f".failed-{region}"
    return RunResult(plan, [DocResult("wonen", "wonen.ipynb", status)], out, None, {})


def test_the_exit_code_of_several_regions_is_the_worst_regions(tmp_path):
    ok, failed = _result(tmp_path, "CR10"), _result(tmp_path, "CR12", "failed")
    kept = _result(tmp_path, "CR17", "failed", published=False)
    assert RegionsResult([ok]).exit_code == 0
    assert RegionsResult([ok, failed]).exit_code == 4  # published, but a document failed
    assert RegionsResult([kept, ok, failed]).exit_code == 5  # a region was not published


# ---------------------------------------------------------------------------------------
# One scheduler, a lane per region
# ---------------------------------------------------------------------------------------
class _Ledger:
    def __init__(self):
        self.results: dict[str, DocResult] = {}
        self.jobs: list[str] = []

    def record(self, job: Job, docs: list[DocResult]):
        self.jobs.append(job.name)
        self.results.update((d.name, d) for d in docs)
        return docs, []


class _Watcher(Observer):
    def __init__(self):
        self.done: list[str] = []

    def finished(self, doc):
        self.done.append(doc.name)


def test_one_scheduler_runs_region_after_region_and_publishes_each_when_it_is_done(tmp_path, monkeypatch):
    ran: list[tuple[str, str]] = []
    published: list[tuple[str, list]] = []

    def stand_in(ctx, name, **_):
        ran.append((ctx.region, name))
        report(name, 1, 2, "half")
        if (ctx.region, name) == ("CR10", "wonen"):
            raise RuntimeError("kapot in CR10")
        return DocResult(name, None, "built", lang=ctx.lang)

    def boards(ctxs, boards):  # one job for the signals of several regions: a document each
        ran.append(("+".join(c.region for c in ctxs), "signals"))
        return [DocResult(b["name"], None, "built", kind="signals") for b in boards]

    monkeypatch.setattr(WORKERS, "_by_kind", {"theme": stand_in, "boardpack": stand_in, "signals": boards})
    monkeypatch.setattr(WORKERS, "_of_lanes", {"signals"})
    scheduler = Scheduler(None, None, Observer(), jobs=1)
    ledgers = {}
    for region in ("CR10", "CR12"):
        ledgers[region] = _Ledger()
        ctx = _plan(tmp_path, region).context(tmp_path / region, lane=region)
        on_done = lambda region=region: published.append((region, list(ran)))  # noqa: E731
        scheduler.add_lane(region, ctx, ledgers[region], _Watcher(), on_done)
    signals = [
        (r, Job("signaalbord", "signals", {"boards": [{"name": "signaalbord"}]}, names=["signaalbord"]))
        for r in ("CR10", "CR12")
    ]
    batch = signals_pass(signals)
    assert [(j.name, j.lanes) for j in batch] == [("signals CR10–CR12", ["CR10", "CR12"])]
    scheduler.add(*batch)
    for region in ("CR10", "CR12"):
        scheduler.add(*(Job(n, "theme", {"name": n}, names=[n]) for n in ("wonen", "talent")), lane=region)
        scheduler.defer(
            "bestuursbriefing",
            "boardpack",
            lambda: Job("bestuursbriefing", "boardpack", {"name": "bestuursbriefing"}, names=["bestuursbriefing"]),
            lane=region,
        )
    assert scheduler.to_build("CR12") == [
        ("signaalbord", "signals"),
        ("wonen", "theme"),
        ("talent", "theme"),
        ("bestuursbriefing", "boardpack"),
    ]
    scheduler.run()
    # the first region first (its themes, the signals of both, its pack), then the next
    assert ran == [
        ("CR10", "wonen"),
        ("CR10", "talent"),
        ("CR10+CR12", "signals"),
        ("CR10", "bestuursbriefing"),
        ("CR12", "wonen"),
        ("CR12", "talent"),
        ("CR12", "bestuursbriefing"),
    ]
    # each region is published as soon as its own jobs are done, CR10 before CR12's started
    assert published == [("CR10", ran[:4]), ("CR12", ran)]
    # a failure in one region's notebook is that region's only
    assert (
        ledgers["CR10"].results["wonen"].status == "failed"
        and "kapot in CR10" in ledgers["CR10"].results["wonen"].error
    )
    assert {d.status for d in ledgers["CR12"].results.values()} == {"built"}
    assert set(ledgers["CR12"].results) == {"wonen", "talent", "signaalbord", "bestuursbriefing"}
    assert [s["job"] for s in scheduler.of_lane("CR12")] == ["signals CR10–CR12", "wonen", "talent", "bestuursbriefing"]


def test_the_signals_of_every_region_are_one_job():
    jobs = [
        (f"CR{i:02d}", Job("signaalbord", "signals", {"boards": [{"name": "signaalbord"}]}, names=["signaalbord"]))
        for i in range(1, 6)
    ]
    (one,) = signals_pass(jobs)
    assert one.name == "signals CR01–CR05" and one.lanes == ["CR01", "CR02", "CR03", "CR04", "CR05"]
    assert len(one.args["boards"]) == 5 and one.names == ["signaalbord"] * 5
    assert signals_pass(jobs[:1])[0].name == "signals CR01"
    assert signals_pass([]) == []


def test_a_region_context_says_which_region_its_progress_is():
    plan = _plan(Path("/tmp"), "CR10")
    ctx = plan.context(Path("/tmp/s"), lane="CR10")
    assert ctx.lane == "CR10" and dataclasses.replace(ctx, lane="").lane == ""
