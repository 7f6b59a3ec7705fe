"""What the board reads first: "In één oogopslag", the board's targets, what changed.

Three page builders for the front of the board pack, and the methods appendix at its end:

- :func:`glance_html`: Bruto Twents Geluk as published beside our compass in one sentence
  that states the relation, then three to five urgencies and two to three opportunities in
  plain Dutch, each with its number, its comparison and what it means in people, homes or
  euros (the catalogue's ``meaning``, computed from counts in the data);
- :func:`targets_html`: every board target of ``doelen.csv`` in one table — the region, the
  benchmark, the status, the year reached at the current pace;
- :func:`changes_html`: what changed since the previous briefing — signals new, gone or of
  another colour, figures CBS revised (by how much), figures new since then, and what the
  sources say will be published before the next quarter;
- :func:`methods_html`: how the signals are made, with the strength scores, p-values and rule
  names that no page before it shows.

No strength score, p-value or rule name appears on the first three.
"""

from __future__ import annotations

import math
from html import escape

from .. import formatting as fmt
from ..periods import Period
from ..signals.curate import curate
from ..signals.history import Previous, Revision, SignalChange
from ..signals.model import Kind, Signal
from ..signals.ranking import Rank, rank_of
from ..text import t, upper_first

URGENCIES, OPPORTUNITIES = 5, 3
MAX_CHANGES = 8


# ---------------------------------------------------------------------------- numbers in words
def amount_text(amount: float, noun: str, euro: bool, lang: str) -> str:
    """An amount as the board reads it: rounded to two significant digits ("ongeveer 16.000
    hoogopgeleiden"), euros in millions or billions ("€ 7,0 miljard")."""
    size = abs(amount)
    if euro:
        for scale, key in ((1e9, "amount_billion"), (1e6, "amount_million")):
            if size >= scale:
                return t(key, lang, value=fmt.number(size / scale, 1, lang))
        return "€ " + fmt.number(_two_digits(size), 0, lang)
    return f"{fmt.number(_two_digits(size), 0, lang)} {noun}".strip()


def _two_digits(x: float) -> float:
    if x < 100:
        return round(x)
    digits = int(math.floor(math.log10(x))) - 1
    return round(x, -digits)


def _value(x: float | None, n: dict, lang: str) -> str:
    return fmt.value(x, n.get("unit", ""), int(n.get("decimals", 1)), lang)


def _size(x: float, n: dict, lang: str) -> str:
    return fmt.magnitude(x, n.get("unit", ""), int(n.get("decimals", 1)), lang)


def change_text(x: float | None, n: dict, lang: str) -> str:
    """A signal's change as its numbers ``n`` say to write it: a relative one as a signed
    percentage, else in the indicator's unit; '–' without one (front pages, signal board)."""
    if x is None:
        return "–"
    if n.get("basis") == "relatief":
        return fmt.percent(x, 1, lang, sign=True)
    return fmt.change(x, n.get("unit", ""), int(n.get("decimals", 1)), lang)


def _meaning(s: Signal, data, lang: str) -> str:
    """'; dat zijn ongeveer 16.000 hoogopgeleiden minder dan bij het Nederlandse niveau' from the
    signal's ``meaning`` ('' without one): the count behind a gap to the Netherlands, behind a
    lag on the national development, or behind the region's own change."""
    m = s.numbers.get("meaning")
    if not m or not m.get("amount") or data is None or s.indicator not in data.cat:
        return ""
    ind = data.cat[s.indicator]
    noun = ind.meaning.noun.get(lang) if ind.meaning else ""
    amount = float(m["amount"])
    euro = ind.unit == "euro" and s.numbers.get("difference_basis") == "level"
    text = amount_text(amount, noun, euro, lang)
    if text.startswith("0 ") or text in ("€ 0", "0"):
        return ""
    n = s.numbers
    if n.get("difference_basis") == "level":
        against = "front_against_level"
    elif n.get("national_change") is not None or n.get("national_change_over_window") is not None:
        against = "front_against_development"
    else:
        against = ""
    more = t("front_more_word" if amount > 0 else "front_less_word", lang)
    key = "front_meaning_euro" if euro else "front_meaning"
    return t(key, lang, amount=text, more=more, against=t(against, lang) if against else "")


