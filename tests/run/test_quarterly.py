"""The quarterly production run, end to end: real CLI, real kernels, real PDFs.

The notebooks are built here in a temporary folder (a copy of ``arbeidsmarkt.ipynb`` and
two theme variants made from it), so the tests do not depend on which theme notebooks
happen to be in ``notebooks/``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from pypdf import PdfReader

from signaal import formatting as fmt
from signaal.indicators.data import Data
from signaal.publish.subjects import slugify
from signaal.regions import registry
from signaal.run import Observer, execute, make_plan

from conftest import BIN, signaal

pytestmark = pytest.mark.e2e
WATERMARK = "VOORBEELDDATA — geen officiële cijfers"
VARIANTS = {
    "wonen": ["woningvoorraad", "woz_waarde"],
    "brede-welvaart": ["btg_rapportcijfer", "mediaan_inkomen"],
}
SIGNALS_AVAILABLE = importlib.util.find_spec("signaal.signals") is not None


def theme_variant(source: Path, theme: str, topics: list[str]) -> nbformat.NotebookNode:
    """A theme notebook like the analysts write: the same parameters cell, other topics."""
    nb = nbformat.read(source, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cells = [
        params,
        nbformat.v4.new_code_cell(
            "from signaal.briefing import Briefing\n"
            f"b = Briefing({theme!r}, region=region, quarter=quarter, vintage=vintage, lang=lang, topics={topics!r})\n"
            "b.cover()"
        ),
        nbformat.v4.new_code_cell("b.summary()"),
    ]
    cells += [nbformat.v4.new_code_cell(f"b.topic({t!r})") for t in topics]
    cells.append(nbformat.v4.new_code_cell("b.sources()"))
    out = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    return out


def make_notebooks(folder: Path, root: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(root / "notebooks" / "arbeidsmarkt.ipynb", folder)
    for theme, topics in VARIANTS.items():
        nbformat.write(
            theme_variant(root / "notebooks" / "arbeidsmarkt.ipynb", theme, topics), folder / f"{theme}.ipynb"
        )
    return folder


def pdf_pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def statuses(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return {d["name"]: d["status"] for d in manifest["documents"]}


@pytest.fixture(scope="session")
def quarter(tmp_path_factory, root):
    """One whole quarter, cold: three themes, the board pack, 14 factsheets, the index."""
    base = tmp_path_factory.mktemp("quarter")
    notebooks = make_notebooks(base / "notebooks", root)
    out = base / "reports" / "2026Q3"
    proc = signaal("run", "--quarter", "2026Q3", "--notebooks", str(notebooks), "--out", str(out), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"out": out, "notebooks": notebooks, "proc": proc, "base": base}


# ---------------------------------------------------------------------------------------
# The whole quarter
# ---------------------------------------------------------------------------------------
def test_whole_quarter_writes_every_output(quarter):
    out = quarter["out"]
    for theme in ("arbeidsmarkt", "wonen", "brede-welvaart"):
        assert (out / f"{theme}.pdf").stat().st_size > 10_000
        assert (out / f"{theme}.html").exists() and (out / "notebooks" / f"{theme}.ipynb").exists()
    for name in ("bestuursbriefing.pdf", "bestuursbriefing.html", "index.html", "indicators.csv", "manifest.json"):
        assert (out / name).is_file(), name
    assert (out / "signals.csv").is_file() == (out / "signaalbord.html").is_file() == SIGNALS_AVAILABLE
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "ok" and manifest["parameters"]["whole_quarter"] is True
    assert {d["status"] for d in manifest["documents"]} == {"built"}
    assert not list(out.parent.glob(".staging-*"))
    # progress and the summary table are in the run's output (a log here: no terminal)
    assert "bestuursbriefing" in quarter["proc"].stderr and "factsheets (14)" in quarter["proc"].stderr


def test_one_factsheet_per_municipality_of_the_focus_region(quarter):
    out = quarter["out"]
    reg = registry()
    municipalities = reg.children("CR12", "gemeente")
    assert len(municipalities) == 14
    expected = {f"{c}-{slugify(reg[c].name_nl)}.pdf" for c in municipalities}
    assert {p.name for p in (out / "gemeenten").glob("*.pdf")} == expected
    assert "GM0153-enschede.pdf" in expected
    for pdf in (out / "gemeenten").glob("*.pdf"):
        reader = PdfReader(str(pdf))
        assert len(reader.pages) == 1, pdf.name
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_factsheet_shows_the_municipality_against_region_and_nl_in_dutch(quarter):
    text = pdf_pages(quarter["out"] / "gemeenten" / "GM0153-enschede.pdf")[0]
    data = Data.open()
    table = data.table("werkloosheid", ["GM0153", "CR12", "NL01"], up_to="2026Q3").dropna()
    last = table.index[-1]
    for code in ("GM0153", "CR12", "NL01"):
        assert fmt.percent(table.at[last, code], 1) in text  # e.g. 3,5% (a comma, Dutch)
    assert "Enschede" in text and "Twente" in text and "Nederland" in text
    assert WATERMARK in text and "Bron" in text and "86088NED" in text


def test_the_run_on_the_bundled_data_shows_real_maps_and_real_jobs(quarter):
    """Real 2023 boundaries make every map a choropleth out of the box; Twente's employee jobs are
    the real CBS figures, cited with their table; the manifest says which indicators are real."""
    wonen = " ".join(pdf_pages(quarter["out"] / "wonen.pdf"))
    assert "Grenzen 2023: CBS wijk- en buurtkaart (PDOK), vereenvoudigd" in wonen
    assert "Schematische tegelkaart" not in wonen
    jobs = next(
        p
        for p in pdf_pages(quarter["out"] / "arbeidsmarkt.pdf")
        if "Hoeveel banen van werknemers telt Twente?" in p and "Toelichting" in p
    )
    assert "320.400 in Twente" in jobs and "Bron: CBS StatLine, tabel 83582NED; echte cijfers" in jobs
    assert WATERMARK not in jobs
    manifest = json.loads((quarter["out"] / "manifest.json").read_text("utf-8"))
    assert manifest["vintage"]["is_sample"] and "banen_werknemers" in manifest["vintage"]["real_indicators"]
    assert "werkloosheid" not in manifest["vintage"]["real_indicators"]


def test_board_pack_contents_page_numbers_match_its_pages(quarter):
    pages = pdf_pages(quarter["out"] / "bestuursbriefing.pdf")
    n = len(pages)
    contents = next(i for i, p in enumerate(pages) if "Inhoud" in p)
    # the cover, the front pages ("In één oogopslag", the targets), then the contents
    front = [p.replace(WATERMARK, "").strip() for p in pages[1:3]]
    assert front[0].startswith("In één oogopslag") and front[1].startswith("Doelen van de board")
    assert contents in (3, 4) and all("Inhoud" not in p for p in pages[1:contents])
    entries, where = [], set()
    for i, page in enumerate(PdfReader(str(quarter["out"] / "bestuursbriefing.pdf")).pages):
        found = [
            (m.group(1).strip(), int(m.group(2)))
            for m in re.finditer(r"^(.+?)\s*\.{3,}\s*(\d+)\s*$", page.extract_text(), re.M)
        ]
        entries += found
        where |= {i} if found else set()
    assert where and min(where) == contents and sorted(where) == list(range(contents, max(where) + 1))
    titles = [e[0] for e in entries]
    assert titles[0] == "Signaalbord" and titles[1] == "Brede welvaart (Bruto Twents Geluk)"
    assert titles[-2:] == ["Bronnen", "Verantwoording: hoe de signalen tot stand komen"]
    assert "Arbeidsmarkt" in titles and "Wonen" in titles and "Hoeveel Twentenaren werken?" in titles
    assert [t for t in titles if t in ("Arbeidsmarkt", "Wonen")] == ["Arbeidsmarkt", "Wonen"]  # catalogue order
    numbers = [e[1] for e in entries]
    assert numbers == sorted(numbers) and numbers[-1] <= n
    for title, page in entries:
        assert title in pages[page - 1], f"contents says {title!r} is on page {page}"
    # continuous page numbers; the watermark on every page but those with real figures only
    real = [i for i, page in enumerate(pages, 1) if "echte cijfers" in page and "voorbeelddata" not in page]
    assert real  # the employee jobs are real CBS figures
    for i, page in enumerate(pages, 1):
        assert f"Pagina {i} van {n}" in page and "Twente Board · Signaal" in page
        assert (WATERMARK in page) == (i not in real), f"page {i}: the watermark is wrong"
    assert "Bestuursbriefing" in pages[0] and "3e kwartaal 2026" in pages[0]
    board = pages[dict(entries)["Signaalbord"] - 1]
    if SIGNALS_AVAILABLE:  # the strongest signals, with their numbers, from signals.csv
        signals = pd.read_csv(quarter["out"] / "signals.csv")
        assert "Urgenties" in board or "Kansen" in board
        strongest = signals.sort_values("rank").iloc[0]
        assert " ".join(str(strongest.sentence_nl).split())[:40] in board
    else:
        assert "Het signaalbord ontbreekt" in board


def test_board_pack_is_one_archival_tagged_document_with_merged_sources(quarter):
    reader = PdfReader(str(quarter["out"] / "bestuursbriefing.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and "/OutputIntents" in root  # tagged, with an sRGB intent
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    pages = pdf_pages(quarter["out"] / "bestuursbriefing.pdf")
    sources = " ".join(
        pages[next(i for i, p in enumerate(pages) if p.startswith("Bronnen") or " Bronnen Alle cijfers" in p) :]
    )
    for title in ("Werkloosheid", "Woningvoorraad", "Mediaan besteedbaar huishoudensinkomen"):
        assert title in sources, title
    # themes' topic pages are all in the pack, once (brede welvaart as its own page, not repeated)
    html = (quarter["out"] / "bestuursbriefing.html").read_text("utf-8")
    topics = re.findall(r'<section class="topic(?: real-figures)?(?: compact)?" id="([^"]+)"', html)
    assert len(topics) == len(set(topics)) == 2 + 2 + 7  # wonen, brede welvaart, arbeidsmarkt
    assert topics[0] == "brede-welvaart-topic-btg_rapportcijfer"  # the broad-welfare page comes first
    refs, ids = references(html)
    all_ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(all_ids) == len(set(all_ids)), sorted({i for i in all_ids if all_ids.count(i) > 1})[:10]
    internal = [url[1:] for _, url in refs if url.startswith("#")] + re.findall(r"url\(#([^)]+)\)", html)
    assert len(internal) > 20
    for target in internal:
        assert target in ids, f"bestuursbriefing.html: #{target} points nowhere"


def test_indicators_csv_is_tidy_and_matches_the_data(quarter):
    table = pd.read_csv(quarter["out"] / "indicators.csv", dtype={"period": str})
    assert {"indicator", "region", "period", "value", "unit", "source", "role"} <= set(table.columns)
    assert not table.duplicated(["indicator", "region", "period"]).any()
    roles = table.groupby("region")["role"].first()
    assert (
        roles["CR12"] == "focus"
        and roles["GM0153"] == "gemeente"
        and roles["NL01"] == "land"
        and roles["PV23"] == "provincie"
    )
    data = Data.open()
    expected = data.table("werkloosheid", ["CR12"]).dropna()
    row = table[(table.indicator == "werkloosheid") & (table.region == "CR12") & (table.period == expected.index[-1])]
    assert float(row.value.iloc[0]) == pytest.approx(float(expected["CR12"].iloc[-1]), rel=1e-5)
    assert {"woningvoorraad", "btg_rapportcijfer", "netto_arbeidsparticipatie"} <= set(table.indicator)
    text = pd.read_csv(quarter["out"] / "indicators.csv", dtype=str)
    assert text["value"].str.fullmatch(r"-?\d+(\.\d+)?").all(), text.loc[
        ~text["value"].str.fullmatch(r"-?\d+(\.\d+)?"), "value"
    ].head()
    stored = table.merge(data.observations, on=["indicator", "region", "period"], suffixes=("", "_data"))
    assert len(stored) > 1000 and (stored["value"] == stored["value_data"]).all()  # every digit


# ---------------------------------------------------------------------------------------
# Incremental
# ---------------------------------------------------------------------------------------
def test_rerun_without_changes_reuses_and_changing_one_notebook_rebuilds_it_and_the_pack(quarter, tmp_path):
    notebooks = tmp_path / "notebooks"
    shutil.copytree(quarter["notebooks"], notebooks)
    out = tmp_path / "reports" / "2026Q3"
    shutil.copytree(quarter["out"], out)
    before = tree_digest(out)

    # the command, reporting which heavy packages its own process loaded: deciding that nothing
    # changed needs none of the data stack, the notebook machinery or WeasyPrint (their imports
    # were most of the time of such a re-run)
    report = (
        "import atexit, sys; atexit.register(lambda: print('loaded:', [m for m in "
        "('pandas', 'numpy', 'jupyter_client', 'papermill', 'weasyprint', 'matplotlib') if m in sys.modules], "
        "file=sys.stderr)); sys.argv[0] = 'signaal'; from signaal.cli import main; main()"
    )
    proc = subprocess.run(
        [str(BIN / "python"), "-c", report, "run", "--notebooks", str(notebooks), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "nothing changed: kept" in proc.stderr and "(0 built, " in proc.stderr
    assert "loaded: []" in proc.stderr
    assert set(statuses(out).values()) == {"reused"}
    # the published folder is up to date: kept as it was (index included; the manifest records
    # this run), and no copy of it in the archive (a cron job re-running an unchanged quarter
    # adds nothing)
    assert {k: v for k, v in tree_digest(out).items() if k != "manifest.json"} == {
        k: v for k, v in before.items() if k != "manifest.json"
    }
    assert not (tmp_path / "reports" / "archive").exists()

    nb = nbformat.read(notebooks / "wonen.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("Nieuw: een opmerking van de analist."))
    nbformat.write(nb, notebooks / "wonen.ipynb")
    (out / "gemeenten" / "GM0141-almelo.pdf").write_bytes(b"not a pdf")  # a damaged output is rebuilt too
    proc = signaal("run", "--notebooks", str(notebooks), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    built = {name for name, status in statuses(out).items() if status == "built"}
    # the index too: it shows the first pages of the rebuilt documents
    assert built == {"wonen", "bestuursbriefing", "gemeenten/GM0141-almelo", "index"}
    assert "Nieuw: een opmerking van de analist." in " ".join(pdf_pages(out / "bestuursbriefing.pdf"))
    assert (out / "gemeenten" / "GM0141-almelo.pdf").read_bytes().startswith(b"%PDF")


def test_a_run_of_one_theme_in_english_keeps_the_published_quarter(quarter, tmp_path):
    out = tmp_path / "reports" / "2026Q3"
    shutil.copytree(quarter["out"], out)
    before = tree_digest(out)

    proc = signaal(
        "run", "--themes", "wonen", "--lang", "en", "--notebooks", str(quarter["notebooks"]), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = tree_digest(out)
    kept = {k: v for k, v in before.items() if k not in ("manifest.json", "index.html")}
    assert {k: after.get(k) for k in kept} == kept  # the board pack, themes, factsheets, signals, CSVs: all there
    assert {"wonen.en.pdf", "wonen.en.html", "notebooks/wonen.en.ipynb"} <= set(after)
    assert "Housing" in " ".join(pdf_pages(out / "wonen.en.pdf"))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    status = {d["name"]: d["status"] for d in manifest["documents"]}
    assert status.pop("wonen.en") == "built" and status.pop("index") == "built"
    assert set(status.values()) == {"carried"} and {"wonen", "bestuursbriefing", "gemeenten/GM0153-enschede"} <= set(
        status
    )
    listed = {o for d in manifest["documents"] for o in d["outputs"]}
    assert listed | {"manifest.json"} == set(after)  # the manifest says what the folder holds
    index = (out / "index.html").read_text("utf-8")
    assert 'lang="nl"' in index and "Wonen (Engels)" in index and 'href="wonen.en.pdf"' in index
    for href in ("bestuursbriefing.pdf", "wonen.pdf", "gemeenten/GM0153-enschede.pdf", "indicators.csv"):
        assert f'href="{href}"' in index, href

    # the next whole Dutch quarter reuses its own documents and keeps the English one
    proc = signaal("run", "--notebooks", str(quarter["notebooks"]), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    status = statuses(out)
    assert status["wonen.en"] == "carried" and status["bestuursbriefing"] == "reused"
    assert tree_digest(out)["wonen.en.pdf"] == after["wonen.en.pdf"]


# ---------------------------------------------------------------------------------------
# Failures, rejected notebooks, interruption
# ---------------------------------------------------------------------------------------
def test_failing_notebook_among_good_ones_a_broken_theme_and_a_scratch_notebook(tmp_path, root):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    good = theme_variant(root / "notebooks" / "arbeidsmarkt.ipynb", "wonen", VARIANTS["wonen"])
    nbformat.write(good, notebooks / "wonen.ipynb")
    good.cells.insert(3, nbformat.v4.new_code_cell('raise ValueError("kapotte cel")'))
    nbformat.write(good, notebooks / "bereikbaarheid.ipynb")
    bare = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('geen parameters')")])
    nbformat.write(bare, notebooks / "schets.ipynb")  # scratch work: not marked as a theme
    bare.metadata["signaal"] = {"theme": "kapot"}
    nbformat.write(bare, notebooks / "kapot.ipynb")  # marked as a theme, but it cannot run as one
    out = tmp_path / "2026Q3"
    proc = signaal("run", "--notebooks", str(notebooks), "--out", str(out), "--jobs", "2", "--factsheets", "none")
    assert proc.returncode == 4
    errors = [line for line in proc.stderr.splitlines() if line.startswith("signaal: error:")]
    assert len(errors) == 2, proc.stderr
    failed = next(e for e in errors if "bereikbaarheid.ipynb" in e)
    assert "cell" in failed and "ValueError: kapotte cel" in failed
    broken = next(e for e in errors if "kapot.ipynb" in e)
    assert "no cell tagged 'parameters'" in broken
    assert "schets (not marked as a theme)" in proc.stderr and "schets.ipynb" not in " ".join(errors)
    assert (out / "notebooks" / "bereikbaarheid.ipynb").exists()  # kept for debugging
    assert not (out / "bereikbaarheid.pdf").exists() and not (out / "bereikbaarheid.html").exists()
    assert (out / "wonen.pdf").exists() and (out / "bestuursbriefing.pdf").exists()
    assert statuses(out) == {
        "wonen": "built",
        "bereikbaarheid": "failed",
        "kapot": "rejected",
        "bestuursbriefing": "built",
        "index": "built",
        **({"signaalbord": "built"} if SIGNALS_AVAILABLE else {}),
    }
    pack = " ".join(pdf_pages(out / "bestuursbriefing.pdf"))
    assert "Het thema Bereikbaarheid ontbreekt in deze bestuursbriefing: er ging iets mis bij het maken" in pack
    for developer_text in ("schets", "kapot", "ValueError", "failed", "cell", "signaal.signals", "is missing"):
        assert developer_text not in pack, developer_text
    index = (out / "index.html").read_text("utf-8")  # the details are for the analysts
    assert "kapotte cel" in index and 'href="notebooks/bereikbaarheid.ipynb"' in index and "schets" not in index
    # `signaal themes` says the same about the folder
    proc = signaal("themes", "--notebooks", str(notebooks))
    listed = {line.split("\t")[0]: line.split("\t")[1] for line in proc.stdout.splitlines()}
    assert listed == {"wonen": "theme", "bereikbaarheid": "theme", "kapot": "broken", "schets": "unmarked"}
    assert proc.returncode == 4 and "not a theme: notebook kapot.ipynb has no cell tagged 'parameters'" in proc.stderr


def test_one_job_builds_everything_in_this_process_with_progress(quarter, tmp_path, monkeypatch):
    """``--jobs 1``: no worker processes; papermill runs here and reports every cell."""

    class Watcher(Observer):
        def __init__(self):
            self.progress, self.done = [], []

        def advanced(self, name, done, total, phase):
            self.progress.append((name, phase))

        def finished(self, doc):
            self.done.append((doc.name, doc.status))

    watcher = Watcher()
    plan = make_plan(quarter="2026Q3", themes="wonen", notebooks=quarter["notebooks"], out=tmp_path / "2026Q3", jobs=1)
    monkeypatch.setenv("SIGNAAL_DATA_DIR", str(plan.data_dir))  # the run sets it in this process; undone after
    result = execute(plan, progress=watcher)
    assert result.ok and watcher.done == [("wonen", "built"), ("index", "built")]
    assert [s["job"] for s in result.manifest["schedule"]] == ["wonen", "wonen (pdf)"]
    phases = [phase for name, phase in watcher.progress if name == "wonen"]
    assert phases[0] == "kernel" and phases.count("cells") >= 4 and phases[-2:] == ["pdf", "done"]
    assert "Wonen" in " ".join(pdf_pages(tmp_path / "2026Q3" / "wonen.pdf"))


def test_a_killed_run_leaves_the_published_quarter_intact(quarter, tmp_path):
    out = tmp_path / "reports" / "2026Q3"
    shutil.copytree(quarter["out"], out)
    before = tree_digest(out)
    proc = subprocess.Popen(
        [str(BIN / "signaal"), "run", "--force", "--notebooks", str(quarter["notebooks"]), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # mid-run: a staging folder with its first outputs
            staged = list(out.parent.glob(".staging-*/**/*.pdf")) + list(
                out.parent.glob(".staging-*/notebooks/*.ipynb")
            )
            if staged:
                break
            assert proc.poll() is None, "the run ended before it could be interrupted"
            time.sleep(0.05)
        else:
            pytest.fail("no staging output appeared")
        proc.send_signal(signal.SIGKILL)  # the run itself, as a crash or kill -9 would
        proc.wait(timeout=30)
        time.sleep(0.5)
    finally:
        with pytest.raises(ProcessLookupError):  # its workers ended with it
            _kill_group_if_alive(proc.pid)
    assert tree_digest(out) == before
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert list(out.parent.glob(".staging-*")), "the interrupted run's staging folder is left behind"

    proc = signaal("run", "--notebooks", str(quarter["notebooks"]), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "removed .staging-2026Q3." in proc.stderr
    assert not list(out.parent.glob(".staging-*"))
    assert set(statuses(out).values()) == {"reused"}


def _kill_group_if_alive(pgid: int) -> None:
    """Kill what is left of the process group; raise ProcessLookupError when nothing is."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            raise
        time.sleep(0.2)
    os.killpg(pgid, signal.SIGKILL)  # still there after 10 s: clean up, and fail


