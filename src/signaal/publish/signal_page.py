"""The quarter's signals (``signals.csv``, ``signals.json``) and the signal board as a page of
its own (``signaalbord.html``), which the board pack takes its front pages, its signal board
and its methods appendix from.

The page holds, each between markers the pack finds: the front pages ("In één oogopslag",
the board's targets, what changed since the previous briefing: :mod:`signaal.briefing.front`),
the signal board (:mod:`signaal.briefing.board`) and the methods appendix. What changed is
judged against the previous briefing of the same region (``previous``: the folder where the
previous quarter was published, found by the run, or ``--previous DIR``); ``signals.json``
records which one, and which figures are new since it (the pack marks their pages "nieuw")."""

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
PARTS = ("front", "signal-board", "methods")  # what the page holds, each between its markers


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
    previous: str | None = None,
    searched: str = "",
    signals=None,
) -> DocResult:
    """The quarter's signals (``signals.csv``, ``signals.json``; other names for another
    language, so that both can sit in one folder) and the signal board as a page of its own
    (``<stem>.html``), which the board pack takes its signal board from. It needs only the
    data, not the notebooks, so it runs while the notebooks do and is reused when only a
    notebook changed. ``previous``: the folder of the previous briefing (None: there is none;
    ``searched`` says where it was looked for)."""
    result = DocResult(name=name, notebook=None, status=BUILT, kind="signals", lang=lang)
    t0 = time.perf_counter()
    staging_path = Path(staging)
    try:
        # the signal board draws sparklines: matplotlib loads in the worker, not in the run
        from ..briefing.board import signal_board_html
        from ..briefing.front import front_pages, methods_html
        from ..signals import compute_signals
        from ..signals.history import read_previous
        from ..signals.output import signals_csv, signals_json

        report(name, 0, 2, "signals")
        data = open_data(data_dir, vintage)
        if signals is None:
            signals = compute_signals(data, region, quarter)
        edition = Edition.of(data, region, quarter, lang)
        front = front_pages(
            signals,
            data,
            edition.focus,
            edition.quarter,
            lang,
            _targets(data, edition.focus),
            read_previous(previous, edition.focus),
        )
        signals.meta.update(new_figures=front["new_figures"], previous=front.get("previous"), glance=front["glance"])
        write_atomic(staging_path / csv_name, signals_csv(signals).encode("utf-8"))
        write_atomic(staging_path / json_name, signals_json(signals).encode("utf-8"))
        result.outputs += [csv_name, json_name]
        result.notes["previous"] = (front.get("previous") or {}).get("folder") or None
        if result.notes["previous"] is None:  # where it was looked for: for the analyst, not the board
            result.notes["previous_searched"] = searched or previous or ""
        report(name, 1, 2, "board")
        board = signal_board_html(signals, lang, limit=8, data=data)
        parts = {"front": front["html"], "signal-board": board, "methods": methods_html(signals, data, lang)}
        page = html_page(
            title=f"{t('pack_signal_board', lang)} · {edition.focus_name}",
            body=_back_link(lang) + "".join(f"<!-- {k} -->{v}<!-- /{k} -->" for k, v in parts.items()),
            lang=lang,
            css=stylesheet(lang, edition.watermark, edition.board, ("boardpack.css", "front.css")),
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


def _targets(data, focus: str) -> list:
    """The board targets of the focus region (``<data>/manual/doelen.csv`` of the vintage's
    data folder, else the default)."""
    from ..catalogue.targets import load_targets, targets_path

    path = targets_path(data.vintage.data_dir)
    return [tg for tg in (load_targets(path) if path.exists() else load_targets()) if tg.region == focus]


def part_from_page(path: Path, part: str) -> str | None:
    """One part (:data:`PARTS`) of the page :func:`build_signal_board` wrote; None when the
    page or the part is not there."""
    try:
        page = Path(path).read_text("utf-8")
    except OSError:
        return None
    start_mark, end_mark = f"<!-- {part} -->", f"<!-- /{part} -->"
    start, end = page.find(start_mark), page.find(end_mark)
    return page[start + len(start_mark) : end] if start >= 0 and end > start else None


def board_from_page(path: Path) -> str | None:
    """The signal board's HTML from the page :func:`build_signal_board` wrote."""
    return part_from_page(path, "signal-board")
