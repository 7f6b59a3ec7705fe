"""Run the rules over indicators: :func:`compute_signals`."""

from __future__ import annotations

from ..indicators.data import Data
from ..periods import Period
from ..indicators.targets import Target, load_targets
from ..text import t
from .model import Signal, SignalList, Skipped
from .rules import RULE_FUNCTIONS, Finding, Inputs, Skip, plain
from .sentences import reason, render
from .settings import settings_for, strength

KIND_ORDER = {"urgentie": 0, "kans": 1, "neutraal": 2}


def region_name(data: Data, code: str, lang: str) -> str:
    return data.reg.sentence_name(code, lang)


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
    reg, cat = data.reg, data.cat
    focus = reg.focus(region).code
    q = data.vintage.resolve_quarter(quarter)
    if indicators is not None:
        ids = [cat.get(i).id for i in indicators]
    elif theme:
        ids = [i.id for i in cat.for_theme(theme)]
    else:
        ids = list(cat.indicators)
    all_targets = [tg for tg in (_targets_of(data) if targets is None else targets) if tg.region == focus]
    peers = reg.peers(focus)
    found: list[Signal] = []
    skipped: list[Skipped] = []

    def name(code: str, lang: str) -> str:
        return region_name(data, code, lang)

    for ind_id in ids:
        ind = cat[ind_id]
        cfg = settings_for(ind)
        freq = ind.display_freq
        shown = data.display_region(ind_id, focus)

        def skip_all(status: str, key: str, period: str = "", **values) -> None:
            sk = Skip("alle", status, key, values)
            skipped.append(Skipped(ind_id, ind.theme, focus, period, "alle", status,
                                   reason(sk, "nl", name), reason(sk, "en", name)))

        if shown == reg.national:
            skip_all("niet van toepassing", "sig_skip_level", region=focus, levels=", ".join(ind.levels))
            continue
        table = data.table(ind_id, freq=freq, up_to=q)
        if table.empty or shown not in table.columns or table[shown].dropna().empty:
            skip_all("te weinig gegevens", "sig_skip_no_data", region=shown, quarter=q)
            continue
        inp = Inputs(
            ind=ind, cfg=cfg, focus=focus, region=shown, national=reg.national, table=table, reg=reg,
            peers=peers if shown == focus else [],
            targets=[tg for tg in all_targets if tg.indicator == ind_id],
        )
        period = str(inp.last)
        for rule in cfg.rules:
            result = RULE_FUNCTIONS[rule](inp)
            for item in result if isinstance(result, list) else [result]:
                if item is None:
                    continue
                if isinstance(item, Skip):
                    skipped.append(Skipped(ind_id, ind.theme, focus, period, item.rule, item.status,
                                           reason(item, "nl", name), reason(item, "en", name)))
                    continue
                found.append(_signal(item, inp, period))
    found.sort(key=lambda s: (-s.strength, KIND_ORDER[s.kind], s.indicator, s.rule))
    meta = {
        "region": focus, "region_name": reg[focus].name("nl"), "quarter": str(q),
        "vintage": data.vintage.id, "is_sample": data.vintage.is_sample,
    }
    return SignalList(found, skipped, meta)


def _targets_of(data: Data) -> list[Target]:
    """The board targets next to the data in use (``<data>/manual/doelen.csv``), else the default."""
    vintage = data.vintage
    root = vintage.path.parent if vintage.path.parent.name != "vintages" else vintage.path.parent.parent
    path = root / "manual" / "doelen.csv"
    return load_targets(path) if path.exists() else load_targets()


def _signal(f: Finding, inp: Inputs, period: str) -> Signal:
    nl, facts_nl = render(f, inp, "nl")
    en, facts_en = render(f, inp, "en")
    numbers = plain({**f.numbers, "case": f.case, "unit": inp.ind.unit, "decimals": inp.ind.decimals,
                     "polarity": inp.ind.polarity, "frequency": inp.freq})
    return Signal(
        indicator=inp.ind.id, theme=inp.ind.theme, region=inp.focus, period=period, kind=f.kind,
        strength=strength(f.rule, f.kind, f.z, inp.cfg.weight, inp.cfg.rule_weights), rule=f.rule, numbers=numbers,
        sentence_nl=nl, sentence_en=en, data_region=inp.region,
        title_nl=inp.ind.title.nl, title_en=inp.ind.title.en, facts_nl=facts_nl, facts_en=facts_en,
    )
