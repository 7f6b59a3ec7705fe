"""Page building blocks of a briefing, as HTML: cover, "in het kort", topic page, sources.

Each block is a dataclass with ``html()``; the HTML uses the classes styled by the briefing
template (``publish/templates/signaal/signaal.css``). Every text that comes from data or the
catalogue is escaped here.

In a notebook a block shows itself (``display(page)``, or a page as a cell's last expression):
its HTML, in the wrapper the notebook's stylesheet is scoped to (:mod:`.style`), with what it
is beside it. Its text form is one short line (``<TopicPage werkloosheid: 'Hoeveel …?'>``):
never the chart's SVG.

Each block also says what it is in ``block()``: plain JSON that the notebook stores beside
the HTML (mimetype :data:`BLOCK_MIMETYPE`), so that the board pack reads a block's kind, its
anchor, the indicator it shows and its source rows without parsing HTML::

    {"kind": "topic", "id": "topic-werkloosheid", "indicator": "werkloosheid", "title": "Hoeveel …?"}
    {"kind": "cover", "intro": "…"}   {"kind": "summary"}   {"kind": "board"}
    {"kind": "sources", "rows": [{"indicator": …, "definition": …, "source": …, "table": …, "updated": …}]}
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from html import escape
from typing import TYPE_CHECKING

from babel.dates import format_date

from ..formatting import LOCALES
from ..text import t
from .style import STYLE_MIMETYPE, wrap

if TYPE_CHECKING:  # the pages only embed a chart's SVG; drawing one needs matplotlib
    from ..charts.base import Chart

META_MIMETYPE = "application/vnd.signaal.briefing+json"
BLOCK_MIMETYPE = "application/vnd.signaal.block+json"
BOARD_BLOCK = {"kind": "board"}  # the signal board (its HTML: :mod:`signaal.briefing.board`)
__all__ = ["BLOCK_MIMETYPE", "META_MIMETYPE", "STYLE_MIMETYPE"]


class Shown:
    """What every block shares: a notebook shows it as its page (HTML and what it is), its
    text form is one short line. A block has ``html()``, ``block()`` and ``label``."""

    @property
    def label(self) -> str:
        raise NotImplementedError

    def html(self) -> str:
        raise NotImplementedError

    def block(self) -> dict:
        raise NotImplementedError

    def _repr_mimebundle_(self, include=None, exclude=None):
        return Output(self.html(), self.label, self.block())._repr_mimebundle_()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.label!r}>"


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def first_heading(cells) -> str:
    """The text of a notebook's first Markdown heading ('' when it has none): the title of a
    theme that ``catalogue/themes.yaml`` does not name. ``cells``: a notebook's cells (dicts)."""
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source") or ""
        match = _HEADING.search("".join(source) if isinstance(source, list) else source)
        if match:
            return re.sub(r"[*_`]", "", match.group(1)).strip()
    return ""


def long_date(day: dt.date | str, lang: str) -> str:
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    return format_date(day, format="long", locale=LOCALES.get(lang, "nl_NL"))


@dataclass(repr=False)
class Cover(Shown):
    theme_title: str
    region_name: str
    quarter_label: str
    vintage_label: str
    date_label: str
    lang: str
    is_sample: bool
    intro: str = ""
    kicker: str = ""
    mixed: bool = False  # the sample mixes real and synthetic figures

    @property
    def label(self) -> str:
        return self.theme_title

    def html(self) -> str:
        rows = [
            (t("cover_region", self.lang), self.region_name),
            (t("cover_quarter", self.lang), self.quarter_label),
            (t("cover_vintage", self.lang), self.vintage_label),
            (t("cover_date", self.lang), self.date_label),
        ]
        facts = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in rows)
        note = t("cover_sample_note_mixed" if self.mixed else "cover_sample_note", self.lang)
        sample = f'<p class="cover-sample">{escape(note)}</p>' if self.is_sample else ""
        intro = f'<p class="cover-intro">{escape(self.intro)}</p>' if self.intro else ""
        return (
            '<section class="cover">'
            f'<p class="cover-kicker">{escape(self.kicker or t("cover_kicker", self.lang, board="Signaal"))}</p>'
            f'<h1 class="cover-title">{escape(self.theme_title)}</h1>'
            f'<p class="cover-region">{escape(self.region_name)} · {escape(self.quarter_label)}</p>'
            f'{intro}<table class="cover-facts">{facts}</table>{sample}</section>'
        )

    def block(self) -> dict:
        return {"kind": "cover", "intro": self.intro}