# ---------------------------------------------------------------------------------------
# The quarter's index.html in a real browser
# ---------------------------------------------------------------------------------------
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


@pytest.fixture(scope="session")
def chromium(tmp_path_factory) -> str:
    """Debian's chromium; installed with apt-get when it is missing and we are root."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            env=env,
            capture_output=True,
            timeout=900,
        )
        found = shutil.which("chromium")
    if not found:
        pytest.skip(
            "headless Chromium is not installed and cannot be installed here "
            "(needs root and apt-get: `apt-get install chromium`)"
        )
    return found


def dump_dom(chromium: str, page: Path, profile: Path) -> str:
    proc = subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "<body" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


def references(dom: str) -> tuple[list[tuple[str, str]], set[str]]:
    """(tag, url) of every href/src in a DOM, and the ids it has."""
    from html.parser import HTMLParser

    refs, ids = [], set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("href", "src", "xlink:href", "poster", "data") and value:
                    refs.append((tag, value))
                if name == "id" and value:
                    ids.add(value)

    Collect().feed(dom)
    return refs, ids


def test_index_opens_in_headless_chromium_and_every_link_resolves(quarter, chromium, tmp_path):
    from urllib.parse import unquote, urlparse

    out = quarter["out"]
    dom = dump_dom(chromium, out / "index.html", tmp_path / "profile")
    assert "Twente · 3e kwartaal 2026" in dom and WATERMARK in dom
    refs, ids = references(dom)
    targets = {unquote(urlparse(url).path) for tag, url in refs if tag == "a"}
    expected = {"bestuursbriefing.pdf", "bestuursbriefing.html", "indicators.csv", "manifest.json"}
    expected |= {f"{t}.{ext}" for t in ("arbeidsmarkt", "wonen", "brede-welvaart") for ext in ("pdf", "html")}
    expected |= {f"gemeenten/{p.name}" for p in (out / "gemeenten").glob("*.pdf")}
    assert expected <= targets
    pages = [out / "index.html"]
    for page in pages + [out / t for t in sorted(targets) if t.endswith(".html")]:
        if page != pages[0]:
            refs, ids = references(dump_dom(chromium, page, tmp_path / "profile"))
        for tag, url in refs:
            parsed = urlparse(url)
            assert parsed.scheme in ("", "file", "data"), f"{page.name} loads {url} from outside"
            if parsed.scheme == "data":
                continue
            if not parsed.path:  # an anchor in the same page
                assert parsed.fragment in ids, f"{page.name}: #{parsed.fragment} points nowhere"
                continue
            path = Path(unquote(parsed.path)) if parsed.scheme == "file" else page.parent / unquote(parsed.path)
            assert path.is_file(), f"{page.name}: {tag} {url} does not resolve"


def screenshot(chromium: str, page: Path, png: Path, width: int, profile: Path) -> None:
    proc = subprocess.run(
        [
            chromium,
            *CHROMIUM_FLAGS,
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={width},2400",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and png.is_file(), proc.stderr[-2000:]


def test_index_is_a_page_to_open_first_at_desk_and_phone_width(quarter, chromium, tmp_path):
    """Issue 13: the key message and the top signals first, each with its topic and figures;
    a picture of each document's first page; the factsheets by name; the signal board links
    back. Screenshots at desktop and phone width are kept in the test's folder."""
    from PIL import Image

    out = quarter["out"]
    dom = dump_dom(chromium, out / "index.html", tmp_path / "profile")
    assert dom.index("Kernboodschap") < dom.index("Documenten") < dom.index("Factsheets")
    assert re.search(r"Twente in het 3e kwartaal 2026: urgenties bij \d+ onderwerpen, kansen bij \d+\.", dom)
    signals = re.findall(r'<li><span class="kind kind-(?:urgentie|kans)">.*?</li>', dom, flags=re.S)
    glance = json.loads((out / "signals.json").read_text("utf-8"))["meta"]["glance"]  # "In één oogopslag"
    assert len(signals) == len(glance["urgentie"]) + len(glance["kans"]) >= 3  # the pack's front, no other
    assert f"urgenties bij {len(glance['urgentie'])} onderwerpen, kansen bij {len(glance['kans'])}." in dom
    for item in signals:
        hrefs = re.findall(r'href="([^"]+)"', item)
        assert any(h.split("#")[0].endswith(".html") and "#" in h for h in hrefs), item  # its topic
        assert "indicators.csv" in hrefs, item  # its figures
    images = re.findall(r'<img src="([^"]+)"', dom)
    themes = {p.stem for p in out.glob("*.pdf")} - {"bestuursbriefing"}
    assert sorted(images) == sorted(f"thumbs/{name}.png" for name in [*themes, "bestuursbriefing"])
    for src in images:
        with Image.open(out / src) as im:
            assert im.width == 320 and im.height > 400  # an A4 page, not an icon
    names = [
        re.sub(r"<[^>]+>", "", li).strip()
        for li in re.findall(r"<li>(.*?)</li>", dom.split('class="factsheets"')[1].split("</ul>")[0])
    ]
    assert len(names) == 14 and names == sorted(names, key=str.lower)
    board = dump_dom(chromium, out / "signaalbord.html", tmp_path / "profile")
    assert 'href="index.html"' in board
    for width in (1280, 390):
        png = tmp_path / f"index-{width}.png"
        screenshot(chromium, out / "index.html", png, width, tmp_path / "profile")
        with Image.open(png) as im:
            assert im.width == width
            grey = im.convert("L")
            assert grey.getextrema()[0] < 100  # text was drawn


