"""End to end: the real CLI, real kernels, real nbconvert exporters, a real PDF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from conftest import BIN, ROOT, signaal

pytestmark = pytest.mark.e2e
WATERMARK = "VOORBEELDDATA — geen officiële cijfers"
QUESTIONS = [
    "Hoeveel Twentenaren werken?",
    "Hoeveel procent van de beroepsbevolking in Twente is werkloos?",
    "Hoeveel banen van werknemers telt Twente?",
    "Hoeveel vacatures staan er open in Overijssel?",
    "Hoe krap is de arbeidsmarkt in Overijssel?",
]


def pdf_pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def test_run_writes_pdf_html_manifest_and_executed_notebook(run_dir):
    assert (run_dir / "arbeidsmarkt.pdf").stat().st_size > 20_000
    assert (run_dir / "arbeidsmarkt.html").exists()
    assert (run_dir / "notebooks" / "arbeidsmarkt.ipynb").exists()
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["parameters"]["quarter"] == "2026Q3"
    assert manifest["parameters"]["region"] == "CR12"
    assert manifest["vintage"]["id"] == "sample" and len(manifest["vintage"]["checksum"]) == 64
    assert {"papermill", "nbconvert", "weasyprint", "pandas"} <= set(manifest["packages"])
    assert manifest["documents"][0]["status"] == "built"
    assert manifest["documents"][0]["timings"]["execute"] > 0
    assert manifest["timings"]["total_seconds"] > 0


def test_pdf_reads_as_a_dutch_board_briefing(run_dir):
    pages = pdf_pages(run_dir / "arbeidsmarkt.pdf")
    text = " ".join(pages)
    # cover, "in het kort", seven topic pages, sources
    assert len(pages) >= 10
    assert "Arbeidsmarkt" in pages[0] and "Twente" in pages[0] and "3e kwartaal 2026" in pages[0]
    for q in QUESTIONS:
        assert q in text
    assert "Bron: CBS StatLine, tabel 86088NED; bewerking Signaal" in text
    assert "Laatste actualisatie:" in text
    assert text.count("Toelichting") >= 7
    assert "Bronnen" in pages[-1] or "Bronnen" in pages[-2]


def test_every_page_with_a_synthetic_figure_carries_the_watermark_and_every_page_a_number(run_dir):
    pages = pdf_pages(run_dir / "arbeidsmarkt.pdf")
    real = [i for i, page in enumerate(pages, 1) if "tabel 83582NED; echte cijfers" in page]
    assert len(real) == 2  # employee jobs and job growth: real CBS figures, no sample watermark
    for i, page in enumerate(pages, 1):
        assert (WATERMARK not in page) == (i in real), f"page {i}: the watermark is wrong"
        assert f"Pagina {i} van {len(pages)}" in page


def test_no_code_anywhere(run_dir):
    text = " ".join(pdf_pages(run_dir / "arbeidsmarkt.pdf"))
    html = (run_dir / "arbeidsmarkt.html").read_text("utf-8")
    for needle in ("import ", "Briefing(", "b.topic(", "region = ", "def ", "Traceback"):
        assert needle not in text, needle
    body = html.split("<body", 1)[1]
    for needle in ("Briefing(", "b.topic(", "jp-InputArea"):
        assert needle not in body, needle


def test_pdf_is_a4_with_embedded_fonts_and_vector_charts(run_dir):
    reader = PdfReader(str(run_dir / "arbeidsmarkt.pdf"))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    fonts = set()
    for page in reader.pages:
        for f in (page["/Resources"].get("/Font") or {}).values():
            f = f.get_object()
            desc = f.get("/DescendantFonts")
            fd = (desc[0].get_object() if desc else f).get("/FontDescriptor")
            fonts.add(
                (str(f["/BaseFont"]), bool(fd and any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))))
            )
    assert fonts and all(embedded for _, embedded in fonts)
    assert all("Source-Sans-3" in name for name, _ in fonts), fonts
    assert reader.pdf_header >= "%PDF-1.7" and "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    # charts are SVG in the HTML and vectors (no raster images) in the PDF
    html = (run_dir / "arbeidsmarkt.html").read_text("utf-8")
    assert html.count("<svg") >= 7 and "image/png" not in html
    assert not any(page.images for page in reader.pages)


def test_html_loads_nothing_from_the_internet(run_dir):
    html = (run_dir / "arbeidsmarkt.html").read_text("utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r'(src|href)\s*=\s*["\']https?://', html)
    assert not re.search(r"@import|url\(\s*['\"]?https?://", html)
    assert 'lang="nl"' in html and 'role="img"' in html and "aria-label=" in html


def test_analyst_can_export_with_nbconvert_entry_points(run_dir, tmp_path):
    executed = tmp_path / "arbeidsmarkt.ipynb"
    shutil.copy(run_dir / "notebooks" / "arbeidsmarkt.ipynb", executed)
    for fmt, suffix in (("signaal-html", ".html"), ("signaal-pdf", ".pdf")):
        proc = subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", fmt, str(executed)], capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, proc.stderr
        assert executed.with_suffix(suffix).stat().st_size > 10_000
    pages = pdf_pages(executed.with_suffix(".pdf"))
    assert QUESTIONS[0] in " ".join(pages) and WATERMARK in pages[-1]


def test_executed_notebook_records_the_parameters(run_dir):
    nb = nbformat.read(run_dir / "notebooks" / "arbeidsmarkt.ipynb", as_version=4)
    params = nb.metadata["papermill"]["parameters"]
    assert params == {"region": "CR12", "quarter": "2026Q3", "vintage": "sample", "lang": "nl"}


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--region", "GM9999"], "unknown region 'GM9999'"),
        (["--quarter", "2026Q5"], "malformed quarter '2026Q5'"),
        (["--quarter", "26Q3"], "malformed quarter '26Q3'"),
        (["--quarter", "2026-3"], "malformed quarter '2026-3'"),
        (["--quarter", "2026Q4"], "quarter 2026Q4 has no data yet"),
        (["--themes", "arbeidsmarkt,woningmarkt"], "unknown theme 'woningmarkt'"),
        (["--lang", "de"], "unknown language 'de'; valid: nl, en"),
    ],
)
def test_bad_input_one_line_nonzero_nothing_written(tmp_path, args, expected):
    out = tmp_path / "out"
    proc = signaal("run", "--out", str(out), *args)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("signaal: error: ") and expected in lines[0], proc.stderr
    assert not out.exists()
    assert not any(tmp_path.glob(".staging*"))


# A failing notebook among good ones: tests/test_quarterly.py


def test_exporting_a_notebook_that_never_ran_says_so(tmp_path, root):
    """Not a blank page: one line naming the notebook and what to do, exit code 1."""
    shutil.copy(root / "notebooks" / "talent.ipynb", tmp_path)
    proc = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "signaal-pdf", str(tmp_path / "talent.ipynb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and not (tmp_path / "talent.pdf").exists()
    errors = [line for line in proc.stderr.splitlines() if line.startswith("signaal: error:")]
    assert len(errors) == 1 and "talent.ipynb was never executed" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_notebook_runs_top_to_bottom_with_its_defaults(tmp_path, root, name):
    """What an analyst does in JupyterLab: run every cell of a theme notebook with its default
    parameters, on the bundled data."""
    from signaal.catalogue import catalogue

    proc = subprocess.run(
        [
            str(BIN / "papermill"),
            str(root / "notebooks" / f"{name}.ipynb"),
            str(tmp_path / "out.ipynb"),
            "-k",
            "signaal",
            "--cwd",
            str(root / "notebooks"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    theme = catalogue().themes[name]
    assert theme.title.nl in html and 'class="topic"' in html and "Toelichting" in html
    # Run All shows the page and nothing under it: no printed return values, no SVG as text,
    # and the house stylesheet once
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "execute_result"]
    for o in outputs:
        if "text/html" in o.get("data", {}):
            assert len("".join(o["data"].get("text/plain", ""))) < 300, o["data"]["text/plain"][:300]
    assert sum("application/vnd.signaal.style+json" in o.get("data", {}) for o in outputs) == 1
