"""The factsheet page an alderman can use: what stands out (the three strongest findings in
sentences), the municipality's share of the Woondeal, and a table of key figures, each with
its rank in the region and in the country, a small trend and a strip oriented so that right
is better, with a scale.

The pictures are small hand-written SVGs (a factsheet batch lays out tens of pages in one
WeasyPrint pass; matplotlib would cost a second a page). Their scale labels come from the same
tick rules as the charts (:mod:`signaal.charts.ticks`): a label is the exact value of its tick.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from .. import formatting as fmt
from ..charts.ticks import nice_ticks, shown_decimals, tick_label
from ..text import t

# subject dark (not the pack's urgency orange), its region blue, NL dark grey, peers light grey
STRIP_COLOURS = {"subject": "#1f2933", "parent": "#0072B2", "national": "#6b7680", "peer": "#c4c9ce"}
STRIP_WIDTH, STRIP_HEIGHT, STRIP_PAD = 128.0, 30.0, 8.0
SPARK_WIDTH, SPARK_HEIGHT = 84.0, 26.0
SMALL_MUNICIPALITY = 50_000  # inhabitants: below this, survey figures get the caveat and a higher bar


@dataclass
class KeyFigure:
    indicator: str
    label: str  # what the row shows
    period: str  # its period label
    unit: str  # unit of the compared values
    decimals: int
    polarity: str
    subject: float | None
    parent: float | None
    national: float | None
    peers: dict[str, float] = field(default_factory=dict)
    note: str = ""  # e.g. the level behind a growth figure
    rank_group: tuple[int, int] | None = None  # (rank, of how many) among the peer group; 1 = most favourable
    rank_all: tuple[int, int] | None = None  # among every region of the subject's level
    trend: list[tuple[str, float]] = field(default_factory=list)  # the subject's recent periods
    trend_parent: list[tuple[str, float]] = field(default_factory=list)
    survey: bool = False  # a survey figure (EBB): wide margins for a small municipality
    gap_threshold: float | None = None  # the smallest difference the catalogue counts (survey margins)
    title: str = ""  # the indicator's name inside a sentence


@dataclass
class Notable:
    """A finding that stands out for the subject: one sentence, favourable or not."""

    indicator: str
    sentence: str
    tone: str  # good | bad
    strength: float


def _finite(*values) -> bool:
    return all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values)


# ---------------------------------------------------------------------------------------
# Small pictures
# ---------------------------------------------------------------------------------------
def strip_svg(fig: KeyFigure, names: dict[str, str], subject: str, parent: str, lang: str) -> str:
    """Every peer as a grey tick, the region as a blue line, NL as a diamond and the subject as
    a dark dot, on a scale oriented so that right is more favourable (for a neutral figure:
    right is higher), with two or three labelled ticks beneath."""
    values = [v for v in (fig.subject, fig.parent, fig.national, *fig.peers.values()) if v is not None]
    if fig.subject is None or len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    flip = fig.polarity == "lower_is_better"
    inner = STRIP_WIDTH - 2 * STRIP_PAD

    def x(v: float) -> float:
        share = (v - lo) / (hi - lo)
        return round(STRIP_PAD + (1 - share if flip else share) * inner, 2)

    parts = [
        f'<line x1="{STRIP_PAD}" y1="10" x2="{STRIP_WIDTH - STRIP_PAD}" y2="10" stroke="#d9dee3" stroke-width="1"/>'
    ]
    for c, v in fig.peers.items():
        if c != subject:
            parts.append(
                f'<line x1="{x(v)}" y1="5" x2="{x(v)}" y2="15" stroke="{STRIP_COLOURS["peer"]}" stroke-width="1.2"/>'
            )
    if fig.parent is not None:
        px = x(fig.parent)
        parts.append(f'<line x1="{px}" y1="1" x2="{px}" y2="19" stroke="{STRIP_COLOURS["parent"]}" stroke-width="2"/>')
    if fig.national is not None:
        cx = x(fig.national)
        parts.append(f'<path d="M{cx} 5 L{cx + 5} 10 L{cx} 15 L{cx - 5} 10 Z" fill="{STRIP_COLOURS["national"]}"/>')
    parts.append(
        f'<circle cx="{x(fig.subject)}" cy="10" r="4.2" fill="{STRIP_COLOURS["subject"]}" stroke="white" stroke-width="1"/>'
    )
    parts += _scale(fig, lo, hi, x, lang)
    return (
        f'<svg class="fs-strip" role="img" aria-label="{escape(_strip_alt(fig, names, subject, parent, lang))}" '
        f'viewBox="0 0 {STRIP_WIDTH:g} {STRIP_HEIGHT:g}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def scale_ticks(fig: KeyFigure, lo: float, hi: float, lang: str = "nl") -> list[tuple[float, str]]:
    """The strip's labelled ticks: round values inside its range that print exactly at the
    figure's decimals; two where the labels are long (amounts in euros)."""
    long = fig.unit == "euro" or max(abs(lo), abs(hi)) >= 10_000
    ticks = nice_ticks(lo, hi, fig.decimals, max_ticks=2 if long else 3) or [lo, hi]
    if long and len(ticks) > 2:  # two long labels side by side at most
        ticks = [ticks[0], ticks[-1]]
    shown = shown_decimals(ticks, fig.decimals)
    return [(v, tick_label(v, fig.unit, shown, lang)) for v in ticks]


