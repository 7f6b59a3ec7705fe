"""What changed since the previous briefing: signals new, gone or of another colour, figures
CBS revised between the vintages behind the two quarters, figures new since then.

The previous briefing is the folder where ``signaal run`` published the previous quarter (or
``--previous DIR``): its ``signals.json`` (which signals the board saw), ``manifest.json``
(which vintage it read) and ``indicators.csv`` (the figures it showed). Revisions come from
:func:`signaal.store.diff.diff` between the two vintages when the store still holds the
earlier one (and it is not the same data), else from the figures the earlier briefing
published beside the same figures now::

    prev = read_previous(Path("reports/2026Q2"), "CR12")
    changes = compare_signals(prev.signals, found)          # new / gone / other colour
    revised = revisions(data, prev, ["CR12", "NL01"])       # by how much
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SignaalError
from ..periods import Period
from .model import Kind, Signal

if TYPE_CHECKING:  # pandas loads when the previous figures are read, not when a run looks for them
    import pandas as pd

NEW, GONE, RECOLOURED = "nieuw", "verdwenen", "andere kleur"
VERDICT_KINDS = (str(Kind.URGENT), str(Kind.OPPORTUNITY))


@dataclass
class Previous:
    """The previous briefing of the same region, as its folder holds it."""

    folder: Path
    quarter: str
    region: str
    signals: list[dict] = field(default_factory=list)
    vintage: str = ""
    checksum: str = ""
    figures: pd.DataFrame | None = None  # indicators.csv: indicator, region, period, value


def _signals_of(folder: Path, region: str) -> dict | None:
    """The ``signals.json`` in ``folder`` when it is a briefing's for ``region``."""
    try:
        doc = json.loads((folder / "signals.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or (doc.get("meta") or {}).get("region") != region:
        return None
    return doc


def holds_previous(folder: Path | str, region: str) -> bool:
    """Whether ``folder`` holds a briefing for ``region`` that :func:`read_previous` reads (cheap:
    its figures are not read)."""
    return _signals_of(Path(folder), region) is not None


def read_previous(folder: Path | str | None, region: str) -> Previous | None:
    """The briefing in ``folder`` when it holds signals for ``region`` (None otherwise: no folder,
    no signals, or another region's briefing)."""
    if folder is None:
        return None
    folder = Path(folder)
    doc = _signals_of(folder, region)
    if doc is None:
        return None
    meta = doc.get("meta") or {}
    manifest: dict = {}
    with contextlib.suppress(OSError, ValueError):
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    vintage = manifest.get("vintage") or {}
    return Previous(
        folder=folder,
        quarter=str(meta.get("quarter") or ""),
        region=region,
        signals=list(doc.get("signals") or []),
        vintage=str(vintage.get("id") or meta.get("vintage") or ""),
        checksum=str(vintage.get("checksum") or ""),
        figures=_figures(folder / "indicators.csv"),
    )


def _figures(path: Path) -> pd.DataFrame | None:
    import pandas as pd

    if not path.exists():
        return None
    with path.open(encoding="utf-8") as f:
        rows = [
            (r["indicator"], r["region"], r["period"], float(r["value"]))
            for r in csv.DictReader(f)
            if r.get("value") not in (None, "")
        ]
    return pd.DataFrame(rows, columns=["indicator", "region", "period", "value"])


def signal_key(indicator: str, rule: str, numbers: dict) -> tuple[str, str, str]:
    """What one signal is across quarters: its indicator, rule and (for a target) the target."""
    return indicator, rule, str(numbers.get("target") or "")


@dataclass
class SignalChange:
    what: str  # nieuw | verdwenen | andere kleur
    indicator: str
    rule: str
    title_nl: str
    title_en: str
    before: str  # the kind before ('' when absent)
    now: str  # the kind now ('' when absent)
    sentence_nl: str
    sentence_en: str
    strength: float

    def title(self, lang: str) -> str:
        return self.title_nl if lang == "nl" else self.title_en

    def sentence(self, lang: str) -> str:
        return self.sentence_nl if lang == "nl" else self.sentence_en


def compare_signals(before: list[dict], now: list[Signal]) -> list[SignalChange]:
    """Signals the board can act on (urgencies, opportunities) that are new, gone, or of another
    colour (an urgency that became an opportunity, or the reverse), the strongest first."""
    old = {signal_key(s["indicator"], s["rule"], s.get("numbers") or {}): s for s in before}
    new = {signal_key(s.indicator, s.rule, s.numbers): s for s in now}
    out: list[SignalChange] = []
    for key, s in new.items():
        was = old.get(key)
        was_kind = str(was["kind"]) if was else ""
        if s.kind in VERDICT_KINDS and was_kind not in VERDICT_KINDS:
            out.append(_change(NEW, s.to_dict(), was_kind, str(s.kind)))
        elif s.kind in VERDICT_KINDS and was_kind != str(s.kind):
            out.append(_change(RECOLOURED, s.to_dict(), was_kind, str(s.kind)))
    for key, gone in old.items():
        now_kind = str(new[key].kind) if key in new else ""
        if str(gone["kind"]) in VERDICT_KINDS and now_kind not in VERDICT_KINDS:
            out.append(_change(GONE, gone, str(gone["kind"]), now_kind))
    order = {NEW: 0, RECOLOURED: 1, GONE: 2}
    return sorted(out, key=lambda c: (order[c.what], -c.strength, c.indicator, c.rule))


def _change(what: str, s: dict, before: str, now: str) -> SignalChange:
    return SignalChange(
        what=what,
        indicator=s["indicator"],
        rule=s["rule"],
        title_nl=s.get("title_nl") or s["indicator"],
        title_en=s.get("title_en") or s["indicator"],
        before=before,
        now=now,
        sentence_nl=s.get("sentence_nl", ""),
        sentence_en=s.get("sentence_en", ""),
        strength=float(s.get("strength") or 0.0),
    )


@dataclass
class Revision:
    indicator: str
    region: str
    period: str
    old: float
    new: float

    @property
    def change(self) -> float:
        return self.new - self.old

    @property
    def relative(self) -> float | None:
        return (self.new / self.old - 1) * 100 if self.old else None


def revisions(data, previous: Previous, regions: list[str], min_share: float = 0.0) -> list[Revision]:
    """Figures of ``regions`` that CBS revised between the vintage behind ``previous`` and the
    one in use, largest relative revision first; a revision smaller than half a shown unit
    (the catalogue's decimals) is rounding and left out, as is one of less than ``min_share`` %."""
    found = _diff_revisions(data, previous, regions)
    if found is None:
        found = _published_revisions(data, previous, regions)
    cat = data.cat
    out = []
    for r in found:
        decimals = cat[r.indicator].decimals if r.indicator in cat else 1
        if abs(r.change) < 0.5 * 10**-decimals or abs(r.relative or 0.0) < min_share:
            continue
        out.append(r)
    return sorted(out, key=lambda r: (-abs(r.relative or 0.0), r.indicator, r.region, r.period))


def _diff_revisions(data, previous: Previous, regions: list[str]) -> list[Revision] | None:
    """Revisions from the store's two vintages (None when the earlier one is not at hand, or
    is the same id with other contents, as a regenerated sample)."""
    from ..store.diff import diff
    from ..store.vintage import Store

    current = data.vintage
    if not previous.vintage or previous.vintage == current.id:
        return [] if previous.checksum in ("", current.checksum) else None
    try:
        old = Store(current.data_dir).resolve(previous.vintage)
    except (SignaalError, OSError):
        return None
    d = diff(old, current, catalogue=data.cat)
    rev = d.revised[(d.revised["change"] == "value") & d.revised["region"].isin(regions)]
    return [
        Revision(str(i), str(g), str(p), float(a), float(b))
        for i, g, p, a, b in zip(
            rev["indicator"], rev["region"], rev["period"], rev["old_value"], rev["new_value"], strict=True
        )
    ]


def _published_revisions(data, previous: Previous, regions: list[str]) -> list[Revision]:
    """Revisions as the two briefings published them: the earlier briefing's figures against
    the same figures now (its ``indicators.csv``)."""
    if previous.figures is None or previous.figures.empty:
        return []
    old = previous.figures[previous.figures["region"].isin(regions)]
    obs = data.observations
    now = obs[obs["region"].isin(regions)][["indicator", "region", "period", "value"]]
    joined = old.merge(now, on=["indicator", "region", "period"], suffixes=("_old", "_new"))
    out = []
    for i, g, p, a, b in zip(
        joined["indicator"], joined["region"], joined["period"], joined["value_old"], joined["value_new"], strict=True
    ):
        a, b = float(a), float(b)
        if math.isfinite(a) and math.isfinite(b) and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            out.append(Revision(str(i), str(g), str(p), a, b))
    return out


def new_figures(data, previous: Previous | None, indicators: list[str], region: str, quarter) -> dict[str, str]:
    """Indicators whose latest figure for ``region`` (its display region) is newer than the
    latest one the previous briefing showed: indicator → that latest period. Without a previous
    briefing: nothing is new to it."""
    if previous is None or previous.figures is None:
        return {}
    shown = previous.figures
    out: dict[str, str] = {}
    for ind_id in indicators:
        if ind_id not in data.cat:
            continue
        where = data.display_region(ind_id, region)
        series = data.series(ind_id, where, up_to=quarter)
        if series.empty:
            continue
        latest = Period.parse(str(series.index[-1]))
        before = shown[(shown["indicator"] == ind_id) & (shown["region"] == where)]["period"]
        if before.empty or latest > max(Period.parse(str(p)) for p in before):
            out[ind_id] = str(latest)
    return out