# ---------------------------------------------------------------------------- one line per signal
def _target_eta(n: dict, lang: str) -> str:
    case = n.get("case", "")
    if case == "met":
        return t("front_eta_met", lang, since=Period.parse(n["met_since"]).label(lang))
    if case in ("on_track", "off_track_slow") and n.get("expected"):
        key = "front_eta_on_track" if case == "on_track" else "front_eta_slow"
        return t(key, lang, year=Period.parse(n["expected"]).year)
    if case == "off_track":
        return t("front_eta_widening", lang)
    return ""


def _gap_words(gap: float, n: dict, bench: str, value: float, bench_value: float, lang: str) -> str:
    key = "front_gap_lower" if gap < 0 else "front_gap_higher"
    return t(
        key,
        lang,
        gap=_size(gap, n, lang),
        bench=bench,
        value=_value(value, n, lang),
        bench_value=_value(bench_value, n, lang),
    )


def _cumulative_line(n: dict, lang: str) -> str:
    year = n.get("year_reached")
    by = Period.parse(n["by"])
    eta = (
        t("front_cum_eta", lang, year=year, by=by.phrase(lang))
        if year and year > by.year
        else t("front_cum_in_time", lang, by=by.phrase(lang))
        if year
        else ""
    )
    return t(
        "front_cumulative",
        lang,
        progress=fmt.number(n["progress"], 0, lang),
        goal=fmt.number(n["goal"], 0, lang),
        start=Period.parse(n["start"]).phrase(lang),
        share=fmt.percent(n.get("share_done") or 0.0, 0, lang),
        pace=fmt.number(n["pace_per_year"], 0, lang),
        needed=fmt.number(n.get("needed_per_year", 0.0), 0, lang),
        eta=eta,
    )


def signal_line(s: Signal, data, lang: str) -> str:
    """The plain-language line of one signal: its number, its comparison, what it means."""
    n, nl = s.numbers, t("netherlands", lang)
    if s.rule == "doel" and n.get("target_kind") == "cumulative":
        return _cumulative_line(n, lang)
    if s.rule == "doel":
        bench = data.reg.sentence_name(n["benchmark_region"], lang) if n.get("benchmark_region") else nl
        text = _gap_words(n["gap"], n, bench, n["value"], n["benchmark"], lang) + _meaning(s, data, lang)
        eta = _target_eta(n, lang)
        return text + "." + (f" {eta}" if eta else "")
    if s.rule in ("kloof", "klok"):
        return _gap_words(n["gap"], n, nl, n["value"], n["benchmark"], lang) + _meaning(s, data, lang) + "."
    if s.rule == "trend":
        words = t(f"sig_word_{n.get('frequency', 'Y')}", lang)
        national = n.get("national_change_over_window")
        text = t(
            "front_trend",
            lang,
            change=change_text(n["change_over_window"], n, lang),
            span=fmt.counted(int(n["window"]), words, lang),
        )
        if national is not None:
            text += t("front_vs_national", lang, change=change_text(national, n, lang))
        return text + _meaning(s, data, lang) + "."
    if s.rule == "verandering":
        rolling = t("front_rolling", lang) if n.get("rolling") else ""
        text = t("front_change", lang, change=change_text(n["change_year"], n, lang), rolling=rolling)
        if n.get("national_change") is not None:
            text += t("front_vs_national", lang, change=change_text(n["national_change"], n, lang))
        return text + _meaning(s, data, lang) + "."
    if s.rule == "positie":
        rank = Rank(int(n["rank"]), int(n.get("rank_high", n["rank"])), int(n["n"]))
        return t(
            "front_position",
            lang,
            rank=rank.text(lang),
            value=_value(n["value"], n, lang),
            median=_value(n["median"], n, lang),
        )
    return s.sentence(lang)