@dataclass
class SummaryRow:
    topic: str
    summary: str
    anchor: str = ""


@dataclass(repr=False)
class Summary(Shown):
    rows: list[SummaryRow]
    lang: str
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or t("in_het_kort", self.lang)

    def html(self) -> str:
        body = "".join(
            f'<tr><th scope="row"><a href="#topic-{escape(r.anchor)}">{escape(r.topic)}</a></th>'
            f"<td>{escape(r.summary)}</td>"
            f'<td class="pageref"><a href="#topic-{escape(r.anchor)}" aria-label="{escape(t("page", self.lang))}"></a></td></tr>'
            for r in self.rows
        )
        return (
            '<section class="summary">'
            f"<h2>{escape(self.title or t('in_het_kort', self.lang))}</h2>"
            f'<table class="summary-table"><thead><tr><th scope="col">{escape(t("topic", self.lang))}</th>'
            f'<th scope="col">{escape(t("summary", self.lang))}</th><th scope="col" class="pageref">{escape(t("page_short", self.lang))}</th></tr></thead>'
            f"<tbody>{body}</tbody></table>"
            "</section>"
        )

    def block(self) -> dict:
        return {"kind": "summary"}


@dataclass(repr=False)
class TopicPage(Shown):
    """One topic page in the Twente Index convention."""

    indicator: str
    question: str
    subtitle: str
    chart: Chart | None
    source_line: str
    updated_line: str
    bullets: list[str]
    lang: str
    note: str = ""
    badges: list[tuple[str, str]] = field(default_factory=list)  # (css class, text)
    subject: str | None = None  # the catalogue indicator the page shows (None: a page across several)
    real_figures: bool = False  # only real figures on a sample's page: no sample watermark on it
    compact_chart: Chart | None = None  # the board pack's figure, where two topics share a page
    figures: tuple[list[str], list[list[str]]] | None = None  # (head, rows): the numbers behind the chart

    @property
    def label(self) -> str:
        return self.question

    def __repr__(self) -> str:
        return f"<TopicPage {self.indicator}: {self.question!r}>"

    def html(self, compact: bool = False) -> str:
        """The page; ``compact``: as the board pack shows it, with the compact figure (a topic
        takes half a page there, so that related topics share one)."""
        shown = self.compact_chart if compact and self.compact_chart else self.chart
        chart = (
            f'<figure class="chart">{shown.svg}<figcaption class="sr-only">{escape(shown.alt)}</figcaption></figure>'
            if shown
            else ""
        )
        note = f'<p class="chart-note">{escape(self.note)}</p>' if self.note else ""
        if self.figures and not compact:
            note = self._figures_html() + note
        badges = "".join(f'<span class="badge {escape(c)}">{escape(txt)}</span>' for c, txt in self.badges)
        items = "".join(f"<li>{escape(b)}</li>" for b in self.bullets)
        css = "topic real-figures" if self.real_figures else "topic"
        if compact and self.compact_chart:
            # half a page: the badges on the subtitle's line, the source and date on one line
            head = f'<p class="subtitle">{escape(self.subtitle)}{" " + badges if badges else ""}</p>'
            lines = f'<p class="source">{escape(self.source_line)} · <span class="updated">{escape(self.updated_line)}</span></p>'
            css += " compact"
        else:
            head = f'<p class="subtitle">{escape(self.subtitle)}</p>' + (
                f'<p class="badges">{badges}</p>' if badges else ""
            )
            lines = (
                f'<p class="source">{escape(self.source_line)}</p><p class="updated">{escape(self.updated_line)}</p>'
            )
        return (
            f'<section class="{css}" id="topic-{escape(self.indicator)}" data-indicator="{escape(self.indicator)}">'
            f'<h2 class="question">{escape(self.question)}</h2>{head}{chart}{note}{lines}'
            f'<div class="toelichting"><h3>{escape(t("toelichting", self.lang))}</h3><ul>{items}</ul></div>'
            "</section>"
        )

    def _figures_html(self) -> str:
        assert self.figures is not None
        head, rows = self.figures
        num = ' class="num"'
        cells = "".join(f'<th scope="col"{num if i else ""}>{escape(h)}</th>' for i, h in enumerate(head))
        body = "".join(
            f'<tr><th scope="row">{escape(r[0])}</th>'
            + "".join(f'<td class="num">{escape(v)}</td>' for v in r[1:])
            + "</tr>"
            for r in rows
        )
        caption = t("figures_caption", self.lang, n=len(head) - 1)
        return (
            f'<table class="topic-figures"><caption>{escape(caption)}</caption>'
            f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
        )

    def block(self) -> dict:
        info = {"kind": "topic", "id": f"topic-{self.indicator}", "indicator": self.subject, "title": self.question}
        if self.compact_chart is not None:
            info["pack_html"] = self.html(compact=True)  # what the board pack shows of it
        return info


