"""The signal board: the urgencies and opportunities a board can act on, as an HTML block.

Semantic markup with classes prefixed ``signal-`` (styled by the briefing CSS); every text
is escaped. The board is curated (:func:`signaal.signals.curate.curate`): at most one signal
per indicator, a board target off track first, then the strongest. Each card shows its kind
(urgentie / kans), the sentence, the numbers behind it, a small chart, and the indicator's
three marks side by side — trend, latest change, position, each with its own direction
(gunstig / ongunstig), as CBS's broad-welfare monitor shows them — never one netted badge.
Strength scores, p-values and rule names are not on it: they are in ``signals.csv`` and the
methods appendix of the board pack.
"""

from __future__ import annotations

from html import escape

from .. import formatting as fmt
from ..charts.base import Chart
from ..charts.signals import klok_chart, sparkline
from ..periods import Period
from ..signals.curate import MIN_STRENGTH, VERDICTS, curate, marks
from ..signals.model import Signal
from ..signals.ranking import Rank
from ..text import check_lang, t
from .front import change_text

SPARK_PERIODS = {"Y": 12, "Q": 20}
KLOK_POINTS = 12


def strongest(
    signals: list[Signal], limit: int = 8, kinds: tuple[str, ...] = VERDICTS, min_strength: float = MIN_STRENGTH
) -> list[Signal]:
    """The board's signals (:func:`~signaal.signals.curate.curate`): targets off track first,
    then the strongest urgencies and opportunities, one per indicator."""
    return curate(signals, limit, kinds, min_strength)


def _data_for(signals, data):
    if data is not None:
        return data
    meta = getattr(signals, "meta", {}) or {}
    try:
        from ..indicators.data import Data

        return Data.open(meta.get("vintage") or None)
    except Exception:  # no data at hand: the board is shown without sparklines
        return None


def _name(data, code: str, lang: str) -> str:
    return data.reg.sentence_name(code, lang) if data is not None else code


def signal_chart(s: Signal, lang: str, data) -> Chart | None:
    """The small chart beside a signal: the region's series (and NL, or a target's path)."""
    if data is None or s.indicator not in data.cat:
        return None
    ind = data.cat[s.indicator]
    freq = ind.display_freq
    region = s.data_region or s.region
    nat = data.reg.national
    try:
        table = data.table(s.indicator, [region, nat], freq=freq, up_to=Period.parse(s.period).quarter())
    except Exception:
        return None
    if table.empty or table[region].dropna().empty:
        return None
    focus = table[region].dropna()
    bench = None if ind.additive else table[nat].dropna()
    target_path = None
    n = s.numbers
    if s.rule == "doel" and n.get("target_kind") == "cumulative":
        start = Period.parse(n["start"])
        focus = focus[[k for k in focus.index if Period.parse(k).ordinal >= start.ordinal]]
        target_path = (n["start"], n["start_value"], n["by"], n["start_value"] + n["goal"])
    else:
        focus = focus.iloc[-SPARK_PERIODS.get(freq, 12) :]
        if bench is not None:
            bench = bench[[k for k in bench.index if k in focus.index]]
    if len(focus) < 2:
        return None
    first, last = Period.parse(focus.index[0]), Period.parse(focus.index[-1])
    bench_part = (
        t("sig_spark_bench", lang, bench=_name(data, nat, lang)) if bench is not None and not bench.empty else ""
    )
    alt = t(
        "sig_spark_alt",
        lang,
        title=s.title(lang) or ind.title.get(lang),
        region=_name(data, region, lang),
        first=first.short_label(),
        last=last.short_label(),
        bench_part=bench_part,
    )
    return sparkline(focus, alt, bench=bench, kind=s.kind, target_path=target_path, lang=lang)


def klok_points(signals: list[Signal], limit: int = KLOK_POINTS) -> list[Signal]:
    """The clock findings the regional clock shows: the strongest ``limit`` with a direction of
    welfare (quadrants need one)."""
    found = [
        s
        for s in sorted(signals, key=lambda s: -s.strength)
        if s.rule == "klok"
        and s.numbers.get("polarity") != "neutral"
        and s.numbers.get("x") is not None
        and s.numbers.get("y") is not None
    ]
    return found[:limit]


def _short(s: Signal, lang: str, data) -> str:
    """The indicator's short name (the catalogue's ``short``, else its title)."""
    if data is not None and s.indicator in data.cat:
        return data.cat[s.indicator].short_title(lang)
    return s.title(lang) or s.indicator


