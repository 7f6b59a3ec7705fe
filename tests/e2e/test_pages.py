"""Pages as the board turns them (issue 13): no near-empty or blank page, a pack of at most 40
pages, factsheets filled to the foot of the page, a table row never split, a chart never
parted from its notes.

The documents are those of the session's quarter run (``run_dir``: every theme notebook, the
board pack, the factsheets); each page is rendered at 30 dpi in greyscale with pypdfium2, and
the ink of its body (header and footer bands left out) is the share of pixels darker than 200.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

pytestmark = pytest.mark.e2e

DPI = 30
HEADER_MM, FOOTER_MM = 22, 20  # the page margins of signaal.css, where the running head and foot sit
MIN_INK = 2.5  # percent of the body
MAX_PACK_PAGES = 40


def page_bodies(pdf: Path) -> list[np.ndarray]:
    """Every page's body as a greyscale array (0 black, 255 white)."""
    doc = pdfium.PdfDocument(str(pdf))
    top, bottom = round(HEADER_MM / 25.4 * DPI), round(FOOTER_MM / 25.4 * DPI)
    bodies = []
    for page in doc:
        image = np.asarray(page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L"))
        bodies.append(image[top : image.shape[0] - bottom, :])
    doc.close()
    return bodies


def ink(body: np.ndarray) -> float:
    return float((body < 200).mean() * 100)


def documents(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("*.pdf")) + sorted((run_dir / "gemeenten").glob("*.pdf"))


def test_no_page_between_the_first_and_the_last_is_near_empty(run_dir):
    found, lowest = [], {}
    for pdf in documents(run_dir):
        values = [ink(b) for b in page_bodies(pdf)]
        inner = values[1:-1]
        if inner:
            lowest[pdf.name] = round(min(inner), 2)
        found += [f"{pdf.name} page {i}: {v:.2f}% inked" for i, v in enumerate(values[1:-1], 2) if v < MIN_INK]
    assert "bestuursbriefing.pdf" in lowest and "bereikbaarheid.pdf" in lowest
    assert not found, "\n".join(found) + f"\nlowest per document: {lowest}"


def test_the_board_pack_has_at_most_forty_pages_and_keeps_every_topic(run_dir):
    """Fewer pages, not less content: every topic page of every theme notebook is in the pack."""
    import nbformat
    from pypdf import PdfReader

    from signaal.briefing.pages import BLOCK_MIMETYPE

    reader = PdfReader(str(run_dir / "bestuursbriefing.pdf"))
    assert len(reader.pages) <= MAX_PACK_PAGES
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    questions = []
    for path in sorted((run_dir / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            for out in cell.get("outputs", []):
                block = out.get("data", {}).get(BLOCK_MIMETYPE) or {}
                if block.get("kind") == "topic" and block.get("title"):
                    questions.append(" ".join(block["title"].split()))
    assert len(questions) >= 30
    missing = [q for q in questions if q not in text]
    assert not missing, missing


def test_a_factsheet_fills_its_page(run_dir):
    """The review's factsheets were half empty: the content now runs to the foot of the page."""
    for pdf in sorted((run_dir / "gemeenten").glob("*.pdf")):
        (body,) = page_bodies(pdf)
        rows = np.where((body < 200).mean(axis=1) > 0.002)[0]
        assert rows.max() / body.shape[0] > 0.85, f"{pdf.name}: the content stops at {rows.max() / body.shape[0]:.0%}"