@dataclass(repr=False)
class CompassPage(Shown):
    """The broad-welfare page (its body: :mod:`signaal.briefing.compass`); a topic page to the board pack."""

    question: str
    body: str

    @property
    def label(self) -> str:
        return self.question

    def html(self) -> str:
        return (
            f'<section class="topic compass-page" id="topic-kompas"><h2 class="question">{escape(self.question)}</h2>'
            f"{self.body}</section>"
        )

    def block(self) -> dict:
        return {"kind": "topic", "id": "topic-kompas", "indicator": None, "title": self.question}


@dataclass
class SourceRow:
    indicator: str
    definition: str
    source: str
    table: str
    updated: str


@dataclass(repr=False)
class Sources(Shown):
    rows: list[SourceRow]
    lang: str

    @property
    def label(self) -> str:
        return t("sources_appendix", self.lang)

    def html(self) -> str:
        body = "".join(
            f'<tr><th scope="row">{escape(r.indicator)}</th><td>{escape(r.definition)}</td>'
            f'<td>{escape(r.source)}</td><td class="nowrap">{escape(r.table)}</td><td class="nowrap">{escape(r.updated)}</td></tr>'
            for r in self.rows
        )
        head = "".join(
            f'<th scope="col">{escape(h)}</th>'
            for h in (
                t("col_indicator", self.lang),
                t("col_definition", self.lang),
                t("col_source", self.lang),
                t("col_table", self.lang),
                t("updated_line", self.lang, date="").rstrip(": "),
            )
        )
        return (
            '<section class="sources">'
            f"<h2>{escape(t('sources_appendix', self.lang))}</h2>"
            f"<p>{escape(t('sources_intro', self.lang))}</p>"
            f'<table class="sources-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
            "</section>"
        )

    def block(self) -> dict:
        return {"kind": "sources", "rows": [asdict(r) for r in self.rows]}


class Output:
    """A block as a Jupyter display object: HTML, plain text outside Jupyter, and what the
    block is (``block``, stored as :data:`BLOCK_MIMETYPE`; see the module docstring)."""

    def __init__(self, html: str, text: str = "", block: dict | None = None):
        self._html = html
        self._text = text
        self.block = json.loads(json.dumps(block)) if block else None  # plain JSON only

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": wrap(self._html), "text/plain": self._text or "[Signaal briefing block]"}
        if self.block:
            bundle[BLOCK_MIMETYPE] = self.block
        return bundle

    def __str__(self) -> str:
        return self._html


class MetaOutput:
    """Invisible output that tells the exporter what the briefing is (watermark, title)."""

    def __init__(self, meta: dict):
        self.meta = json.loads(json.dumps(meta))  # plain JSON only

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {META_MIMETYPE: self.meta, "text/plain": ""}