def _scale(fig: KeyFigure, lo: float, hi: float, x, lang: str) -> list[str]:
    out = []
    for v, text in scale_ticks(fig, lo, hi, lang):
        xv = x(v)
        anchor = "start" if xv < 18 else ("end" if xv > STRIP_WIDTH - 18 else "middle")
        out.append(f'<line x1="{xv}" y1="19.5" x2="{xv}" y2="22" stroke="#9aa3aa" stroke-width="0.8"/>')
        out.append(
            f'<text x="{xv}" y="29" font-size="7.2" fill="#5f6b76" text-anchor="{anchor}" '
            f'font-family="Source Sans 3, sans-serif">{escape(text)}</text>'
        )
    return out


def _strip_alt(fig: KeyFigure, names: dict[str, str], subject: str, parent: str, lang: str) -> str:
    shown = lambda n: fmt.value(n, fig.unit, fig.decimals, lang)  # noqa: E731
    peer_vals = list(fig.peers.values())
    return t(
        "factsheet_strip_alt",
        lang,
        subject=names[subject],
        value=shown(fig.subject),
        parent=names[parent],
        parent_value=shown(fig.parent),
        national=t("netherlands", lang),
        national_value=shown(fig.national),
        low=shown(min(peer_vals)) if peer_vals else "–",
        high=shown(max(peer_vals)) if peer_vals else "–",
    )


def spark_svg(fig: KeyFigure, lang: str) -> str:
    """The subject's recent periods as a small line (its region thin and blue beside it for a
    rate), the first and last period named beneath."""
    points = [(p, v) for p, v in fig.trend if _finite(v)]
    if len(points) < 2:
        return ""
    parent = [(p, v) for p, v in fig.trend_parent if _finite(v)]
    values = [v for _, v in points] + [v for _, v in parent]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.12 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    periods = [p for p, _ in points]

    def xy(period: str, v: float) -> str:
        i = periods.index(period) if period in periods else None
        if i is None:
            return ""
        x = 3 + i / (len(periods) - 1) * (SPARK_WIDTH - 6)
        y = 2 + (1 - (v - lo) / (hi - lo)) * 15
        return f"{x:.1f},{y:.1f}"

    def line(series, colour: str, width: float) -> str:
        pts = " ".join(p for p in (xy(a, b) for a, b in series) if p)
        return (
            f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-linejoin="round"/>'
        )

    parts = [line(parent, STRIP_COLOURS["parent"], 1.0)] if len(parent) >= 2 else []
    parts.append(line(points, STRIP_COLOURS["subject"], 1.6))
    last_x, last_y = xy(*points[-1]).split(",")
    parts.append(f'<circle cx="{last_x}" cy="{last_y}" r="1.9" fill="{STRIP_COLOURS["subject"]}"/>')
    for period, anchor, x in ((periods[0], "start", 1), (periods[-1], "end", SPARK_WIDTH - 1)):
        parts.append(
            f'<text x="{x}" y="25" font-size="6.6" fill="#5f6b76" text-anchor="{anchor}" '
            f'font-family="Source Sans 3, sans-serif">{escape(period)}</text>'
        )
    alt = t("factsheet_spark_alt", lang, first=periods[0], last=periods[-1], label=fig.label)
    return (
        f'<svg class="fs-spark" role="img" aria-label="{escape(alt)}" viewBox="0 0 {SPARK_WIDTH:g} {SPARK_HEIGHT:g}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


# ---------------------------------------------------------------------------------------
# What stands out
# ---------------------------------------------------------------------------------------
def _spread(fig: KeyFigure) -> float:
    vals = list(fig.peers.values())
    if len(vals) >= 3:
        mean = sum(vals) / len(vals)
        sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1))
        if sd > 0:
            return sd
    return abs(fig.national or 1.0) * 0.05 or 1.0