def _title(s: Signal, data, lang: str) -> str:
    """The indicator's title; a cumulative target's own name ("Regionale Woondeal Twente")."""
    if s.rule == "doel" and s.numbers.get("target_kind") == "cumulative":
        label = s.numbers.get("label_nl" if lang == "nl" else "label_en") or ""
        head, sep, _ = label.partition(": ")
        if sep:
            return head
    return s.title(lang) or s.indicator


def _where(s: Signal, data, lang: str) -> str:
    """Where the figure comes from when it is not the focus region's own: ' (arbeidsmarktregio
    Twente)' for the labour-market region of the same municipalities, ' (cijfer van Overijssel;
    voor Twente niet gepubliceerd)' for a province standing in; '' otherwise."""
    if data is None or not s.data_region or s.data_region == s.region:
        return ""
    reg, focus = data.reg, data.reg.sentence_name(s.region, lang)
    if s.region in reg and reg.labour_market_region(s.region) == s.data_region:
        return t("front_where_labour_market", lang, name=focus)
    return t("front_where_proxy", lang, region=reg.sentence_name(s.data_region, lang), focus=focus)


def _items(chosen: list[Signal], data, lang: str) -> str:
    return "".join(
        f'<li class="front-item front-{escape(s.kind)}"><strong>{escape(_title(s, data, lang))}</strong>'
        f"{escape(_where(s, data, lang))}: {escape(signal_line(s, data, lang))}</li>"
        for s in chosen
    )


# ---------------------------------------------------------------------------- the pages
def btg_sentence(data, focus: str, quarter, lang: str) -> str:
    """Bruto Twents Geluk as published beside our compass, in one sentence that states the
    relation; '' when neither is there."""
    from ..errors import SignaalError
    from ..signals.compass import BTG_INDICATOR, compass

    reg = data.reg
    parts = []
    happier = None
    if BTG_INDICATOR in data.cat:
        table = data.table(BTG_INDICATOR, [focus, reg.national], up_to=quarter).dropna()
        if not table.empty:
            year = str(table.index[-1])
            mark, nl_mark = float(table[focus].iloc[-1]), float(table[reg.national].iloc[-1])
            happier = mark > nl_mark
            relation = (
                "front_btg_higher" if mark > nl_mark else "front_btg_lower" if mark < nl_mark else "front_btg_same"
            )
            parts.append(
                t(
                    "front_btg",
                    lang,
                    people=upper_first(reg.demonym(focus, lang)),
                    mark=fmt.number(mark, 1, lang),
                    year=year,
                    relation=t(relation, lang),
                    nl_mark=fmt.number(nl_mark, 1, lang),
                )
            )
    try:
        c = compass(data, focus, quarter)
    except SignaalError:  # a catalogue or data without the compass's indicators
        c = None
    if c is not None:
        rank = rank_of(c.composite, focus, "higher_is_better")
        if rank is not None:
            parts.append(t("front_compass", lang, region=reg.sentence_name(focus, lang), rank=rank.text(lang)))
            if happier is not None:
                upper = rank.middle <= rank.n / 2
                key = f"front_paradox_{'happier' if happier else 'less_happy'}_{'upper' if upper else 'lower'}"
                parts.append(t(key, lang, people=upper_first(reg.demonym(focus, lang))))
    return " ".join(parts)


def glance_choice(signals: list[Signal], data, focus: str, quarter, lang: str):
    """(the Bruto Twents Geluk sentence, the urgencies, the opportunities) of "In één
    oogopslag": the curated board's strongest, at most one per indicator."""
    from ..signals.compass import BTG_INDICATOR

    btg = btg_sentence(data, focus, quarter, lang) if data is not None else ""
    chosen = curate(signals, limit=40, cat=data.cat if data is not None else None)
    if btg:  # Bruto Twents Geluk is in the opening sentence: not again in the list below it
        chosen = [s for s in chosen if s.indicator != BTG_INDICATOR]
    urgent = [s for s in chosen if s.kind == Kind.URGENT][:URGENCIES]
    chances = [s for s in chosen if s.kind == Kind.OPPORTUNITY][:OPPORTUNITIES]
    return btg, urgent, chances


