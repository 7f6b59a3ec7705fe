"""What a board can act on: a rule's finding turned into a kind and a direction.

A rule says what it found and which way it points (its own verdict: the CBS colour of a
trend, the quartile of a position, …). That is the finding's **direction**: ``gunstig`` or
``ongunstig`` (or none: a neutral indicator, a grey trend, a change too small to show). Only
what the board can act on becomes an ``urgentie`` or a ``kans``:

- a finding smaller than the indicator's minimum relevant size (README "Signals") is never
  an urgency or an opportunity, however significant;
- a finding judged against the national movement (a trend, a latest change) must also be
  worse (urgency) or better (opportunity) than the Netherlands by that size: Twente +0,1
  while the Netherlands rose +0,2 is no urgency;
- a board target is always the board's business: met, on track or off track as it is.

Everything else is ``neutraal``, with its direction kept: the marks on the signal board show
it, ``signals.csv`` holds it in its ``direction`` column.

:func:`meaning` is what a difference comes to in people, homes, jobs or euros (the
catalogue's ``meaning``), from a count in the data, never typed.
"""

from __future__ import annotations

import math

from ..periods import Period
from .inputs import Finding, Inputs
from .model import Kind

GUNSTIG, ONGUNSTIG = "gunstig", "ongunstig"
DIRECTIONS = (GUNSTIG, ONGUNSTIG, "")
SMALL, LIKE_NATIONAL = "kleiner dan de relevante omvang", "niet anders dan in Nederland"


def direction_of(f: Finding, inp: Inputs) -> str:
    """``gunstig``, ``ongunstig`` or '' (no direction of welfare)."""
    if inp.sign == 0:
        return ""
    if f.direction is not None:
        return f.direction
    return {Kind.OPPORTUNITY: GUNSTIG, Kind.URGENT: ONGUNSTIG}.get(f.kind, "")


def judge(f: Finding, inp: Inputs) -> tuple[Kind, str, dict]:
    """(kind, direction, what the judgement rests on) of a finding."""
    direction = direction_of(f, inp)
    basis = {"relevant": f.relevant, "size": f.size, "vs_national": f.vs_national}
    if f.rule == "doel" or f.kind == Kind.NEUTRAL:
        return f.kind, direction, {**basis, "actionable": f.kind != Kind.NEUTRAL}
    relevant = f.relevant or 0.0
    # sizes are compared as shown: a gap printed as 0,5 procentpunt is 0,5 procentpunt
    shown = inp.ind.decimals if f.numbers.get("difference_basis") in ("level", "absoluut") else 1
    if f.vs_national is not None:
        wanted = 1.0 if f.kind == Kind.OPPORTUNITY else -1.0
        excess = round(wanted * f.vs_national, shown)
        if excess < relevant or excess <= 0:
            why = LIKE_NATIONAL if excess <= 0 else SMALL
            return Kind.NEUTRAL, direction, {**basis, "actionable": False, "why_not": why}
    elif f.size is not None and f.relevant is not None and round(abs(f.size), shown) < f.relevant:
        return Kind.NEUTRAL, direction, {**basis, "actionable": False, "why_not": SMALL}
    return f.kind, direction, {**basis, "actionable": True}


def meaning(data, ind, region: str, numbers: dict, period: str) -> dict | None:
    """What the finding's ``difference`` comes to in the catalogue's ``meaning`` (people, homes,
    jobs, euros): ``{"amount": …, "per": indicator, "per_value": …, "per_period": …}``.

    A percentage is a share of the count (percentage points × the count / 100); euros are per
    one of it (€ × the count); a % change of a count is a change of the count itself (of a
    year earlier where the finding has it). None when the catalogue gives no meaning or the
    count has no figure."""
    m = ind.meaning
    diff = numbers.get("difference")
    if m is None or diff is None or not math.isfinite(diff):
        return None
    relative = numbers.get("difference_basis") == "relatief"
    if relative and m.per == ind.id and numbers.get("year_ago") is not None:
        per: tuple[float, str] | None = (float(numbers["year_ago"]), str(numbers["year_ago_period"]))
    else:
        per = _count(data, m.per, region, Period.parse(period))
    if per is None:
        return None
    value, per_period = per
    if relative or ind.unit == "percent":
        amount = diff / 100 * value
    elif ind.unit == "euro":
        amount = diff * value
    else:
        return None
    return {"amount": amount, "per": m.per, "per_value": value, "per_period": per_period}


def _count(data, indicator: str, region: str, up_to: Period) -> tuple[float, str] | None:
    """The count ``indicator`` for ``region`` in its latest period up to ``up_to``; the sum of
    its municipalities where the region has no figure of its own."""
    series = data.series(indicator, region, up_to=up_to.quarter())
    if not series.empty:
        return float(series.iloc[-1]), str(series.index[-1])
    members = data.reg.children(region, "gemeente") if data.reg[region].level != "gemeente" else []
    table = data.table(indicator, members, up_to=up_to.quarter()) if members else None
    complete = table.dropna() if table is not None and not table.empty else None
    if complete is None or complete.empty:
        return None
    return float(complete.iloc[-1].sum()), str(complete.index[-1])
