"""Several regions in one run, end to end: real kernels, real PDFs, the local pool and a Dask
LocalCluster on loopback.

Two small theme notebooks (one topic each; ``talent`` cannot do Noord-Overijssel), two
regions, no factsheets: each region's folder must be what a run of that region alone makes,
a notebook that fails in one region fails there only, and the Dask cluster makes the same
documents as the local pool.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from conftest import signaal

pytestmark = pytest.mark.e2e
THEMES = {"wonen": ["woz_waarde"], "talent": ["hoogopgeleiden"]}
REGIONS = ("CR10", "CR12")


def small_theme(source: Path, theme: str, topics: list[str], fails_for: str = "") -> nbformat.NotebookNode:
    """A theme notebook of one topic (``fails_for``: a region its notebook raises for)."""
    nb = nbformat.read(source, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cells = [params]
    if fails_for:
        cells.append(nbformat.v4.new_code_cell(f'assert region != "{fails_for}", "geen cijfers voor {fails_for}"'))
    cells.append(
        nbformat.v4.new_code_cell(
            "from signaal.briefing import Briefing\n"
            f"b = Briefing({theme!r}, region=region, quarter=quarter, vintage=vintage, lang=lang, topics={topics!r})\n"
            "b.cover()\nb.summary()\n" + "".join(f"b.topic({t!r})\n" for t in topics) + "b.sources()"
        )
    )
    nb = nbformat.v4.new_notebook(cells=cells, metadata={**nb.metadata, "signaal": {"theme": theme}})
    return nb


def pdf_text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def statuses(folder: Path) -> dict[str, str]:
    return {d["name"]: d["status"] for d in manifest(folder)["documents"]}


def assert_same_documents(a: Path, b: Path) -> None:
    """Two report folders hold the same documents with the same text and figures."""
    assert files(a) == files(b)
    assert statuses(a) == statuses(b)
    for name in files(a):
        if name.endswith(".pdf"):
            assert pdf_text(a / name) == pdf_text(b / name), name
        elif name.endswith(".csv"):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.fixture(scope="module")
def runs(tmp_path_factory, root):
    base = tmp_path_factory.mktemp("regions")
    notebooks = base / "notebooks"
    notebooks.mkdir()
    source = root / "notebooks" / "arbeidsmarkt.ipynb"
    nbformat.write(small_theme(source, "wonen", THEMES["wonen"]), notebooks / "wonen.ipynb")
    nbformat.write(small_theme(source, "talent", THEMES["talent"], fails_for="CR10"), notebooks / "talent.ipynb")
    common = ("--notebooks", str(notebooks), "--factsheets", "none", "--quarter", "2026Q3")
    together = signaal("run", "--regions", ",".join(REGIONS), "--out", str(base / "alle"), "--jobs", "2", *common)
    alone = signaal("run", "--region", "CR10", "--out", str(base / "CR10-alone"), "--jobs", "2", *common)
    return {"base": base, "common": common, "together": together, "alone": alone}


def test_each_region_folder_is_what_a_run_of_that_region_alone_makes(runs):
    base = runs["base"]
    assert runs["alone"].returncode == 4, runs["alone"].stderr[-2000:]
    assert sorted(p.name for p in (base / "alle").iterdir() if not p.name.startswith(".")) == list(REGIONS)
    assert_same_documents(base / "alle" / "CR10", base / "CR10-alone")
    for region in REGIONS:
        m = manifest(base / "alle" / region)
        assert m["parameters"]["region"] == region and m["parameters"]["quarter"] == "2026Q3"
        assert {"wonen", "talent", "bestuursbriefing", "signaalbord", "index"} == set(statuses(base / "alle" / region))
        assert m["workers"] and all(w["peak_mb"] > 50 for w in m["workers"].values())  # peak memory per worker
    assert "Twente" in " ".join(pdf_text(base / "alle" / "CR12" / "wonen.pdf"))
    assert "Noord-Overijssel" in " ".join(pdf_text(base / "alle" / "CR10" / "wonen.pdf"))
    # the signals of both regions came from one job (one pass over the indicators)
    jobs = {s["job"] for s in manifest(base / "alle" / "CR12")["schedule"] if s["kind"] == "signals"}
    assert jobs == {s["job"] for s in manifest(base / "alle" / "CR10")["schedule"] if s["kind"] == "signals"}


def test_a_notebook_that_fails_in_one_region_fails_there_only(runs):
    proc, base = runs["together"], runs["base"]
    assert proc.returncode == 4, proc.stderr[-3000:]  # published, one document failed
    errors = [line for line in proc.stderr.splitlines() if line.startswith("signaal: error:")]
    assert len(errors) == 1 and errors[0].startswith("signaal: error: CR10: notebook talent.ipynb failed in cell")
    assert "geen cijfers voor CR10" in errors[0]
    assert statuses(base / "alle" / "CR10")["talent"] == "failed"
    assert set(statuses(base / "alle" / "CR12").values()) == {"built"}
    pack = " ".join(pdf_text(base / "alle" / "CR10" / "bestuursbriefing.pdf"))
    assert "Het thema Talent ontbreekt in deze bestuursbriefing" in pack
    # progress: a line per region as its folder is published, then the regions and the total
    assert "CR10 Noord-Overijssel" in proc.stderr and "CR12 Twente" in proc.stderr
    assert "wrote 2 region folder(s)" in proc.stderr and "per minute" in proc.stderr


def test_a_rerun_of_several_regions_reuses_what_did_not_change(runs):
    base = runs["base"]
    again = base / "again"
    shutil.copytree(base / "alle", again)
    proc = signaal("run", "--regions", ",".join(REGIONS), "--out", str(again), *runs["common"])
    assert proc.returncode == 4, proc.stderr[-2000:]
    assert statuses(again / "CR12") == {n: "reused" for n in statuses(base / "alle" / "CR12")}
    cr10 = statuses(again / "CR10")
    assert cr10.pop("talent") == "failed" and set(cr10.values()) == {"reused"}  # a failed notebook runs again


def test_on_a_dask_cluster_the_regions_get_the_same_documents_as_on_the_local_pool(runs):
    from distributed import LocalCluster

    base = runs["base"]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        env = {"SIGNAAL_DASK_SCHEDULER": cluster.scheduler_address}  # as --scheduler
        proc = signaal("run", "--regions", ",".join(REGIONS), "--out", str(base / "dask"), *runs["common"], env=env)
    assert proc.returncode == 4, proc.stderr[-3000:]
    assert f"Dask worker slot(s) at {cluster.scheduler_address}" in proc.stderr
    for region in REGIONS:
        assert_same_documents(base / "dask" / region, base / "alle" / region)
        m = manifest(base / "dask" / region)
        assert m["executor"]["kind"] == "dask" and m["executor"]["workers"] == 2
        assert all(":" in s["worker"] and os.getpid() != int(s["worker"].split(":")[1]) for s in m["schedule"])