def glance_html(signals: list[Signal], data, focus: str, quarter, lang: str, choice=None) -> str:
    """The page "In één oogopslag" (``choice``: what :func:`glance_choice` gave, else chosen here)."""
    btg, urgent, chances = choice or glance_choice(signals, data, focus, quarter, lang)
    region = data.reg.sentence_name(focus, lang) if data is not None else focus
    period = Period.parse(str(quarter)).label(lang)
    parts = [
        '<section class="front front-glance" id="pack-oogopslag">',
        f'<h1 class="front-title" data-running="{escape(t("front_glance_title", lang))}">'
        f"{escape(t('front_glance_title', lang))}</h1>",
        f'<p class="front-sub">{escape(t("front_glance_sub", lang, region=region, quarter=period))}</p>',
    ]
    if btg:
        parts.append(f'<p class="front-btg">{escape(btg)}</p>')
    for kind, group, none in (
        (Kind.URGENT, urgent, "front_no_urgencies"),
        (Kind.OPPORTUNITY, chances, "front_no_opportunities"),
    ):
        heading = t(f"sig_kinds_{kind}", lang)
        body = (
            f'<ol class="front-list">{_items(group, data, lang)}</ol>' if group else f"<p>{escape(t(none, lang))}</p>"
        )
        parts.append(f'<div class="front-group front-group-{kind}"><h2>{escape(heading)}</h2>{body}</div>')
    parts.append(f'<p class="front-note">{escape(t("front_glance_note", lang))}</p>')
    parts.append("</section>")
    return "".join(parts)


def _target_label(text: str) -> str:
    """'Doel Twente Board: aandeel … minstens …' → 'Aandeel … minstens …' (the table says whose)."""
    head, sep, rest = text.partition(": ")
    return upper_first(rest) if sep and len(rest) > 10 else text


def _target_cells(s: Signal, data, lang: str) -> list[str]:
    """Region, benchmark, status and the year at the current pace of one target signal."""
    n = s.numbers
    status = t(f"front_status_{n.get('status', '').replace(' ', '_')}", lang)
    if n.get("target_kind") == "cumulative":
        year = n.get("year_reached")
        region = t(
            "front_cum_done",
            lang,
            progress=fmt.number(n["progress"], 0, lang),
            share=fmt.percent(n.get("share_done") or 0.0, 0, lang),
        )
        bench = t(
            "front_cum_goal",
            lang,
            goal=fmt.number(n["goal"], 0, lang),
            by=Period.parse(n["by"]).phrase(lang),
            needed=fmt.number(n.get("needed_per_year", 0.0), 0, lang),
            pace=fmt.number(n["pace_per_year"], 0, lang),
        )
        when = str(year) if year else t("front_never", lang)
        return [region, bench, status, when]
    period = Period.parse(s.period).label(lang)
    bench_name = data.reg.sentence_name(n["benchmark_region"], lang) if n.get("benchmark_region") else ""
    case = n.get("case", "")
    if case == "met":
        when = t("front_eta_met", lang, since=Period.parse(n["met_since"]).label(lang))
    elif n.get("expected"):
        when = str(Period.parse(n["expected"]).year)
    elif case == "off_track":
        when = t("front_never_widening", lang)
    else:
        when = "–"
    return [
        f"{_value(n['value'], n, lang)} ({period})",
        f"{_value(n['benchmark'], n, lang)} {bench_name}".strip(),
        status,
        when,
    ]


