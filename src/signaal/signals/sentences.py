"""Words for the rules' findings: one sentence per signal, Dutch and English, from templates.

Every sentence is a template in ``text/labels.yaml`` (keys ``sig_*``) filled with numbers
formatted by :mod:`signaal.formatting` (``4,1%``, ``+0,3 procentpunt``, ``12.345``, ``8
kwartalen``). No sentence is typed for a particular value. Each signal also gets a few
labelled "facts" (the numbers behind it, formatted) for the signal board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import formatting as fmt
from ..periods import Period
from ..text import t
from .inputs import Finding, Inputs, Skip
from .ranking import Rank


class Words:
    """Formatting helpers for one indicator, region and language."""

    def __init__(self, inp: Inputs, lang: str):
        self.inp, self.lang, self.ind = inp, lang, inp.ind

    def name(self, code: str) -> str:
        return self.inp.reg.sentence_name(code, self.lang)

    @property
    def region(self) -> str:
        reg = self.inp.reg
        covers = reg[self.inp.focus].level == "corop" and reg.labour_market_region(self.inp.focus) == self.inp.region
        if covers:  # a labour-market region of the same area is no proxy: "arbeidsmarktregio Twente"
            return t("sig_labour_market_region", self.lang, name=self.name(self.inp.focus))
        if self.inp.region != self.inp.focus:
            return t("sig_proxy_region", self.lang, region=self.name(self.inp.region), focus=self.name(self.inp.focus))
        return self.name(self.inp.region)

    def window(self, first: Period, last: Period) -> str:
        """A span of periods as the board reads it: ``2018–2025``; quarters and months in
        full words ("4e kwartaal 2024 tot en met 3e kwartaal 2026")."""
        if first.freq == "Y":
            return f"{first.year}–{last.year}"
        return self.t("sig_window_through", first=first.label(self.lang), last=last.label(self.lang))

    @property
    def title(self) -> str:
        return self.ind.title.get(self.lang)

    def value(self, x: float) -> str:
        return fmt.value(x, self.ind.unit, self.ind.decimals, self.lang)

    def diff(self, x: float) -> str:
        """A signed difference in the indicator's own unit: ``+0,3 procentpunt``."""
        return fmt.change(x, self.ind.unit, self.ind.decimals, self.lang)

    def size(self, x: float) -> str:
        """The size of a difference without sign: ``0,3 procentpunt``."""
        return fmt.magnitude(x, self.ind.unit, self.ind.decimals, self.lang)

    def change(self, x: float, basis: str) -> str:
        """A change in its basis: a signed difference, or a signed % change for counts."""
        return fmt.percent(x, 1, self.lang, sign=True) if basis == "relatief" else self.diff(x)

    def pair(self, a: float, b: float, how: str = "diff") -> tuple[str, str]:
        """Two numbers that differ, shown so that they look different: one or two more
        decimals when the usual rounding would print them the same (``−0,3`` and ``−0,3``)."""
        d0 = 1 if how in ("relatief", "points") else self.ind.decimals

        def show(x: float, d: int) -> str:
            if how == "relatief":
                return fmt.percent(x, d, self.lang, sign=True)
            if how == "points":
                return fmt.points(x, d, self.lang)
            if how == "value":
                return fmt.value(x, self.ind.unit, d, self.lang)
            if how == "size":
                return fmt.magnitude(x, self.ind.unit, d, self.lang)
            return fmt.change(x, self.ind.unit, d, self.lang)

        for d in (d0, d0 + 1, d0 + 2):
            sa, sb = show(a, d), show(b, d)
            if sa != sb or a == b:
                return sa, sb
        return sa, sb

    def nominal(self, x: float | None, n: dict) -> str:
        """' (nominaal +4,8%)' beside a change in real terms; '' without a nominal figure."""
        return self.t("sig_nominal", change=self.change(x, n["basis"])) if x is not None else ""

    def in_period_of(self, p: Period | str, rolling: bool) -> str:
        """'in het 3e kwartaal 2026', or for a flow on rolling sums 'in de vier kwartalen tot en met …'."""
        return self.t("sig_in_rolling", period=self.period(p)) if rolling else self.in_period(p)

    def count(self, x: float) -> str:
        return fmt.number(x, 0, self.lang)

    def period(self, p: Period | str) -> str:
        p = Period.parse(str(p))
        return t(f"sig_period_{p.freq}", self.lang, label=p.label(self.lang))

    def in_period(self, p: Period | str) -> str:
        return t("sig_in", self.lang, period=self.period(p))

    def span(self, first: str, last: str) -> str:
        a, b = Period.parse(first), Period.parse(last)
        return fmt.counted(b.ordinal - a.ordinal + 1, t(f"sig_word_{b.freq}", self.lang), self.lang)

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)


