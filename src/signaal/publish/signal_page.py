"""The quarter's signals (``signals.csv``, ``signals.json``) and the signal board as a page of
its own (``signaalbord.html``), which the board pack takes its signal board from."""

from __future__ import annotations

import time
from html import escape
from pathlib import Path

from ..briefing.edition import Edition
from ..text import t
from .data import open_data
from .html import html_page, stylesheet
from .outcome import BUILT, DocResult, report, write_atomic

BOARD_PAGE = "signaalbord"
_BOARD_START, _BOARD_END = "<!-- signal-board -->", "<!-- /signal-board -->"


INDEX_PAGE = "index.html"  # the quarter's overview, beside the board in the quarter folder


def _back_link(lang: str) -> str:
    """The way back to the quarter's overview (outside the board, which the pack takes)."""
    return f'<nav class="back-link"><a href="{INDEX_PAGE}">← {escape(t("index_back", lang))}</a></nav>'


def build_signal_board(
    name: str,
    staging: str,
    stem: str,
    region: str,
    quarter: str,
    lang: str,
    vintage: str,
    data_dir: str,
    csv_name: str = "signals.csv",
    json_name: str = "signals.json",
) -> DocResult:
    """The quarter's signals (``signals.csv``, ``signals.json``; other names for another
    language, so that both can sit in one folder) and the signal board as a page of its own
    (``<stem>.html``), which the board pack takes its signal board from. It needs only the
    data, not the notebooks, so it runs while the notebooks do and is reused when only a
    notebook changed."""
    result = DocResult(name=name, notebook=None, status=BUILT, kind="signals", lang=lang)
    t0 = time.perf_counter()
    staging_path = Path(staging)
    try:
        # the signal board draws sparklines: matplotlib loads in the worker, not in the run
        from ..briefing.board import signal_board_html
        from ..signals import compute_signals
        from ..signals.output import signals_csv, signals_json

        report(name, 0, 2, "signals")
        data = open_data(data_dir, vintage)
        signals = compute_signals(data, region, quarter)
        write_atomic(staging_path / csv_name, signals_csv(signals).encode("utf-8"))
        write_atomic(staging_path / json_name, signals_json(signals).encode("utf-8"))
        result.outputs += [csv_name, json_name]
        report(name, 1, 2, "board")
        board = signal_board_html(signals, lang, limit=8, data=data)
        edition = Edition.of(data, region, quarter, lang)
        page = html_page(
            title=f"{t('pack_signal_board', lang)} · {edition.focus_name}",
            body=f"{_back_link(lang)}{_BOARD_START}{board}{_BOARD_END}",
            lang=lang,
            css=stylesheet(lang, edition.watermark, edition.board, ("boardpack.css",)),
            watermark=edition.watermark,
        )
        write_atomic(staging_path / f"{stem}.html", page.encode("utf-8"))
        result.outputs.append(f"{stem}.html")
        result.notes["signals"] = len(signals)
        report(name, 2, 2, "done")
    except Exception as exc:
        result.fail("signals", exc)
    result.timings["total"] = round(time.perf_counter() - t0, 3)
    return result


def board_from_page(path: Path) -> str | None:
    """The signal board's HTML from the page :func:`build_signal_board` wrote."""
    try:
        page = Path(path).read_text("utf-8")
    except OSError:
        return None
    start, end = page.find(_BOARD_START), page.find(_BOARD_END)
    return page[start + len(_BOARD_START) : end] if start >= 0 and end > start else None