def _bridge(data, target, s: Signal, lang: str) -> str:
    """Net additions against completions for a stock target (the Woondeal): the flow of the
    same CBS table summed over the same quarters, and what went off the stock meanwhile."""
    cat = data.cat
    stock = cat[target.indicator]
    flows = [i for i in cat.indicators.values() if i.flow and i.source.table and i.source.table == stock.source.table]
    if not flows or s.numbers.get("target_kind") != "cumulative":
        return ""
    start, last = Period.parse(s.numbers["start"]), Period.parse(s.period)
    series = data.series(flows[0].id, target.region, freq=stock.display_freq, up_to=last.quarter())
    done = series[[start.ordinal < Period.parse(str(p)).ordinal <= last.ordinal for p in series.index]]
    if len(done) != last.ordinal - start.ordinal:
        return ""
    built, added = float(done.sum()), float(s.numbers["progress"])
    return t(
        "front_bridge",
        lang,
        added=fmt.number(added, 0, lang),
        flow=flows[0].title.get(lang).lower(),
        built=fmt.number(built, 0, lang),
        diff=fmt.number(abs(built - added), 0, lang),
        direction=t("front_bridge_off" if built > added else "front_bridge_on", lang),
    )


def targets_html(signals, data, focus: str, targets: list, lang: str, no_previous: str = "") -> str:
    """Every board target of the focus region in one table: the region, the benchmark, the
    status and the year reached at the current pace; a target without figures says why."""
    region = data.reg.sentence_name(focus, lang)
    head = "".join(
        f'<th scope="col">{escape(h)}</th>'
        for h in (
            t("front_col_target", lang),
            region,
            t("front_col_benchmark", lang),
            t("front_col_status", lang),
            t("front_col_year", lang),
        )
    )
    rows, notes = [], []
    skipped = getattr(signals, "skipped", [])
    for tg in targets:
        s = next((x for x in signals if x.rule == "doel" and x.numbers.get("target") == tg.id), None)
        label = escape(_target_label(tg.label(lang)))
        if s is None:
            why = next(
                (k.reason(lang) for k in skipped if k.indicator == tg.indicator and k.rule in ("doel", "alle")), ""
            )
            rows.append(
                f'<tr data-target="{escape(tg.id)}"><th scope="row">{label}</th>'
                f'<td colspan="4">{escape(t("front_no_figures", lang, why=why) if why else "–")}</td></tr>'
            )
            continue
        cells = _target_cells(s, data, lang)
        status = s.numbers.get("status", "").replace(" ", "-")
        rows.append(
            f'<tr data-target="{escape(tg.id)}"><th scope="row">{label}</th>'
            + "".join(f"<td>{escape(c)}</td>" for c in cells[:2])
            + f'<td class="front-status front-status-{escape(status)}">{escape(cells[2])}</td>'
            + f"<td>{escape(cells[3])}</td></tr>"
        )
        if tg.note(lang):
            notes.append(f"{_target_label(tg.label(lang))}: {tg.note(lang)}")
        bridge = _bridge(data, tg, s, lang)
        if bridge:
            notes.append(bridge)
    parts = [
        '<section class="front front-targets" id="pack-doelen">',
        f'<h1 class="front-title" data-running="{escape(t("front_targets_title", lang))}">'
        f"{escape(t('front_targets_title', lang))}</h1>",
        f'<table class="front-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>',
        "".join(f'<p class="front-note">{escape(note)}</p>' for note in notes),
        f'<p class="front-note front-no-previous">{escape(no_previous)}</p>' if no_previous else "",
        "</section>",
    ]
    return "".join(parts)


def _revision_line(r: Revision, data, lang: str) -> str:
    ind = data.cat.indicators.get(r.indicator)
    unit, decimals = (ind.unit, ind.decimals) if ind is not None else ("", 1)
    title = ind.title.get(lang) if ind is not None else r.indicator
    change = fmt.change(r.change, unit, decimals, lang)
    rel = f"; {fmt.percent(r.relative, 1, lang, sign=True)}" if r.relative is not None and unit != "percent" else ""
    return t(
        "front_revision",
        lang,
        title=title,
        region=data.reg.sentence_name(r.region, lang),
        period=Period.parse(r.period).label(lang),
        old=fmt.value(r.old, unit, decimals, lang),
        new=fmt.value(r.new, unit, decimals, lang),
        change=change + rel,
    )


