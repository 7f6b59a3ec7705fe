"""Run the rules over indicators: :func:`compute_signals` for one focus region,
:func:`compute_all_signals` for several (all 40) in one pass."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ..catalogue import Indicator
from ..catalogue.targets import Target, load_targets, targets_path
from ..indicators.data import Data
from ..periods import Period
from . import rules as _rules  # noqa: F401  (importing the rules registers them in .registry)
from .inputs import Finding, Inputs, Skip
from .judge import judge, meaning
from .model import Kind, Signal, SignalList, Skipped, Status, plain
from .registry import Rule, registered
from .sentences import reason, render
from .settings import settings_for, strength

KIND_ORDER = {kind: i for i, kind in enumerate(Kind)}  # urgentie, kans, neutraal
EVERY_RULE = "alle"  # the rule of a skip that concerns the indicator as a whole

Namer = Callable[[str, str], str]  # (region code, lang) -> the region's name in a sentence


def compute_signals(
    data: Data,
    region: str,
    quarter: str | Period | None = None,
    indicators: list[str] | None = None,
    theme: str | None = None,
    targets: list[Target] | None = None,
) -> SignalList:
    """The signals for a focus region and quarter, strongest first.

    ``indicators``: these indicator ids; otherwise every indicator of ``theme``; otherwise
    the whole catalogue. ``quarter`` defaults to the latest quarter in the data (a quarter
    past the data is an error). ``targets`` defaults to ``data/manual/doelen.csv``.

    Returns a :class:`SignalList` (a list of :class:`Signal`) whose ``skipped`` attribute
    lists every rule that gave no signal, with its status (``te weinig gegevens``,
    ``overgeslagen``, ``niet van toepassing``) and reason in Dutch and English.
    """
    focus = data.reg.focus(region).code
    return compute_all_signals(data, [focus], quarter, indicators, theme, targets)[focus]


def compute_all_signals(
    data: Data,
    regions: list[str] | None = None,
    quarter: str | Period | None = None,
    indicators: list[str] | None = None,
    theme: str | None = None,
    targets: list[Target] | None = None,
) -> dict[str, SignalList]:
    """The signals of several focus regions (default: all 40 COROP regions) in one pass, by
    region code; each region's list is exactly what :func:`compute_signals` gives for it.

    Every rule compares the focus region with the regions of its comparison set, so what
    depends only on the table of all regions (the table itself, the comparison set, a
    period's row, the regions' movements over the trend's window) is computed once per
    indicator and shared by the focus regions of the pass (:meth:`Inputs.once`); what is the
    focus region's own (its series, peers, targets, the verdicts) is computed per region."""
    reg, cat = data.reg, data.cat
    focuses = [reg.focus(r).code for r in (regions if regions is not None else reg.codes("corop"))]
    q = data.vintage.resolve_quarter(quarter)
    if indicators is not None:
        ids = [cat.get(i).id for i in indicators]
    elif theme:
        ids = [i.id for i in cat.for_theme(theme)]
    else:
        ids = list(cat.indicators)
    every_target = _targets_of(data) if targets is None else targets
    shared = _Shared(data, q)
    return {focus: _signals_of(data, focus, q, ids, every_target, shared) for focus in focuses}


class _Shared:
    """What the focus regions of one pass share, per indicator: its table of all regions (up
    to the quarter, at the signal frequency) and what the rules compute from it alone."""

    def __init__(self, data: Data, q: Period):
        self.data, self.q = data, q
        self.tables: dict[str, pd.DataFrame] = {}
        self.memos: dict[str, dict] = {}

    def table(self, ind: Indicator) -> pd.DataFrame:
        """The indicator's table; a quarterly flow as rolling four-quarter sums (one weak
        quarter is no news)."""
        if ind.id not in self.tables:
            table = self.data.table(ind.id, freq=ind.display_freq, up_to=self.q)
            self.tables[ind.id] = rolling_year(table) if ind.flow and ind.display_freq == "Q" else table
        return self.tables[ind.id]

    def memo(self, ind: Indicator) -> dict:
        return self.memos.setdefault(ind.id, {})


def _signals_of(
    data: Data, focus: str, q: Period, ids: list[str], every_target: list[Target], shared: _Shared
) -> SignalList:
    """One focus region's signals, strongest first, and its skipped rules."""
    reg, cat = data.reg, data.cat
    board = [tg for tg in every_target if tg.region == focus]
    peers = reg.peers(focus)
    rules = registered()
    found: list[Signal] = []
    skipped: list[Skipped] = []
    for ind_id in ids:
        ind = cat[ind_id]
        inp = _inputs(data, ind, focus, q, peers, board, shared)
        if isinstance(inp, Skip):
            skipped.append(_skipped(inp, ind, focus, "", reg.sentence_name))
            continue
        period = str(inp.last)
        real = real_terms_of(cat, ind.id)
        for key in inp.cfg.rules:
            if real and key != "doel":  # nominal money: judged in real terms (its sibling)
                skip = Skip(Status.NOT_APPLICABLE, "sig_skip_nominal", {"real": cat[real].title.nl}, key)
                skipped.append(_skipped(skip, ind, focus, period, reg.sentence_name))
                continue
            for item in _outcomes(rules[key], inp):
                if isinstance(item, Skip):
                    skipped.append(_skipped(item, ind, focus, period, reg.sentence_name))
                else:
                    found.append(_signal(item, inp, period, data))
    found.sort(key=lambda s: (-s.strength, KIND_ORDER[s.kind], s.indicator, s.rule))
    meta = {
        "region": focus,
        "region_name": reg[focus].name("nl"),
        "quarter": str(q),
        "vintage": data.vintage.id,
        "is_sample": data.vintage.is_sample,
        "mixed": data.vintage.is_sample and data.provenance.mixes_real_and_synthetic,
    }
    return SignalList(found, skipped, meta)


def _inputs(
    data: Data, ind: Indicator, focus: str, q: Period, peers: list[str], board: list[Target], shared: _Shared
) -> Inputs | Skip:
    """What the rules read about ``ind`` for ``focus`` up to ``q``, or why no rule can run."""
    reg = data.reg
    if data.not_published(ind.id, focus):  # CBS has the municipalities only: no figure to judge
        return Skip(Status.NOT_APPLICABLE, "sig_skip_not_published", {"region": focus}, EVERY_RULE)
    shown = data.display_region(ind.id, focus)
    if shown == reg.national:
        return Skip(
            Status.NOT_APPLICABLE, "sig_skip_level", {"region": focus, "levels": ", ".join(ind.levels)}, EVERY_RULE
        )
    rolling = ind.flow and ind.display_freq == "Q"  # a quarterly flow: judged on rolling four-quarter sums
    table = shared.table(ind)
    if table.empty or shown not in table.columns or table[shown].dropna().empty:
        return Skip(Status.TOO_FEW_DATA, "sig_skip_no_data", {"region": shown, "quarter": q}, EVERY_RULE)
    t = ind.transform
    nominal = shared.table(data.cat[t.of]) if t and t.kind == "real_terms" and t.of else None
    return Inputs(
        ind=ind,
        cfg=settings_for(ind),
        focus=focus,
        region=shown,
        national=reg.national,
        table=table,
        reg=reg,
        peers=peers if shown == focus else [],
        targets=[tg for tg in board if tg.indicator == ind.id],
        rolling=rolling,
        nominal=nominal,
        shared=shared.memo(ind),
    )


def rolling_year(table: pd.DataFrame) -> pd.DataFrame:
    """Rolling sums over four consecutive quarters (a quarter is kept only with its three
    predecessors present), labelled by the last quarter."""
    if table.empty:
        return table
    first, last = Period.parse(table.index[0]), Period.parse(table.index[-1])
    full = [str(first.shift(i)) for i in range(last.ordinal - first.ordinal + 1)]
    rolled = table.reindex(full).rolling(4, min_periods=4).sum()
    return rolled.dropna(how="all").reindex([p for p in table.index if p in rolled.index]).dropna(how="all")


def real_terms_of(cat, indicator: str) -> str | None:
    """The real-terms series of a nominal money indicator (``mediaan_inkomen`` →
    ``mediaan_inkomen_reeel``), whose signals judge it; None for anything else."""
    for other in cat.indicators.values():
        t = other.transform
        if t is not None and t.kind == "real_terms" and t.of == indicator:
            return other.id
    return None


def concept_of(cat, indicator: str) -> str:
    """One concept per board line: a real-terms series and its nominal indicator are one."""
    ind = cat.indicators.get(indicator)
    t = ind.transform if ind is not None else None
    return t.of if t is not None and t.kind == "real_terms" and t.of else indicator


def _outcomes(rule: Rule, inp: Inputs) -> list[Finding | Skip]:
    """What ``rule`` says about ``inp``: its findings and skips, stamped with the rule's key."""
    out = rule.function(inp)
    items = [item for item in (out if isinstance(out, list) else [out]) if item is not None]
    for item in items:
        item.rule = rule.key
    return items


def _targets_of(data: Data) -> list[Target]:
    """The board targets next to the data in use (``<data>/manual/doelen.csv``), else the default."""
    path = targets_path(data.vintage.data_dir)
    return load_targets(path) if path.exists() else load_targets()


def _skipped(skip: Skip, ind: Indicator, focus: str, period: str, name: Namer) -> Skipped:
    return Skipped(
        ind.id, ind.theme, focus, period, skip.rule, skip.status, reason(skip, "nl", name), reason(skip, "en", name)
    )


def _signal(f: Finding, inp: Inputs, period: str, data: Data) -> Signal:
    kind, direction, judgement = judge(f, inp)
    f.kind = kind
    nl, facts_nl = render(f, inp, "nl")
    en, facts_en = render(f, inp, "en")
    numbers = plain(
        {
            **f.numbers,
            "case": f.case,
            "unit": inp.ind.unit,
            "decimals": inp.ind.decimals,
            "polarity": inp.ind.polarity,
            "frequency": inp.freq,
            "judgement": judgement,
            "meaning": meaning(data, inp.ind, inp.region, f.numbers, period),
        }
    )
    return Signal(
        indicator=inp.ind.id,
        theme=inp.ind.theme,
        region=inp.focus,
        period=period,
        kind=f.kind,
        strength=strength(f.rule, f.kind, f.z, inp.cfg.weight, inp.cfg.rule_weights),
        rule=f.rule,
        direction=direction,
        numbers=numbers,
        sentence_nl=nl,
        sentence_en=en,
        data_region=inp.region,
        title_nl=inp.ind.title.nl,
        title_en=inp.ind.title.en,
        facts_nl=facts_nl,
        facts_en=facts_en,
    )
