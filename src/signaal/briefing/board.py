"""The signal board: the strongest urgencies and opportunities as an HTML block.

Semantic markup with classes prefixed ``signal-`` (styled by the briefing CSS); every text
is escaped. Each signal shows its kind, rule, sentence, the numbers behind it and a small
inline SVG chart. At most one signal per indicator (its strongest) keeps the board varied.
"""

from __future__ import annotations

from html import escape

from .. import formatting as fmt
from ..charts.base import Chart
from ..charts.signals import klok_chart, sparkline
from ..periods import Period
from ..signals.model import Signal
from ..text import check_lang, t

VERDICTS = ("urgentie", "kans")
SPARK_PERIODS = {"Y": 12, "Q": 20}
KLOK_POINTS = 12
MIN_STRENGTH = 0.2  # weaker findings stay in signals.csv but do not make the board


def strongest(
    signals: list[Signal], limit: int = 8, kinds: tuple[str, ...] = VERDICTS, min_strength: float = MIN_STRENGTH
) -> list[Signal]:
    """The ``limit`` strongest signals of ``kinds`` (at least ``min_strength``), one per
    indicator, strongest first."""
    seen: set[str] = set()
    out = []
    for s in sorted(signals, key=lambda s: -s.strength):
        if s.strength < min_strength:
            break
        if s.kind in kinds and s.indicator not in seen:
            seen.add(s.indicator)
            out.append(s)
        if len(out) >= limit:
            break
    return out


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


def klok_figure(signals: list[Signal], lang: str, region_name: str, limit: int = KLOK_POINTS) -> Chart | None:
    """The regional clock of the strongest ``klok`` findings (None with fewer than three)."""
    pts = [
        s
        for s in sorted(signals, key=lambda s: -s.strength)
        if s.rule == "klok"
        and s.numbers.get("polarity") != "neutral"  # quadrants need a direction of welfare
        and s.numbers.get("x") is not None
        and s.numbers.get("y") is not None
    ][:limit]
    if len(pts) < 3:
        return None
    points = [{"x": s.numbers["x"], "y": s.numbers["y"], "label": s.title(lang), "kind": s.kind} for s in pts]
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


def _article(s: Signal, lang: str, data) -> str:
    region = _name(data, s.data_region or s.region, lang)
    rule = (
        t(f"sig_rule_{s.rule}", lang, region=_name(data, s.region, lang))
        if s.rule == "klok"
        else t(f"sig_rule_{s.rule}", lang)
    )
    chart = signal_chart(s, lang, data)
    figure = (
        f'<figure class="signal-chart">{chart.svg}<figcaption class="sr-only">{escape(chart.alt)}</figcaption></figure>'
        if chart
        else ""
    )
    facts = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in s.facts(lang))
    period = Period.parse(s.period)
    meta = " · ".join(
        [region, period.label(lang), t("sig_board_strength", lang, strength=fmt.number(s.strength, 2, lang))]
    )
    return (
        f'<article class="signal signal-{escape(s.kind)}" id="signal-{escape(s.indicator)}-{escape(s.rule)}" '
        f'data-indicator="{escape(s.indicator)}" data-rule="{escape(s.rule)}" data-kind="{escape(s.kind)}" '
        f'data-strength="{s.strength:.3f}">'
        f'<header class="signal-header"><p class="signal-badges"><span class="signal-kind">{escape(t(f"sig_kind_{s.kind}", lang))}</span> '
        f'<span class="signal-rule">{escape(rule)}</span></p>'
        f'<h4 class="signal-title">{escape(s.title(lang) or s.indicator)}</h4></header>'
        f"{figure}"
        f'<p class="signal-sentence">{escape(s.sentence(lang))}</p>'
        f'<dl class="signal-numbers">{facts}</dl>'
        f'<p class="signal-meta">{escape(meta)}</p>'
        "</article>"
    )


def signal_board_html(
    signals: list[Signal],
    lang: str = "nl",
    limit: int = 8,
    data=None,
    klok: bool = True,
    min_strength: float = MIN_STRENGTH,
) -> str:
    """HTML: the ``limit`` strongest urgencies and opportunities (one per indicator, strength
    at least ``min_strength``), grouped by kind, each with its numbers and a sparkline; then
    the regional clock when there are at least three clock findings. ``data`` (a
    :class:`signaal.indicators.Data`) draws the sparklines; without it the vintage named in
    the signals' meta is opened."""
    lang = check_lang(lang)
    meta = getattr(signals, "meta", {}) or {}
    data = _data_for(signals, data)
    chosen = strongest(signals, limit, min_strength=min_strength)
    region_code = meta.get("region") or (signals[0].region if signals else "")
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
        items = "".join(f"<li>{_article(s, lang, data)}</li>" for s in group)
        parts.append(
            f'<div class="signal-group signal-group-{kind}"><h3 class="signal-group-title">{escape(t(f"sig_kinds_{kind}", lang))}</h3>'
            f'<ol class="signal-list">{items}</ol></div>'
        )
    if klok:
        chart = klok_figure(signals, lang, region_name)
        if chart is not None:
            title = t(
                "sig_klok_title",
                lang,
                clock=t("sig_rule_klok", lang, region=region_name),
                region=region_name,
                bench=t("netherlands", lang),
            )
            parts.append(
                f'<figure class="signal-klok"><figcaption class="signal-klok-title">{escape(title)}</figcaption>'
                f'{chart.svg}<p class="sr-only">{escape(chart.alt)}</p></figure>'
            )
    parts.append("</section>")
    return "".join(parts)