def _change_line(c: SignalChange, lang: str) -> str:
    if c.what == "andere kleur":
        before = t(f"sig_kind_{c.before}", lang).lower() if c.before else t("front_no_signal", lang)
        what = t("front_recoloured", lang, before=before, now=t(f"sig_kind_{c.now}", lang).lower())
    else:
        kind = c.now if c.what == "nieuw" else c.before
        what = t(f"front_{'new' if c.what == 'nieuw' else 'gone'}", lang, kind=t(f"sig_kind_{kind}", lang).lower())
    return f"{c.title(lang)} ({what}): {c.sentence(lang)}"


def _listed(lines: list[str], lang: str, limit: int = MAX_CHANGES) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines[:limit])
    more = f"<li>{escape(t('front_more', lang, n=len(lines) - limit))}</li>" if len(lines) > limit else ""
    return f'<ul class="front-changes">{items}{more}</ul>'


def _one_per_indicator(changes: list[SignalChange]) -> list[SignalChange]:
    """The first (most telling) change of each indicator."""
    seen: set[str] = set()
    out = []
    for c in changes:
        if c.indicator not in seen:
            seen.add(c.indicator)
            out.append(c)
    return out


def _inputs_only(cat) -> set[str]:
    """Counts the catalogue uses to compute or explain others (the population aged 15 to 75,
    households, the CPI, short-term benefits): no news of their own for the board."""
    used = set()
    for ind in cat.indicators.values():
        tf = ind.transform
        if tf is not None:
            used |= {x for x in (tf.denominator, tf.deflator) if x}
        if ind.meaning and ind.meaning.per != ind.id:
            used.add(ind.meaning.per)
    return {i for i in used if i in cat.indicators and (cat[i].polarity == "neutral" or cat[i].source.kind == "uwv")}


def changes_html(
    previous: Previous,
    changes: list[SignalChange],
    revised: list[Revision],
    new: dict[str, str],
    upcoming: list[str],
    data,
    lang: str,
) -> str:
    """ "Wat is er veranderd sinds <vorig kwartaal>": signals new, gone, of another colour;
    revisions; new figures; what the sources say comes before the next quarter."""
    since = Period.parse(previous.quarter).phrase(lang) if previous.quarter else ""
    title = t("front_changes_title", lang, quarter=since)
    parts = [
        '<section class="front front-changes-page" id="pack-veranderd">',
        f'<h1 class="front-title" data-running="{escape(title)}">{escape(title)}</h1>',
        f"<h2>{escape(t('front_changes_signals', lang))}</h2>",
        _listed([_change_line(c, lang) for c in _one_per_indicator(changes)], lang)
        if changes
        else f"<p>{escape(t('front_changes_none', lang))}</p>",
        f"<h2>{escape(t('front_changes_revised', lang))}</h2>",
        _listed([_revision_line(r, data, lang) for r in revised], lang)
        if revised
        else f"<p>{escape(t('front_revised_none', lang))}</p>",
    ]
    listed = {i: p for i, p in new.items() if i not in _inputs_only(data.cat)}
    if listed:
        names = [
            t("front_new_item", lang, title=data.cat[i].title.get(lang), period=Period.parse(p).label(lang))
            for i, p in listed.items()
        ]
        parts += [f"<h2>{escape(t('front_changes_new', lang))}</h2>", f"<p>{escape('; '.join(names))}.</p>"]
    if upcoming:
        parts += [f"<h2>{escape(t('front_changes_upcoming', lang))}</h2>", _listed(upcoming, lang, 12)]
    parts.append("</section>")
    return "".join(parts)


def _p_value(s: Signal, lang: str) -> str:
    p = s.numbers.get("p_value")
    if p is None or s.rule != "trend":
        return ""
    return ("< " + fmt.number(0.001, 3, lang)) if p < 0.001 else fmt.number(p, 3, lang)