def klok_figure(
    signals: list[Signal], lang: str, region_name: str, limit: int = KLOK_POINTS, data=None
) -> Chart | None:
    """The regional clock of the strongest ``klok`` findings, each point named (None with
    fewer than three)."""
    pts = klok_points(signals, limit)
    if len(pts) < 3:
        return None
    points = [{"x": s.numbers["x"], "y": s.numbers["y"], "label": _short(s, lang, data), "kind": s.kind} for s in pts]
    bench = t("netherlands", lang)
    clock = t("sig_rule_klok", lang, region=region_name)
    quadrants = ["ahead_growing", "ahead_shrinking", "behind_closing", "behind_widening"]
    labels = {q: t(f"sig_quadrant_{q}", lang) for q in quadrants}
    counts: dict[str, int] = {}
    for s in pts:
        counts[s.numbers["quadrant"]] = counts.get(s.numbers["quadrant"], 0) + 1
    summary = (
        "; ".join(
            f"{t(f'sig_quadrant_{q}', lang)}: {', '.join(p.title(lang) for p in pts if p.numbers['quadrant'] == q)}"
            for q in counts
        )
        + "."
    )
    alt = t("sig_klok_alt", lang, clock=clock, n=len(pts), bench=bench, summary=summary)
    return klok_chart(points, alt, t("sig_klok_x", lang, bench=bench), t("sig_klok_y", lang), labels, lang=lang)


def klok_conclusion(signals: list[Signal], lang: str, data=None) -> str:
    """One line: how many indicators of the clock fall further behind ("4 van 12 indicatoren:
    achterstand groeit"), and which; then how many leads grow."""
    pts = klok_points(signals)
    if len(pts) < 3:
        return ""
    widening = [_short(s, lang, data) for s in pts if s.numbers.get("quadrant") == "behind_widening"]
    growing = [_short(s, lang, data) for s in pts if s.numbers.get("quadrant") == "ahead_growing"]
    text = t("klok_conclusion", lang, k=len(widening), n=len(pts), quadrant=t("sig_quadrant_behind_widening", lang))
    if widening:
        text += f" ({', '.join(widening)})"
    text += t("klok_conclusion_lead", lang, k=len(growing), quadrant=t("sig_quadrant_ahead_growing", lang))
    return text + "."


def _mark_value(rule: str, s: Signal, lang: str) -> str:
    n = s.numbers
    nominal = n.get("nominal_change_year" if rule == "verandering" else "nominal_change_over_window")
    real = t("mark_real", lang) if nominal is not None else ""
    if rule == "trend":
        if not n.get("significant"):
            return t("mark_no_trend", lang)
        words = t(f"sig_word_{n.get('frequency', 'Y')}", lang)
        span = fmt.counted(int(n.get("window", 8)), words, lang)
        return t("mark_trend_value", lang, change=change_text(n.get("change_over_window"), n, lang), span=span) + real
    if rule == "verandering":
        return change_text(n.get("change_year"), n, lang) + real
    return Rank(int(n["rank"]), int(n.get("rank_high", n["rank"])), int(n["n"])).text(lang)


def marks_html(signals: list[Signal], indicator: str, lang: str) -> str:
    """The indicator's three marks side by side: trend, latest change, position, each coloured
    by its own direction (gunstig green, ongunstig red, no direction grey)."""
    found = marks(signals, indicator)
    items = []
    for rule in ("trend", "verandering", "positie"):
        s = found.get(rule)
        if s is None:
            continue
        direction = s.direction or "geen"
        word = t(f"dir_{direction}", lang)
        items.append(
            f'<li class="signal-mark signal-mark-{escape(direction)}">'
            f'<span class="signal-mark-label">{escape(t(f"mark_{rule}", lang))}</span> '
            f'<span class="signal-mark-value">{escape(_mark_value(rule, s, lang))}</span>'
            + (f' <span class="signal-mark-dir">{escape(word)}</span>' if word else "")
            + "</li>"
        )
    return f'<ul class="signal-marks">{"".join(items)}</ul>' if items else ""


