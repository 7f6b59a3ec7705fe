"""Never a worse quarter: preflight, the folder guard, failing documents, a full disk.

Each test is a break of the reliability review (research/reliability-review.md) that the
run at commit 76f2ad5 did not survive. Most run the real plan and run logic with stand-in
workers (no kernel, no PDF: milliseconds); the CLI tests stop before any work.
"""

from __future__ import annotations

import errno
import hashlib
import json
from pathlib import Path

import nbformat
import pytest

from signaal.errors import InputError
from signaal.publish.outcome import BUILT, DocResult
from signaal.run import OutputError, Problems, execute, make_plan
from signaal.run import quarter as quarter_module
from signaal.run.workers import WORKERS

from conftest import signaal


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def theme_notebook(path: Path) -> None:
    cell = nbformat.v4.new_code_cell('region = "CR12"\nquarter = "2026Q3"\nvintage = ""\nlang = "nl"')
    cell.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("print(1)")])
    nb.metadata["signaal"] = {"theme": path.stem}  # a theme of the quarterly run (not a scratch notebook)
    nbformat.write(nb, path)


class StandIns:
    """Workers that write small files at once; ``fail`` maps a document to the error it raises."""

    def __init__(self):
        self.fail: dict[str, BaseException] = {}
        self.made: list[str] = []

    def _doc(self, ctx, name: str, kind: str, files: list[str], what: str) -> DocResult:
        self.made.append(name)
        doc = DocResult(name, None, BUILT, kind=kind, lang=ctx.lang)
        try:
            if name in self.fail:
                raise self.fail[name]
            for rel in files:
                (ctx.staging / rel).parent.mkdir(parents=True, exist_ok=True)
                (ctx.staging / rel).write_text(f"{rel} of {ctx.quarter}")
            doc.outputs = files
        except Exception as exc:
            doc.fail(f"publishing {what}", exc)
        return doc

    def theme(self, ctx, name, notebook, stem):
        doc = self._doc(ctx, name, "theme", [f"{stem}.html", f"notebooks/{stem}.ipynb"], f"{stem}.ipynb")
        doc.notebook = Path(notebook).name
        return doc

    def theme_pdf(self, ctx, name, stem, notebook="", steps=1):
        return self._doc(ctx, name, "theme", [f"{stem}.pdf"], notebook)

    def signals(self, ctxs, boards):  # the signals of one region, or of several in one pass
        return [
            self._doc(ctx, b["name"], "signals", [f"{b['stem']}.html", b["csv_name"], b["json_name"]], "the signals")
            for ctx, b in zip(ctxs, boards, strict=True)
        ]

    def boardpack(self, ctx, name, **_args):
        return self._doc(ctx, name, "boardpack", [f"{name}.pdf", f"{name}.html"], "the board pack")


@pytest.fixture
def stand_ins(monkeypatch):
    workers = StandIns()
    monkeypatch.setattr(
        WORKERS,
        "_by_kind",
        {
            "theme": workers.theme,
            "theme-pdf": workers.theme_pdf,
            "signals": workers.signals,
            "boardpack": workers.boardpack,
        },
    )
    monkeypatch.setattr(quarter_module, "ensure_kernel", lambda: None)
    return workers