def test_earlier_quarters_and_replaced_runs_are_listed(tmp_path):
    from signaal.publish.index_parts import earlier_quarters

    for folder in ("2026Q3", "2026Q2", "2025Q4", "archive/2026Q3-20261128T101500", "notes"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "index.html").write_text("x")
    (tmp_path / "2026Q1").mkdir()  # no index: a half-made folder is not offered
    listed = earlier_quarters(tmp_path, "2026Q3", "nl")
    assert [(q.label, q.href) for q in listed] == [
        ("2e kwartaal 2026", "../2026Q2/index.html"),
        ("4e kwartaal 2025", "../2025Q4/index.html"),
        ("3e kwartaal 2026", "../archive/2026Q3-20261128T101500/index.html"),
    ]
    assert listed[-1].note == "(vervangen run van 28-11-2026 10:15)"


# ---------------------------------------------------------------------------------------
# Scratch notebooks and notebooks of the analyst's own (issue 14)
# ---------------------------------------------------------------------------------------
def test_a_scratch_notebook_does_not_change_the_quarter_or_its_exit_code(quarter, tmp_path):
    """An experiment in notebooks/ that is not marked as a theme (and would fail if run) is
    left alone: the whole quarter still succeeds, and nothing is rebuilt for it."""
    notebooks = tmp_path / "notebooks"
    shutil.copytree(quarter["notebooks"], notebooks)
    scratch = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("region = 'CR12'\nquarter = ''", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("raise ValueError('half af')"),
        ]
    )
    nbformat.write(scratch, notebooks / "eigen.ipynb")
    out = tmp_path / "reports" / "2026Q3"
    shutil.copytree(quarter["out"], out)
    proc = signaal("run", "--notebooks", str(notebooks), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "left out of the quarter: eigen (not marked as a theme)" in proc.stderr
    assert "signaal: error" not in proc.stderr and "eigen" not in statuses(out)
    assert set(statuses(out).values()) == {"reused"}


def test_a_notebook_with_only_region_and_quarter_publishes_its_own_figure(quarter, tmp_path):
    """A notebook of the analyst's own: two parameters, no Briefing, a pandas/matplotlib chart
    of ``signaal.frame``. Named with --themes it runs without the mark, in Dutch only; its PDF
    has its figure, its first heading as title, and the run's watermark and masthead."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# WOZ-waarde in beeld\n\nEen eigen analyse."),
            nbformat.v4.new_code_cell('region = "CR12"\nquarter = ""', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "import matplotlib.pyplot as plt\nimport signaal\n\n"
                'df = signaal.frame("woz_waarde", [region, "NL01"], up_to=quarter or None)\n'
                'df.pivot(index="period", columns="region_name", values="value").plot(title="WOZ-waarde")\n'
                "plt.show()"
            ),
        ],
        metadata={"kernelspec": {"name": "signaal", "display_name": "Signaal (Python 3)", "language": "python"}},
    )
    nbformat.write(nb, notebooks / "eigen.ipynb")
    out = tmp_path / "reports" / "2026Q3"
    shutil.copytree(quarter["out"], out)
    english = signaal("run", "--notebooks", str(notebooks), "--themes", "eigen", "--lang", "en", "--out", str(out))
    assert english.returncode == 2 and "publishes in Dutch only" in english.stderr
    proc = signaal("run", "--notebooks", str(notebooks), "--themes", "eigen", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert statuses(out)["eigen"] == "built" and statuses(out)["wonen"] == "carried"
    executed = nbformat.read(out / "notebooks" / "eigen.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"] == {"region": "CR12", "quarter": "2026Q3"}
    reader = PdfReader(str(out / "eigen.pdf"))
    assert any(page.images for page in reader.pages)  # the analyst's own matplotlib figure
    text = " ".join(pdf_pages(out / "eigen.pdf"))
    assert "WOZ-waarde in beeld" in text and WATERMARK in text and "Twente Board" in text
    html = (out / "eigen.html").read_text("utf-8")
    assert "<title>WOZ-waarde in beeld · Twente · 3e kwartaal 2026</title>" in html