def _article(s: Signal, lang: str, data, every: list[Signal]) -> str:
    region = _name(data, s.data_region or s.region, lang)
    chart = signal_chart(s, lang, data)
    figure = (
        f'<figure class="signal-chart">{chart.svg}<figcaption class="sr-only">{escape(chart.alt)}</figcaption></figure>'
        if chart
        else ""
    )
    facts = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in s.facts(lang))
    meta = " · ".join([region, Period.parse(s.period).label(lang)])
    return (
        f'<article class="signal signal-{escape(s.kind)}" id="signal-{escape(s.indicator)}-{escape(s.rule)}" '
        f'data-indicator="{escape(s.indicator)}" data-rule="{escape(s.rule)}" data-kind="{escape(s.kind)}" '
        f'data-direction="{escape(s.direction)}">'
        f'<header class="signal-header"><p class="signal-badges"><span class="signal-kind">{escape(t(f"sig_kind_{s.kind}", lang))}</span></p>'
        f'<h4 class="signal-title">{escape(s.title(lang) or s.indicator)}</h4></header>'
        f"{figure}"
        f'<p class="signal-sentence">{escape(s.sentence(lang))}</p>'
        f"{marks_html(every, s.indicator, lang)}"
        f'<dl class="signal-numbers">{facts}</dl>'
        f'<p class="signal-meta">{escape(meta)}</p>'
        "</article>"
    )


def klok_html(signals: list[Signal], lang: str, region_name: str, data=None) -> str:
    """The regional clock with its title, a reading guide, its unit and one concluding line
    ('' with fewer than three clock findings)."""
    chart = klok_figure(signals, lang, region_name, data=data)
    if chart is None:
        return ""
    bench = t("netherlands", lang)
    clock = t("sig_rule_klok", lang, region=region_name)
    title = t("sig_klok_title", lang, clock=clock, region=region_name, bench=bench)
    return (
        f'<figure class="signal-klok"><figcaption class="signal-klok-title">{escape(title)}</figcaption>'
        f'<p class="signal-klok-conclusion">{escape(klok_conclusion(signals, lang, data))}</p>'
        f'{chart.svg}<p class="sr-only">{escape(chart.alt)}</p>'
        f'<p class="signal-klok-guide">{escape(t("klok_guide", lang, region=region_name, bench=bench))}</p></figure>'
    )


def signal_board_html(
    signals: list[Signal],
    lang: str = "nl",
    limit: int = 8,
    data=None,
    klok: bool = True,
    min_strength: float = MIN_STRENGTH,
) -> str:
    """HTML: the curated board — targets off track first, then the strongest urgencies and
    opportunities (one per indicator, strength at least ``min_strength``, at most ``limit``),
    grouped by kind, each with its numbers, its three marks and a sparkline; then the regional
    clock when there are at least three clock findings. ``data`` (a
    :class:`signaal.indicators.Data`) draws the sparklines; without it the vintage named in
    the signals' meta is opened."""
    lang = check_lang(lang)
    meta = getattr(signals, "meta", {}) or {}
    data = _data_for(signals, data)
    every = list(signals)
    chosen = strongest(every, limit, min_strength=min_strength)
    region_code = meta.get("region") or (every[0].region if every else "")
    region_name = _name(data, region_code, lang) if region_code else ""
    quarter = meta.get("quarter")
    quarter_label = Period.parse(quarter).label(lang) if quarter else ""
    parts = [
        f'<section class="signal-board" data-region="{escape(region_code)}" data-quarter="{escape(quarter or "")}">',
        f'<h2 class="signal-board-title">{escape(t("sig_board_title", lang))}</h2>',
        f'<p class="signal-board-intro">{escape(t("sig_board_intro", lang, region=region_name, quarter=quarter_label))}</p>',
    ]
    if meta.get("is_sample"):
        note = t("sig_board_sample_mixed" if meta.get("mixed") else "sig_board_sample", lang)
        parts.append(f'<p class="signal-board-sample">{escape(note)}</p>')
    if not chosen:
        parts.append(f'<p class="signal-board-none">{escape(t("sig_board_none", lang))}</p>')
    for kind in VERDICTS:
        group = [s for s in chosen if s.kind == kind]
        if not group:
            continue
        items = "".join(f"<li>{_article(s, lang, data, every)}</li>" for s in group)
        parts.append(
            f'<div class="signal-group signal-group-{kind}"><h3 class="signal-group-title">{escape(t(f"sig_kinds_{kind}", lang))}</h3>'
            f'<ol class="signal-list">{items}</ol></div>'
        )
    if klok:
        parts.append(klok_html(every, lang, region_name, data))
    parts.append("</section>")
    return "".join(parts)