@pytest.fixture
def published(tmp_path, stand_ins):
    """A published whole quarter (two themes, the signals, the board pack) and how to run again."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for theme in ("wonen", "talent"):
        theme_notebook(notebooks / f"{theme}.ipynb")
    out = tmp_path / "reports" / "2026Q3"

    def run(**kw):
        plan = make_plan(quarter="2026Q3", notebooks=notebooks, out=out, jobs=1, factsheets="none", **kw)
        return execute(plan)

    first = run()
    assert first.published and first.exit_code == 0 and (out / "bestuursbriefing.pdf").exists()
    return {"out": out, "run": run, "workers": stand_ins, "notebooks": notebooks}


# ---------------------------------------------------------------------------------------
# Break 2 (and B3c): a failing pack or theme never replaces the published quarter
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("failing", ["bestuursbriefing", "wonen"])
def test_a_run_that_loses_a_document_keeps_the_published_quarter_and_sets_itself_aside(published, failing):
    out, before = published["out"], tree(published["out"])
    published["workers"].fail[failing] = RuntimeError("kapot")
    result = published["run"](force=True)
    assert not result.published and result.exit_code == 5 and result.lost == [failing]
    assert tree(out) == before  # the published quarter, byte for byte
    aside = result.out
    assert aside.parent == out.parent and aside.name.startswith(".failed-2026Q3-")
    manifest = json.loads((aside / "manifest.json").read_text("utf-8"))
    assert manifest["published"] is False and manifest["not_published"] == {"kept": str(out), "lost": [failing]}
    assert not list(out.parent.glob(".staging-*")) and not (out.parent / "archive").exists()

    # --allow-partial publishes it all the same (exit 4); the replaced quarter is archived
    result = published["run"](force=True, allow_partial=True)
    assert result.published and result.exit_code == 4
    assert not (out / f"{failing}.pdf").exists() and len(list((out.parent / "archive").iterdir())) == 1


def test_a_failure_of_something_the_published_quarter_lacked_still_publishes(published):
    """Nothing is lost when the failed document was not there before (a new theme): exit 4."""
    theme_notebook(published["notebooks"] / "bereikbaarheid.ipynb")
    published["workers"].fail["bereikbaarheid"] = RuntimeError("kapot")
    result = published["run"]()
    assert result.published and result.exit_code == 4 and result.lost == []
    assert json.loads((published["out"] / "manifest.json").read_text("utf-8"))["status"] == "failed"


# ---------------------------------------------------------------------------------------
# Break 5 (B3): a full disk at any step is one line; the staging folder goes, the quarter stays
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("failing", ["bestuursbriefing", "talent"])
def test_a_full_disk_while_making_a_document_publishes_nothing(published, failing):
    out, before = published["out"], tree(published["out"])
    workers = published["workers"]
    workers.fail[failing] = OSError(errno.ENOSPC, "No space left on device")
    workers.made.clear()
    with pytest.raises(OutputError) as err:
        published["run"](force=True)
    msg = str(err.value)
    assert err.value.exit_code == 6 and "\n" not in msg
    assert (
        msg.startswith(f"no space left on the device of {out.parent} (") and f"MB free) while making {failing}" in msg
    )
    assert f"nothing was published and {out} is as it was" in msg
    assert tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == [".2026Q3.lock", "2026Q3"]  # no staging, nothing aside
    assert workers.made[-1] == failing  # nothing more was started after it


def test_a_full_disk_while_writing_the_manifest_publishes_nothing(published, monkeypatch):
    out, before = published["out"], tree(published["out"])

    def full(folder, manifest):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "manifest.json"))

    monkeypatch.setattr(quarter_module, "write_manifest", full)
    with pytest.raises(OutputError, match=r"no space left on the device of .* while writing .*manifest\.json"):
        published["run"](force=True)
    assert tree(out) == before and not list(out.parent.glob(".staging-*"))


# ---------------------------------------------------------------------------------------
# Break 1 (A80): another quarter or region is refused before any work; a language is added
# ---------------------------------------------------------------------------------------
def test_a_folder_holds_one_quarter_of_one_region_and_its_languages(published):
    out, before = published["out"], tree(published["out"])
    for kw, holds in (
        (dict(quarter="2026Q2"), "this run is for Twente (CR12) 2026Q2"),
        (dict(quarter="2026Q3", region="CR10"), "this run is for Noord-Overijssel (CR10) 2026Q3"),
    ):
        with pytest.raises(Problems) as err:
            make_plan(notebooks=published["notebooks"], out=out, themes="wonen", **kw)
        (problem,) = err.value.problems
        assert problem.startswith(f"output folder {out} holds Twente (CR12) 2026Q3; {holds}")
        assert problem.endswith(
            f"choose another --out (e.g. {out.parent / (kw['quarter'] + '-CR10' * ('region' in kw))})"
        )
    assert tree(out) == before
    english = published["run"](themes="wonen", lang="en")  # English beside the Dutch documents
    assert english.published and (out / "wonen.en.pdf").exists() and (out / "bestuursbriefing.pdf").exists()


def test_mixing_quarters_through_the_cli_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "2026Q3"
    out.mkdir()
    manifest = {"parameters": {"quarter": "2026Q3", "region": "CR12", "lang": "nl"}, "documents": []}
    (out / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    proc = signaal("run", "--quarter", "2026Q2", "--region", "CR10", "--themes", "talent", "--out", str(out))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "holds Twente (CR12) 2026Q3; this run is for Noord-Overijssel (CR10) 2026Q2" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026Q3"] and [p.name for p in out.iterdir()] == [
        "manifest.json"
    ]


# ---------------------------------------------------------------------------------------
# Breaks 2, 7-12: every input problem before any work, all at once
# ---------------------------------------------------------------------------------------
def test_every_input_problem_is_found_before_any_work_and_all_at_once(tmp_path, root):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(root / "data" / "manual", data / "manual")
    shutil.copytree(root / "data" / "sample", data / "sample")
    targets = data / "manual" / "doelen.csv"  # as the review broke it: Windows-1252 with a bad region
    targets.write_bytes(
        targets.read_text("utf-8").replace("CR12", "CR99", 1).replace("Twente", "Twente – één").encode("cp1252")
    )
    btg = data / "manual" / "btg_rapportcijfers.csv"
    btg.write_text(btg.read_text("utf-8").replace("7.1", "zeven", 1), "utf-8")
    (tmp_path / "afile").write_text("not a folder")
    proc = signaal("run", "--data-dir", str(data), "--out", str(tmp_path / "afile" / "2026Q3"))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 3 and all(line.startswith("signaal: error: ") for line in lines)
    assert f"{data / 'manual'}/btg_rapportcijfers.csv line 2: value 'zeven' is not a number" in lines[0]
    assert f"{data / 'manual'}/doelen.csv line 2: region: unknown region 'CR99'" in lines[1]
    assert f"--out {tmp_path / 'afile' / '2026Q3'} cannot be made: {tmp_path / 'afile'} is a file" in lines[2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "data"]  # no staging, no lock, no archive


def test_the_input_is_read_again_only_when_it_or_the_code_changed(tmp_path, root, monkeypatch):
    """A re-run trusts the reading of the curated tables and the vintage that the published run
    made, as long as they and the code that reads them are the same; a table broken since, or a
    data file changed since, is found before any work."""
    import shutil

    from signaal.run import manifest as manifest_module
    from signaal.run.preflight import inputs_fingerprint
    from signaal.sources import manual
    from signaal.store.vintage import Vintage

    data = tmp_path / "data"
    shutil.copytree(root / "data" / "manual", data / "manual")
    shutil.copytree(root / "data" / "sample", data / "sample")
    out = tmp_path / "2026Q3"
    plan = make_plan(quarter="2026Q3", themes="talent", out=out, data_dir=data)
    out.mkdir()
    published = manifest_module.build_manifest(
        plan, [], started="", t0=0.0, schedule=[], not_carried={}, fingerprints={}
    )
    manifest_module.write_manifest(out, published)
    assert published["fingerprints"]["inputs"] == inputs_fingerprint(data, plan.vintage_checksum)

    reads: list[str] = []
    real_load, real_observations = manual.load_manual, Vintage.observations.func

    def observations(vintage):
        reads.append("observations")
        return real_observations(vintage)

    monkeypatch.setattr(
        manual, "load_manual", lambda path, *a, **kw: reads.append(path.name) or real_load(path, *a, **kw)
    )
    monkeypatch.setattr(Vintage, "observations", property(observations))
    make_plan(quarter="2026Q3", themes="talent", out=out, data_dir=data)
    assert reads == []  # read by the published run, unchanged since
    make_plan(quarter="2026Q3", themes="talent", out=out, data_dir=data, force=True)
    assert "observations" in reads and "btg_rapportcijfers.csv" in reads  # --force reads everything again

    btg = data / "manual" / "btg_rapportcijfers.csv"
    saved = btg.read_text("utf-8")
    btg.write_text(saved.replace("7.1", "zeven", 1), "utf-8")
    with pytest.raises(Problems, match="btg_rapportcijfers.csv line 2: value 'zeven' is not a number"):
        make_plan(quarter="2026Q3", themes="talent", out=out, data_dir=data)
    btg.write_text(saved, "utf-8")

    obs = data / "sample" / "observations.csv.gz"
    damaged = bytearray(obs.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF  # one byte damaged since the published run
    obs.write_bytes(bytes(damaged))
    with pytest.raises(Problems, match="vintage 'sample': observations.csv.gz does not match its checksum"):
        make_plan(quarter="2026Q3", themes="talent", out=out, data_dir=data)


@pytest.mark.parametrize(
    "kw, expected",
    [
        (dict(out="/etc/hosts"), "--out /etc/hosts is a file, not a folder"),
        (dict(out="/etc/hosts/x"), "--out /etc/hosts/x cannot be made: /etc/hosts is a file, not a folder"),
        (dict(quarter="1990Q1"), "quarter 1990Q1 is before the data: vintage 'sample' starts at "),
        (dict(vintage="../sample"), "--vintage '../sample' is a path; give the id of a vintage"),
        (dict(timeout=0), "--timeout 0 is not a time limit"),
    ],
)
def test_bad_run_input_is_one_line_and_nothing_written(tmp_path, kw, expected):
    with pytest.raises(InputError) as err:
        make_plan(themes="talent", **{"out": tmp_path / "o", **kw})
    assert expected in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "o").exists()


def test_an_unusable_output_folder_is_named_before_any_work(tmp_path, monkeypatch):
    """Read-only (as a read-only mount is, even for root), a mount point, not enough room."""
    from signaal.periods import Period
    from signaal.run import preflight

    q = Period.parse("2026Q3")
    out = tmp_path / "reports" / "2026Q3"
    out.mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"parameters": {"quarter": "2026Q3", "region": "CR12"}}))
    (out / "big.pdf").write_bytes(b"x" * 300_000)
    real_access = preflight.os.access
    monkeypatch.setattr(
        preflight.os, "access", lambda p, mode: False if Path(p) == out.parent else real_access(p, mode)
    )
    (problem,) = [p for p in preflight.output_problems(out, q, "CR12") if "read-only" in p]
    assert problem == f"--out {out} cannot be written: {out.parent} is read-only; choose another --out"
    monkeypatch.setattr(preflight.os, "access", real_access)

    monkeypatch.setattr(preflight.os.path, "ismount", lambda p: Path(p) == out)
    (problem,) = preflight.output_problems(out, q, "CR12")
    assert problem.startswith(f"--out {out} is a mount point") and problem.endswith(f"e.g. {out / '2026Q3'}")
    monkeypatch.undo()

    class Usage:
        free = 100_000

    monkeypatch.setattr(preflight.shutil, "disk_usage", lambda p: Usage)
    (problem,) = preflight.output_problems(out, q, "CR12")
    assert problem == (
        f"not enough free space for {out}: 0.1 MB free, and its last run took 0.3 MB; "
        "free some space or choose another --out"
    )


def test_a_notebook_without_cell_ids_gives_no_nbformat_warning(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    raw = json.loads(nbformat.writes(nb))
    for cell in raw["cells"]:
        cell.pop("id", None)  # as an older or script-made notebook
    raw["nbformat_minor"] = 5
    raw["metadata"]["signaal"] = {"theme": "schets"}  # marked, so that its missing parameters cell is an error
    (tmp_path / "schets.ipynb").write_text(json.dumps(raw))
    proc = signaal("themes", "--notebooks", str(tmp_path))
    assert proc.returncode == 4 and "MissingIDFieldWarning" not in proc.stderr and proc.stderr.count("\n") == 1


def test_signals_offers_the_themes_that_have_a_briefing():
    proc = signaal("signals", "--theme", "economie")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    valid = proc.stderr.split("valid: ")[1].strip().split(", ")
    assert "economie" not in valid and {"arbeidsmarkt", "wonen"} <= set(valid)  # a catalogue theme, no notebook