def _better(a: float, b: float, fig: KeyFigure) -> int:
    """1 when ``a`` is more favourable than ``b`` at the figure's decimals, −1 less, 0 equal."""
    diff = round(a - b, fig.decimals)
    if diff == 0:
        return 0
    sign = 1 if diff > 0 else -1
    return sign if fig.polarity == "higher_is_better" else -sign


def notable(figures: list[KeyFigure], inhabitants: int | None, limit: int = 3) -> list[KeyFigure]:
    """The figures in which the subject stands out most: the gap to the Netherlands measured
    against the spread between the region's municipalities. A survey figure of a small
    municipality counts only when its gap is at least twice the catalogue's margin."""
    small = inhabitants is not None and inhabitants < SMALL_MUNICIPALITY
    scored = []
    for fig in figures:
        if fig.polarity == "neutral" or not _finite(fig.subject, fig.national):
            continue
        assert fig.subject is not None and fig.national is not None
        gap = fig.subject - fig.national
        if round(gap, fig.decimals) == 0:
            continue
        if fig.survey and small and abs(gap) < 2 * (fig.gap_threshold or 0.5):
            continue
        scored.append((abs(gap) / _spread(fig), fig))
    scored.sort(key=lambda s: -s[0])
    return [fig for _, fig in scored[:limit]]


def notable_sentence(fig: KeyFigure, subject: str, parent: str, lang: str) -> tuple[str, str]:
    """One finding in words, and its tone (``good``/``bad``)."""
    assert fig.subject is not None and fig.national is not None
    v = lambda x: fmt.value(x, fig.unit, fig.decimals, lang)  # noqa: E731
    words = {1: t("factsheet_better", lang), -1: t("factsheet_worse", lang), 0: t("factsheet_equal", lang)}
    vs_nl = _better(fig.subject, fig.national, fig)
    parts = [t("factsheet_vs", lang, word=words[vs_nl], other=t("netherlands", lang), value=v(fig.national))]
    if _finite(fig.parent):
        assert fig.parent is not None
        parts.append(
            t(
                "factsheet_vs",
                lang,
                word=words[_better(fig.subject, fig.parent, fig)],
                other=parent,
                value=v(fig.parent),
            )
        )
    rank = ""
    if fig.rank_group:
        rank = t("factsheet_rank_sentence", lang, rank=fig.rank_group[0], n=fig.rank_group[1], parent=parent)
    sentence = t(
        "factsheet_notable",
        lang,
        title=fig.title or fig.label,
        value=v(fig.subject),
        subject=subject,
        period=fig.period,
        comparison=f" {t('and', lang)} ".join(parts),
        rank=rank,
    )
    return sentence, "good" if vs_nl > 0 else "bad"


# ---------------------------------------------------------------------------------------
# The table of key figures
# ---------------------------------------------------------------------------------------
def rank_cell(fig: KeyFigure, lang: str) -> str:
    parts = []
    if fig.rank_group:
        parts.append(f'<span class="fs-rank-group">{fig.rank_group[0]}/{fig.rank_group[1]}</span>')
    if fig.rank_all and fig.rank_all != fig.rank_group:
        parts.append(f'<span class="fs-rank-all">{fig.rank_all[0]}/{fig.rank_all[1]}</span>')
    return "".join(parts) or "–"


def difference(fig: KeyFigure, lang: str) -> str:
    """The gap to the Netherlands, with one decimal more where the usual rounding would print
    0 for a visible gap (the review's "0,0 procentpunt" beside a visible difference)."""
    if not _finite(fig.subject, fig.national):
        return "–"
    assert fig.subject is not None and fig.national is not None
    delta = fig.subject - fig.national
    decimals = fig.decimals if round(delta, fig.decimals) != 0 or delta == 0 else fig.decimals + 1
    return fmt.points(delta, decimals, lang) if fig.unit == "percent" else fmt.change(delta, fig.unit, decimals, lang)