def methods_html(signals: list[Signal], data, lang: str, limit: int = 16) -> str:
    """The methods appendix: how a finding becomes a signal, and the technical numbers (rule,
    strength, p-value, size against the relevant size) of the signals the pack shows first."""
    chosen = curate(signals, limit=limit, cat=data.cat if data is not None else None)
    head = "".join(
        f'<th scope="col">{escape(t(k, lang))}</th>'
        for k in (
            "methods_col_indicator",
            "methods_col_rule",
            "methods_col_kind",
            "methods_col_direction",
            "methods_col_strength",
            "methods_col_p",
            "methods_col_size",
            "methods_col_relevant",
        )
    )
    rows = []
    for s in chosen:
        j = s.numbers.get("judgement") or {}
        size, relevant = j.get("size"), j.get("relevant")
        rule = t(f"sig_rule_{s.rule}", lang, region="") if s.rule == "klok" else t(f"sig_rule_{s.rule}", lang)
        cells = [
            s.title(lang) or s.indicator,
            rule.strip(" -"),
            t(f"sig_kind_{s.kind}", lang),
            t(f"dir_{s.direction or 'geen'}", lang),
            fmt.number(s.strength, 2, lang),
            _p_value(s, lang),
            fmt.number(size, 2, lang) if size is not None else "",
            fmt.number(relevant, 2, lang) if relevant is not None else "",
        ]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    paragraphs = "".join(f"<p>{escape(t(f'methods_p{i}', lang))}</p>" for i in range(1, 6))
    title = t("methods_title", lang)
    return (
        '<section class="pack-section pack-methods" id="pack-methode">'
        f'<h1 class="pack-section-title" data-running="{escape(title)}">{escape(title)}</h1>'
        f"{paragraphs}"
        f'<table class="methods-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<p class="front-note">{escape(t("methods_table_note", lang))}</p>'
        "</section>"
    )


def upcoming_releases(data, lang: str) -> list[str]:
    """What the sources say will be published next ("Wanneer komen er nieuwe cijfers?" of a
    CBS table, recorded by the refresh as ``next_release``): one line per table that says so."""
    lines = []
    for table, info in sorted((data.vintage.manifest.get("sources") or {}).items()):
        text = (info or {}).get("next_release") if isinstance(info, dict) else None
        if text:
            lines.append(t("front_upcoming", lang, table=table, title=info.get("title") or table, text=text))
    return lines


def _unbroken(html: str) -> str:
    """No line break between the euro sign and its amount ("€ 7,0 miljard")."""
    return html.replace("€ ", "€&nbsp;")


def front_pages(signals, data, focus: str, quarter, lang: str, targets: list, previous) -> dict:
    """The front of the board pack: ``{"html": …, "new_figures": {indicator: period}, "previous": …}``.

    ``previous`` is the earlier briefing (:class:`~signaal.signals.history.Previous`) or None:
    then one line on the targets page says so (where it was looked for goes to the run's
    notes, not to the board)."""
    from ..signals.history import compare_signals, new_figures, revisions

    choice = glance_choice(signals, data, focus, quarter, lang)
    glance = glance_html(signals, data, focus, quarter, lang, choice)
    _, urgent, chances = choice
    chosen = {"urgentie": [s.indicator for s in urgent], "kans": [s.indicator for s in chances]}
    if previous is None:
        region = data.reg.sentence_name(focus, lang)
        line = t("front_no_previous", lang, region=region)
        html = _unbroken(glance + targets_html(signals, data, focus, targets, lang, line))
        return {"html": html, "new_figures": {}, "glance": chosen}
    reg = data.reg
    regions = [c for c in (focus, reg.province_of(focus), reg.national) if c]
    judged = list(dict.fromkeys(s.indicator for s in signals))
    new = new_figures(data, previous, judged, focus, Period.parse(str(quarter)))
    changes = changes_html(
        previous,
        compare_signals(previous.signals, list(signals)),
        revisions(data, previous, regions),
        new,
        upcoming_releases(data, lang),
        data,
        lang,
    )
    return {
        "html": _unbroken(glance + targets_html(signals, data, focus, targets, lang) + changes),
        "new_figures": new,
        "previous": {"quarter": previous.quarter, "folder": str(previous.folder)},
        "glance": chosen,
    }