Phrasing = Callable[[Finding, Words], tuple[str, list[list[str]]]]
_PHRASINGS: dict[str, Phrasing] = {}


def phrases(rule: str) -> Callable[[Phrasing], Phrasing]:
    """Register the decorated function as the words for the findings of ``rule`` (its key)."""

    def register(function: Phrasing) -> Phrasing:
        if rule in _PHRASINGS:
            raise ValueError(
                f"words for rule {rule!r} are registered twice: by {_PHRASINGS[rule].__name__} "
                f"and by {function.__name__}"
            )
        _PHRASINGS[rule] = function
        return function

    return register


def phrased_rules() -> tuple[str, ...]:
    """The keys of the rules that have words."""
    return tuple(_PHRASINGS)


def render(f: Finding, inp: Inputs, lang: str) -> tuple[str, list[list[str]]]:
    """The sentence and the labelled facts of a finding."""
    return _PHRASINGS[f.rule](f, Words(inp, lang))


@phrases("trend")
def _trend(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    first, last = Period.parse(n["first"]), Period.parse(n["last"])
    national = ""
    if n.get("national_change_over_window") is not None:
        national = w.t("sig_trend_national", change=w.change(n["national_change_over_window"], n["basis"]))
    common = dict(
        title=w.title,
        region=w.region,
        span=w.span(n["first"], n["last"]),
        window=w.window(first, last),
        change=w.change(n["change_over_window"], n["basis"]) + w.nominal(n.get("nominal_change_over_window"), n),
        national=national,
    )
    if f.case == "grey":
        text = w.t("sig_trend_grey", **common)
    else:
        verdict = {"groen": "sig_verdict_good", "rood": "sig_verdict_bad"}.get(n["colour"])
        text = w.t(
            "sig_trend_significant",
            direction=w.t("sig_dir_up" if f.case == "up" else "sig_dir_down"),
            verdict=w.t(verdict) if verdict else "",
            **common,
        )
    for b in n["breaks_as_steps"]:
        text += w.t("sig_trend_break", period=Period.parse(b).label(w.lang))
    # the p-value and the regions' movement are for the methods appendix (signals.csv has them)
    facts = [[w.t("sig_fact_window", window=w.window(first, last)), common["change"]]]
    if n.get("national_change_over_window") is not None:
        facts.append([w.t("sig_fact_national_change"), w.change(n["national_change_over_window"], n["basis"])])
    return text, facts


@phrases("verandering")
def _change(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    last = Period.parse(w.inp.series.index[-1])
    verdict = f"sig_change_{f.case}" if f.case != "neutral" else None
    band = ""
    if "band" in n:
        band = w.t("sig_change_band", band=w.t(f"band_{n['band']}"), band_before=w.t(f"band_{n['band_year_ago']}"))
    change, usual = w.change(n["change_year"], n["basis"]), None
    if n.get("usual_change") is not None:
        # a notable deviation shows enough decimals to be seen; an ordinary change the usual ones
        usual = w.change(n["usual_change"], n["basis"])
        if n["notable"]:
            change, usual = w.pair(n["change_year"], n["usual_change"], n["basis"])
    usual_part = ""
    if usual is not None:
        basis = n["usual_basis"]
        usual_part = (
            w.t("sig_change_usual_nl", usual=usual)
            if basis == "nederland"
            else w.t("sig_change_usual_own", usual=usual)
            if basis == "eigen reeks"
            else w.t("sig_change_usual_regions", usual=usual, set=w.t(f"sig_set_{basis}"))
        )
    nominal = w.nominal(n.get("nominal_change_year"), n)
    common = dict(
        title=w.title,
        region=w.region,
        value=w.value(n["value"]),
        in_period=w.in_period_of(last, bool(n.get("rolling"))),
        change=change + nominal,
        usual=usual_part,
        band=band,
        verdict=w.t(verdict) if verdict else "",
    )
    facts = [
        [w.t("sig_fact_value", period=last.label(w.lang)), common["value"]],
        [w.t("sig_fact_change_year"), common["change"]],
    ]
    if usual is not None:
        label = "sig_fact_national_change" if n["usual_basis"] == "nederland" else "sig_fact_usual_change"
        facts.append([w.t(label), usual])
    if "change_previous" in n:
        text = w.t(
            "sig_change_sub",
            change_prev=w.change(n["change_previous"], n["basis"]),
            prev=w.period(n["previous_period"]),
            **common,
        )
        facts.append(
            [
                w.t("sig_fact_change_prev", period=Period.parse(n["previous_period"]).label(w.lang)),
                w.change(n["change_previous"], n["basis"]),
            ]
        )
    else:
        text = w.t("sig_change_year", year_ago=w.period(n["year_ago_period"]), **common)
    return text, facts


@phrases("kloof")
def _gap(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    bench = w.name(n["benchmark_region"])
    gap, old_gap = w.pair(n["gap"], n["gap_old"], "size") if "stable" not in f.case else (w.size(n["gap"]), "")
    gap_signed, old_signed = w.pair(n["gap"], n["gap_old"])
    common = dict(
        title=w.title,
        region=w.region,
        bench=bench,
        value=w.value(n["value"]),
        bench_value=w.value(n["benchmark"]),
        gap=gap,
        old_gap=old_gap,
        in_old=w.in_period(n["old_period"]),
        gap_signed=gap_signed,
        old_gap_signed=old_signed,
    )
    text = w.t(f"sig_gap_{f.case}", **common)
    facts = [
        [w.t("sig_fact_gap", bench=bench), common["gap_signed"]],
        [w.t("sig_fact_gap_old", period=Period.parse(n["old_period"]).label(w.lang)), common["old_gap_signed"]],
    ]
    return text, facts


@phrases("positie")
def _position(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    rank = Rank(n["rank"], n["rank_high"], n["n"]).place(w.lang)
    text = w.t(
        f"sig_pos_{f.case}",
        title=w.title,
        region=w.region,
        rank=rank,
        n=n["n"],
        set=w.t(f"sig_set_{n['set']}"),
        value=w.value(n["value"]),
        median=w.value(n["median"]),
    )
    facts = [
        [w.t("sig_fact_rank"), w.t("sig_fact_rank_value", rank=rank, n=n["n"])],
        [w.t("sig_fact_median"), w.value(n["median"])],
    ]
    return text, facts


@phrases("doel")
def _target(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    label = n["label_nl"] if w.lang == "nl" else n["label_en"]
    status = {
        "met": "sig_status_met",
        "on_track": "sig_status_on_track",
        "off_track": "sig_status_off_track",
        "off_track_slow": "sig_status_off_track",
        "not_met": "sig_status_not_met",
        "cum_met": "sig_status_met",
        "cum_missed": "sig_status_not_met",
        "cum_on_track": "sig_status_on_track",
        "cum_off_track": "sig_status_off_track",
    }[f.case]
    if f.case.startswith("cum_"):
        sub = ""
        if w.inp.freq != "Y" and "needed_per_period" in n:
            sub = w.t("sig_target_needed_q", needed=w.count(n["needed_per_period"]))
        share = fmt.percent(n["share_done"], 0, w.lang) if n.get("share_done") is not None else "–"
        common = dict(
            label=label,
            progress=w.count(n["progress"]),
            start=w.period(n["start"]),
            by=w.period(n["by"]),
            target=w.count(n["goal"]),
            share=share,
            needed_year=w.count(n.get("needed_per_year", 0.0)),
            needed_sub=sub,
            pace_year=w.count(n["pace_per_year"]),
            pace_what=w.t(f"sig_pace_{n['pace_basis']}"),
        )
        text = w.t(f"sig_target_{f.case}", **common)
        facts = [
            [w.t("sig_fact_progress", period=Period.parse(n["start"]).label(w.lang)), common["progress"]],
            [w.t("sig_fact_target"), common["target"]],
        ]
        if "needed_per_year" in n:
            facts.append([w.t("sig_fact_needed"), common["needed_year"]])
        facts.append([w.t("sig_fact_pace"), common["pace_year"]])
        facts.append([w.t("sig_fact_status"), w.t(status)])
        return text, facts
    if n["target_kind"] == "benchmark":
        comparison = w.t(
            "sig_target_vs_region",
            value=w.value(n["value"]),
            region=w.region,
            bench_value=w.value(n["benchmark"]),
            bench=w.name(n["benchmark_region"]),
        )
    else:
        comparison = w.t(
            "sig_target_vs_level", value=w.value(n["value"]), region=w.region, bench_value=w.value(n["benchmark"])
        )
    values = dict(label=label, comparison=comparison, gap=w.size(n["gap"]))
    if f.case == "met":
        values["since"] = w.period(n["met_since"])
    if "old_period" in n:
        values.update(old=w.period(n["old_period"]), in_old=w.in_period(n["old_period"]), old_gap=w.size(n["gap_old"]))
    if "expected" in n:
        values["in_eta"] = w.in_period(n["expected"])
    text = w.t(f"sig_target_{f.case}", **values)
    against = w.name(n["benchmark_region"]) if n["benchmark_region"] else w.t("sig_fact_target")
    facts = [[w.t("sig_fact_status"), w.t(status)], [w.t("sig_fact_gap", bench=against), w.diff(n["gap"])]]
    return text, facts


@phrases("breuk")
def _range(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    last = Period.parse(w.inp.series.index[-1])
    relative = n["basis"] == "relatief"
    against = bool(n.get("against_national"))
    how = ("points" if against else "relatief") if relative else ("diff" if against else "value")
    now, extreme = w.pair(n["value"], n["previous_extreme"], how)
    first = Period.parse(n["history_from"])
    text = w.t(
        f"sig_range_{f.case}",
        title=w.title,
        region=w.region,
        value=now,
        change=now,
        level=w.value(n.get("level", n["value"])),
        in_period=w.in_period_of(last, w.inp.rolling),
        every=w.t(f"sig_every_{last.freq}"),
        first=w.period(first),
        extreme=extreme,
        in_extreme=w.in_period(n["previous_extreme_period"]),
    )
    key = "sig_fact_extreme_high" if n["direction"] == "hoog" else "sig_fact_extreme_low"
    if against:
        key = "sig_fact_gap_record_high" if n["direction"] == "hoog" else "sig_fact_gap_record_low"
    facts = [[w.t("sig_fact_value", period=last.label(w.lang)), now], [w.t(key), extreme]]
    return text, facts


@phrases("klok")
def _clock(f: Finding, w: Words) -> tuple[str, list[list[str]]]:
    n = f.numbers
    bench = w.name(w.inp.national)
    # an unchanged gap is shown once, at the usual precision (the rule calls it unchanged
    # when it moved less than half a shown unit)
    gap, old_gap = (w.diff(n["gap"]), "") if f.case.endswith("_stable") else w.pair(n["gap"], n["gap_old"])
    text = w.t(f"sig_klok_{f.case}", title=w.title, region=w.region, bench=bench, gap=gap, old_gap=old_gap)
    facts = [[w.t("sig_fact_quadrant"), w.t(f"sig_quadrant_{f.case}")], [w.t("sig_fact_gap", bench=bench), gap]]
    return text, facts


def reason(skip: Skip, lang: str, name: Callable[[str, str], str]) -> str:
    """The reason of a skipped rule, in ``lang``; ``name(code, lang)`` names regions."""
    values: dict[str, Any] = {}
    for k, v in skip.values.items():
        if isinstance(v, Period):
            values[k] = t(f"sig_period_{v.freq}", lang, label=v.label(lang))
        elif k in ("region", "bench", "data_region"):
            values[k] = name(v, lang)
        elif k == "set" and v in ("corop", "provincie"):
            # "1 COROP-gebied", "6 COROP-gebieden": the noun follows the count when there is one
            forms = t(f"sig_set_forms_{v}", lang)
            if "n" in skip.values:
                values[k] = fmt.counted(skip.values["n"], forms, lang).split(" ", 1)[1]
            else:
                values[k] = forms.split("|")[-1]
        else:
            values[k] = v
    if "freq" in values:
        freq = values.pop("freq")
        values["periods"] = fmt.counted(values.get("n", 0), t(f"sig_word_{freq}", lang), lang).split(" ", 1)[1]
    return t(skip.reason, lang, **values)
