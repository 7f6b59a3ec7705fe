"""The seven signal rules of PRODUCT.md §5, as functions of one indicator's numbers.

Each rule takes :class:`Inputs` (the focus region's series, the national series, the table
of all regions, the indicator's settings and targets) and returns a :class:`Finding` (a
signal before it has words), a :class:`Skip` (too few data, skipped with a reason, or not
applicable) or ``None`` (nothing to report, e.g. a value inside its historical range).
Words are added by :mod:`signaal.signals.sentences`; strength by :mod:`.settings`.

Each rule registers itself with its key and its weight (``@rule("kloof", weight=0.9)``,
:mod:`.registry`); the rules run in the order they are defined here. The weights: board
targets are what the board set itself (1.0); structural findings (gap, trend) outweigh one
period's change; the clock repeats the gap in another form, so it counts least (README
"Strength"). The engine stamps every finding and skip with the key of its rule.

Every finding carries ``z``: its size in standard deviations of a reference spread, which
makes findings of different rules comparable (README "Strength"). For the level rules (gap,
position, clock, benchmark target) the reference is the spread of the levels between the
regions of the comparison set (the 40 COROP regions, or the 12 provinces for a province
proxy); for the trend, the spread between those regions of the same fitted movement over the
same window; for the latest change, the spread of the series' own past year-on-year changes
around their mean. Without a comparison set (fewer than 5 regions with a figure) there is no
yardstick and none is invented: a verdict counts as ``NO_YARDSTICK_Z`` and the clock, whose
axes are in between-region SDs, is skipped.

Index numbers (``unit: index``, e.g. 2020=100) compare growth since the base year, not
levels, so the level rules (gap, position, clock) do not apply to them.

Method breaks (catalogue ``breaks``): the trend test models each break inside its window as
a step in the level; every other comparison stays within one method (a change across a
break is skipped with the reason; the gap's earlier comparison point moves to the break).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..catalogue.bands import band
from ..indicators.targets import Target
from ..indicators.targets import progress as target_progress
from ..periods import Period
from .inputs import NO_YARDSTICK, Finding, Inputs, Skip
from .model import Kind
from .ranking import rank_of, ranked_order
from .registry import rule, rule_keys
from .settings import CHANGE_Z, GAP_THRESHOLD_SPREAD, MIN_REGIONS, NO_YARDSTICK_Z, TARGET_Z
from .stats import slope_test, spread


# ---------------------------------------------------------------------------- shared by several rules
def _sized(size: float, scale: float | None, verdict: bool) -> float:
    """``z``: ``size`` in units of ``scale``; without a scale (no comparison set) a finding
    with a verdict counts as ``NO_YARDSTICK_Z`` and one without as 0 (README "Strength")."""
    if scale:
        return abs(size) / scale
    return NO_YARDSTICK_Z if verdict else 0.0


def _not_comparable_level(inp: Inputs) -> Skip | None:
    """The reason a level comparison (gap, position, clock) does not apply, or None."""
    if inp.additive:
        return Skip.not_applicable("sig_skip_additive")
    if inp.ind.unit == "index":
        return Skip.not_applicable("sig_skip_index")
    return None


def _against_national(inp: Inputs) -> tuple[float, float] | Skip:
    """The focus region's latest value and the national value in the same period, or the
    reason a comparison with the Netherlands does not apply (gap and clock rules)."""
    not_comparable = _not_comparable_level(inp)
    if not_comparable:
        return not_comparable
    if inp.region == inp.national:
        return Skip.not_applicable("sig_skip_level", region=inp.focus, levels=", ".join(inp.ind.levels))
    bv = inp.at(inp.bench, inp.last)
    if bv is None:
        return Skip.skipped("sig_skip_no_benchmark", bench=inp.national, period=inp.last)
    return float(inp.series.iloc[-1]), bv


# ---------------------------------------------------------------------------- 1. trend
def _window(inp: Inputs, series: pd.Series, first: Period) -> list[tuple[Period, float]]:
    last = inp.last
    return [
        (Period.parse(str(k)), float(v))
        for k, v in series.items()
        if first.ordinal <= Period.parse(str(k)).ordinal <= last.ordinal and np.isfinite(v)
    ]


def _movement(res, span: float, relative: bool) -> float:
    """The fitted movement over ``span`` periods: a % change (log fit) or a difference."""
    return (math.exp(res.slope * span) - 1.0) * 100.0 if relative else res.slope * span


def _fitted_movement(
    inp: Inputs, series: pd.Series, first: Period, relative: bool, steps: list[float], span: float | None = None
) -> float | None:
    """The fitted movement of ``series`` over the trend window from ``first`` (same basis and
    break steps as the focus region's fit, over ``span`` periods: by default its own), or None
    with too few points."""
    window = _window(inp, series, first)
    if len(window) < inp.cfg.trend_min_points:
        return None
    y = np.array([v for _, v in window], dtype=float)
    if relative:
        if (y <= 0).any():
            return None
        y = np.log(y)
    res = slope_test(np.array([p.ordinal for p, _ in window], dtype=float), y, steps)
    if res is None:
        return None
    if span is None:
        span = float(window[-1][0].ordinal - window[0][0].ordinal)
    return _movement(res, span, relative)


def _regional_movements(
    inp: Inputs, first: Period, span: float, relative: bool, steps: list[float]
) -> tuple[float, float] | None:
    """Mean and spread, over the regions of the comparison set, of the same fitted movement
    over the same window (same break steps, same basis); None with fewer than 5 regions.
    The same for every focus region: computed once per pass over the regions."""
    key = ("movements", inp.level, str(first), str(inp.last), span, relative, tuple(steps))
    return inp.once(key, lambda: _movements_of_regions(inp, first, span, relative, steps))


def _movements_of_regions(
    inp: Inputs, first: Period, span: float, relative: bool, steps: list[float]
) -> tuple[float, float] | None:
    movements = [
        m
        for code in inp.comparison
        if (m := _fitted_movement(inp, inp.column(code), first, relative, steps, span)) is not None
    ]
    if len(movements) < 5:
        return None
    return float(np.mean(movements)), inp.yardstick(movements, relative)


def _trend_colour(inp: Inputs, significant: bool, slope: float) -> tuple[Kind, str, str]:
    """(kind, CBS colour, case) of a fitted trend."""
    up = slope > 0
    if not significant or slope == 0:
        return Kind.NEUTRAL, "grijs", "grey"
    if inp.sign == 0:
        return Kind.NEUTRAL, "geen oordeel", "up" if up else "down"
    good = (inp.sign > 0) == up
    return (
        (Kind.OPPORTUNITY, "groen", "up" if up else "down") if good else (Kind.URGENT, "rood", "up" if up else "down")
    )


@rule("trend", weight=0.9)
def trend(inp: Inputs) -> Finding | Skip:
    """Direction over a fixed window, CBS colours: green/red by polarity if significant, else grey.

    The colour is the trend's direction (gunstig / ongunstig); whether the board can act on it
    is judged against the national trend over the same window: a rise smaller than the
    Netherlands' rise is no opportunity, a fall the Netherlands shares no urgency."""
    cfg, last = inp.cfg, inp.last
    first = last.shift(-(cfg.trend_window - 1))
    window = _window(inp, inp.series, first)
    need = cfg.trend_min_points
    if len(window) < need:
        return Skip.too_few("sig_skip_few_periods", n=len(window), need=need, freq=inp.freq)
    x = np.array([p.ordinal for p, _ in window], dtype=float)
    y = np.array([v for _, v in window], dtype=float)
    relative = bool(inp.relative and (y > 0).all())
    if relative:
        y = np.log(y)
    steps = [b for b in inp.breaks if window[0][0].ordinal < b.ordinal <= last.ordinal]
    step_at = [float(b.ordinal) for b in steps]
    res = slope_test(x, y, step_at)
    if res is None:
        return Skip.too_few("sig_skip_few_periods", n=len(window), need=len(window) + 1, freq=inp.freq)
    span = float(x[-1] - x[0])
    movement = _movement(res, span, relative)
    # practical significance too: a trend must move the series by at least half a shown unit
    significant = res.p < cfg.trend_alpha and abs(movement) >= inp.half_unit(relative)
    # size: how much further the movement goes than the regions' usual movement over the same
    # window, in SDs of those movements (a trend every region shares is no regional news)
    regional = _regional_movements(inp, window[0][0], span, relative, step_at)
    usual, scale = regional if regional else (None, None)
    basis = inp.level if regional else NO_YARDSTICK
    beyond = movement - (usual or 0.0)
    if significant and res.slope != 0:
        beyond = max(0.0, beyond if res.slope > 0 else -beyond)
    z = _sized(beyond, scale, significant and res.slope != 0)
    kind, colour, case = _trend_colour(inp, significant, res.slope)
    national = _fitted_movement(inp, inp.bench, window[0][0], relative, step_at) if inp.has_national else None
    nominal = None
    if inp.nominal is not None and inp.region in inp.nominal.columns:
        nominal = _fitted_movement(inp, inp.nominal[inp.region].dropna(), window[0][0], relative, step_at)
    excess = movement - national if national is not None else None
    return Finding(
        kind,
        case,
        z,
        {
            "first": str(window[0][0]),
            "last": str(last),
            "window": cfg.trend_window,
            "points": res.n,
            "slope_per_period": res.slope,
            "se": res.se,
            "t": res.t,
            "p_value": res.p,
            "df": res.df,
            "alpha": cfg.trend_alpha,
            "significant": significant,
            "statistically_significant": res.p < cfg.trend_alpha,
            "colour": colour,
            "basis": "relatief" if relative else "absoluut",
            "change_over_window": movement,
            "national_change_over_window": national,
            "nominal_change_over_window": nominal,
            "usual_change_over_window": usual,
            "usual_basis": basis if regional else None,
            "breaks_as_steps": [str(b) for b in steps],
            "steps": res.steps,
            "scale": scale,
            "scale_basis": basis,
            "z": z,
            "difference": excess if excess is not None else movement,
            "difference_basis": "relatief" if relative else "absoluut",
        },
        size=abs(excess if excess is not None else movement),
        relevant=inp.relevant_change if relative else inp.relevant_level,
        vs_national=(inp.sign or 1) * excess if excess is not None else None,
    )


# ---------------------------------------------------------------------------- 2. latest change
def _changes_of_regions(inp: Inputs, old: Period, new: Period) -> list[float]:
    """The change from ``old`` to ``new`` of every region of the comparison set."""
    changes = []
    for code in inp.comparison:
        a, c = inp.at(inp.column(code), old), inp.at(inp.column(code), new)
        if a is not None and c is not None:
            ch = inp.change(c, a)
            if ch is not None:
                changes.append(ch)
    return changes


def _usual_change(inp: Inputs, ya: Period, last: Period) -> tuple[float | None, float | None, str]:
    """(usual change, its spread, basis): the national change in the same year where the region
    has a national comparison; else the mean of the series' own earlier changes (at least 4),
    else the regions' mean change over the same year (at least 5)."""
    regions = _changes_of_regions(inp, ya, last)
    history = inp.yoy_history()
    scale = (
        inp.yardstick(regions, inp.relative)
        if len(regions) >= 5
        else (inp.yardstick(history, inp.relative) if len(history) >= 4 else None)
    )
    if inp.has_national:
        a, c = inp.national_at(ya), inp.national_at(last)
        nat = inp.change(c, a) if a is not None and c is not None else None
        if nat is not None:
            return nat, scale, "nederland"
    if len(history) >= 4:
        return float(np.mean(history)), inp.yardstick(history, inp.relative), "eigen reeks"
    if len(regions) >= 5:
        return float(np.mean(regions)), inp.yardstick(regions, inp.relative), inp.level
    return None, None, ""


def _change_case(inp: Inputs, delta: float, deviation: float, usual: float | None, basis: str, notable: bool):
    """(kind, case) of a latest change: against the national change when there is one (better /
    worse / like the Netherlands), else against the usual change."""
    direction = deviation if (usual is not None and deviation != 0) else delta
    if basis == "nederland":
        if not notable or direction == 0:
            return Kind.NEUTRAL, "like_nl"
        if inp.sign == 0:
            return Kind.NEUTRAL, "neutral"
        good = (direction > 0) == (inp.sign > 0)
        return (Kind.OPPORTUNITY, "better_nl") if good else (Kind.URGENT, "worse_nl")
    if not notable or direction == 0:
        return Kind.NEUTRAL, "usual" if usual is not None else "small"
    if inp.sign == 0:
        return Kind.NEUTRAL, "neutral"
    good = (direction > 0) == (inp.sign > 0)
    # the change itself points the other way than its deviation: e.g. a smaller fall than usual
    against = usual is not None and delta * direction <= 0
    case = ("better" if against else "good") if good else ("worse" if against else "bad")
    return (Kind.OPPORTUNITY if good else Kind.URGENT), case


@rule("verandering", weight=0.7)
def latest_change(inp: Inputs) -> Finding | Skip:
    """Last period against a year earlier (and, for sub-yearly series, the period before).

    Judged against the national change over the same year: Twente +0,1 while the Netherlands
    rose +0,2 is no urgency. Without a national figure, against the usual change: the mean of
    the series' own earlier year-on-year changes (at least 4, within the current method), or
    else the regions' mean change over the same year. ``z`` is the deviation in SDs of the
    regions' changes over that year (else of the series' own past changes). A quarterly flow
    is judged on rolling four-quarter sums (``inp.rolling``).
    """
    last, v = inp.last, float(inp.series.iloc[-1])
    ya = last.year_earlier()
    v_ya = inp.at(inp.series, ya)
    if v_ya is None:
        return Skip.too_few("sig_skip_no_value", period=ya)
    b = inp.break_between(ya, last)
    if b is not None:
        return Skip.skipped("sig_skip_break", **{"break": b, "old": ya, "new": last})
    delta = inp.change(v, v_ya)
    if delta is None:
        return Skip.too_few("sig_skip_no_value", period=ya)
    numbers: dict = {
        "value": v,
        "year_ago_period": str(ya),
        "year_ago": v_ya,
        "change_year": delta,
        "basis": "relatief" if inp.relative else "absoluut",
        "rolling": inp.rolling,
    }
    if inp.freq != "Y" and not inp.rolling:
        prev = last.shift(-1)
        pv = inp.at(inp.series, prev)
        if pv is not None and inp.break_between(prev, last) is None:
            numbers.update(previous_period=str(prev), previous=pv, change_previous=inp.change(v, pv))
    if inp.nominal is not None and inp.region in inp.nominal.columns:
        col = inp.nominal[inp.region]
        a, c = inp.at(col, ya), inp.at(col, last)
        numbers["nominal_change_year"] = inp.change(c, a) if a is not None and c is not None else None
    usual, scale, basis = _usual_change(inp, ya, last)
    deviation = delta - usual if usual is not None else delta
    z = abs(deviation) / scale if scale else 0.0
    threshold = inp.cfg.change_threshold
    if basis == "nederland":
        notable = abs(deviation) >= max(threshold or 0.0, inp.half_unit(inp.relative))
        z = z if scale else (NO_YARDSTICK_Z if notable else 0.0)
    else:
        notable = abs(deviation) >= threshold if threshold is not None else (scale is not None and z >= CHANGE_Z)
    if inp.cfg.bands:
        now_band, band_before = band(v, inp.cfg.bands), band(v_ya, inp.cfg.bands)
        numbers.update(band=now_band, band_year_ago=band_before)
        if now_band != band_before:
            notable, z = True, max(z, CHANGE_Z)
    numbers.update(
        usual_change=usual,
        usual_basis=basis or None,
        national_change=usual if basis == "nederland" else None,
        deviation=deviation,
        threshold=threshold,
        scale=scale,
        scale_basis=basis,
        z=z,
        notable=notable,
        difference=deviation if usual is not None else delta,
        difference_basis=numbers["basis"],
    )
    kind, case = _change_case(inp, delta, deviation, usual, basis, notable)
    moved = abs(delta) >= inp.half_unit(inp.relative)
    direction = "" if not moved or inp.sign == 0 else ("gunstig" if (delta > 0) == (inp.sign > 0) else "ongunstig")
    if basis == "nederland" and (direction, kind) in (("ongunstig", Kind.OPPORTUNITY), ("gunstig", Kind.URGENT)):
        kind = Kind.NEUTRAL  # a smaller rise of a bad thing than in the Netherlands is no opportunity
    return Finding(
        kind,
        case,
        z,
        numbers,
        size=abs(deviation),
        relevant=inp.relevant_change,
        vs_national=(inp.sign or 1) * deviation if basis == "nederland" else None,
        direction=direction,
    )


# ---------------------------------------------------------------------------- 3. gap
def _comparable_earlier(inp: Inputs, a: pd.Series, b: pd.Series, back: int) -> tuple[Period | None, bool]:
    """The period to compare the latest one with: ``back`` periods earlier, or the first
    later period where both series have a value in the latest period's method segment.

    Returns ``(period, moved)``; ``moved`` says it lies later than ``back`` periods ago.
    """
    last = inp.last
    target = last.shift(-back)
    seg = inp.segment_start(last)
    start = max(target.ordinal, seg.ordinal) if seg else target.ordinal
    for key in a.index:
        p = Period.parse(key)
        if start <= p.ordinal < last.ordinal and inp.at(b, p) is not None:
            return p, p.ordinal != target.ordinal
    return None, False


@rule("kloof", weight=0.9)
def gap(inp: Inputs) -> Finding | Skip:
    """The focus region against the Netherlands now, and whether the gap closes or widens."""
    now = _against_national(inp)
    if isinstance(now, Skip):
        return now
    last, (v, bv) = inp.last, now
    old, moved = _comparable_earlier(inp, inp.series, inp.bench, inp.cfg.gap_window)
    if old is None:
        return Skip.too_few("sig_skip_no_history")
    gap_now = v - bv
    old_value, old_bench = inp.at(inp.series, old), inp.at(inp.bench, old)
    assert old_value is not None and old_bench is not None  # _comparable_earlier found both
    gap_old = old_value - old_bench
    scale, basis = inp.level_spread()
    threshold = inp.cfg.gap_threshold
    if threshold is None:
        threshold = GAP_THRESHOLD_SPREAD * scale if scale else 0.0
    peers = [p for p in (inp.at(inp.column(c), last) for c in inp.peers) if p is not None]
    peer_mean = float(np.mean(peers)) if peers else None
    numbers = {
        "value": v,
        "benchmark": bv,
        "benchmark_region": inp.national,
        "gap": gap_now,
        "old_period": str(old),
        "gap_old": gap_old,
        "moved_for_break": bool(moved and inp.segment_start(last) is not None),
        "peers_mean": peer_mean,
        "gap_peers": (v - peer_mean) if peer_mean is not None else None,
        "threshold": threshold,
        "scale": scale,
        "scale_basis": basis,
    }
    tol = inp.half_unit()
    material = abs(gap_now) >= max(threshold, tol)
    z = _sized(gap_now, scale, material)
    numbers["z"] = z
    if not material:
        return Finding(Kind.NEUTRAL, "level", z, numbers, direction="")
    if inp.sign == 0:
        return Finding(Kind.NEUTRAL, "neutral", z, numbers)
    ahead = inp.sign * gap_now > 0
    direction = "gunstig" if ahead else "ongunstig"
    g, g_old = inp.sign * gap_now, inp.sign * gap_old
    stable = abs(g - g_old) < tol
    if g < 0:
        if g_old > tol:
            case, kind = "behind_crossed", Kind.URGENT
        elif stable:
            case, kind = "behind_stable", Kind.URGENT
        elif g < g_old:
            case, kind = "behind_widening", Kind.URGENT
        else:
            case, kind = "behind_closing", Kind.NEUTRAL
    else:
        if g_old < -tol:
            case, kind = "ahead_crossed", Kind.OPPORTUNITY
        elif stable:
            case, kind = "ahead_stable", Kind.OPPORTUNITY
        elif g > g_old:
            case, kind = "ahead_growing", Kind.OPPORTUNITY
        else:
            case, kind = "ahead_shrinking", Kind.NEUTRAL
    numbers.update(direction=case, difference=gap_now, difference_basis="level")
    return Finding(kind, case, z, numbers, size=abs(gap_now), relevant=inp.relevant_level, direction=direction)


# ---------------------------------------------------------------------------- 4. position
@rule("positie", weight=0.8)
def position(inp: Inputs) -> Finding | Skip:
    """Rank and quartile among the regions of the comparison set (1 = most favourable), on the
    values as published (ties shared: :mod:`.ranking`, the one ranking of every page)."""
    not_comparable = _not_comparable_level(inp)
    if not_comparable:
        return not_comparable
    if inp.level not in MIN_REGIONS:
        return Skip.not_applicable("sig_skip_level", region=inp.focus, levels=", ".join(inp.ind.levels))
    last = inp.last
    row = inp.row(last)
    need = MIN_REGIONS[inp.level]
    if len(row) < need or inp.region not in row.index:
        return Skip.too_few("sig_skip_few_regions", n=len(row), need=need, set=inp.level)
    polarity = inp.ind.polarity if inp.sign else "neutral"
    rank = rank_of(row, inp.region, polarity, inp.ind.decimals)
    assert rank is not None  # the region has a figure (checked above)
    sd = spread(row.to_list())
    v = float(row[inp.region])
    z = abs(v - float(row.mean())) / sd if sd else 0.0
    order = ranked_order(row, polarity, inp.ind.decimals)
    median = float(row.median())
    numbers = {
        "value": v,
        **rank.to_dict(),
        "quartile": rank.quartile,
        "set": inp.level,
        "median": median,
        "mean": float(row.mean()),
        "spread": sd,
        "best_region": order[0],
        "best": float(row[order[0]]),
        "worst_region": order[-1],
        "worst": float(row[order[-1]]),
        "z": z,
        "difference": v - median,
        "difference_basis": "level",
    }
    size, relevant = abs(v - median), inp.relevant_level
    if inp.sign == 0:
        return Finding(Kind.NEUTRAL, "neutral", z, numbers, size=size, relevant=relevant)
    if rank.quartile == 1:
        return Finding(Kind.OPPORTUNITY, "top", z, numbers, size=size, relevant=relevant)
    if rank.quartile == 4:
        return Finding(Kind.URGENT, "bottom", z, numbers, size=size, relevant=relevant)
    return Finding(Kind.NEUTRAL, "middle", z, numbers, size=size, relevant=relevant)


# ---------------------------------------------------------------------------- 5. targets
@rule("doel", weight=1.0)
def targets(inp: Inputs) -> list[Finding | Skip]:
    """Board targets for the focus region: met / on track / off track (PRODUCT.md §5.5)."""
    out: list[Finding | Skip] = []
    for target in inp.targets:
        if target.region != inp.region:
            out.append(Skip.skipped("sig_skip_target_region", region=target.region, data_region=inp.region))
        elif target.kind == "cumulative":
            out.append(_cumulative_target(inp, target))
        else:
            out.append(_benchmark_target(inp, target))
    return out


def _benchmark_target(inp: Inputs, target: Target) -> Finding | Skip:
    last = inp.last
    if target.kind == "benchmark":
        assert target.benchmark  # a benchmark target names its region (Target's schema)
        bench = inp.column(target.benchmark)
        if inp.at(bench, last) is None:
            return Skip.skipped("sig_skip_no_benchmark", bench=target.benchmark, period=last)
    else:
        assert target.value is not None  # a level target has a value (Target's schema)
        bench = pd.Series(float(target.value), index=inp.series.index)
    d = inp.ind.decimals
    sign = inp.sign or 1
    common = [k for k in inp.series.index if k in bench.index and np.isfinite(bench[k])]
    g = pd.Series({k: sign * (round(float(inp.series[k]), d) - round(float(bench[k]), d)) for k in common})
    v, bv = float(inp.series.iloc[-1]), float(bench[str(last)])
    scale, basis = inp.level_spread()
    z = _sized(v - bv, scale, True)
    numbers = {
        "target": target.id,
        "target_kind": target.kind,
        "label_nl": target.label_nl,
        "label_en": target.label_en,
        "value": v,
        "benchmark": bv,
        "benchmark_region": target.benchmark,
        "gap": v - bv,
        "scale": scale,
        "scale_basis": basis,
        "source_url": target.source_url,
        "difference": v - bv,
        "difference_basis": "level",
    }
    if g.iloc[-1] >= 0:
        keys = list(g.index)
        i = len(keys) - 1
        while i > 0 and g.iloc[i - 1] >= 0:
            i -= 1
        since = Period.parse(keys[i])
        crossed = i > 0
        if crossed and last.ordinal - since.ordinal < last.per_year:
            z = max(z, TARGET_Z)  # newly met: news for the board
        numbers.update(
            status="gehaald", met_since=str(since), met_since_quarter=str(since.quarter()), crossed=crossed, z=z
        )
        return Finding(Kind.OPPORTUNITY, "met", z, numbers, direction="gunstig")
    old, _ = _comparable_earlier(inp, inp.series, bench, inp.cfg.gap_window)
    z_off = max(z, TARGET_Z)  # a board target off track is news for the board
    if old is None or str(old) not in g.index:
        numbers.update(status="niet gehaald", z=z_off)
        return Finding(Kind.URGENT, "not_met", z_off, numbers)
    periods = last.ordinal - old.ordinal
    rate = (g.iloc[-1] - g[str(old)]) / periods
    numbers.update(
        old_period=str(old),
        gap_old=float(inp.series[str(old)]) - float(bench[str(old)]),
        closing_per_period=sign * rate,
    )
    if rate > 0:
        to_close = -g.iloc[-1] / rate
        eta = last.shift(math.ceil(to_close - 1e-9))
        numbers.update(periods_to_close=to_close, expected=str(eta))
        if to_close <= inp.cfg.gap_window:
            numbers.update(status="op koers", z=z)
            return Finding(Kind.NEUTRAL, "on_track", z, numbers, direction="gunstig")
        numbers.update(status="niet op koers", z=z_off)
        return Finding(Kind.URGENT, "off_track_slow", z_off, numbers)
    numbers.update(status="niet op koers", z=z_off)
    return Finding(Kind.URGENT, "off_track", z_off, numbers)


def _cumulative_target(inp: Inputs, target: Target) -> Finding | Skip:
    """A stock that must grow by ``value`` between ``start`` and ``by`` (the Woondeal).

    The current pace is that of the last year (the additions over the last four quarters),
    as on the target's own page; with less than a year since the start, the pace so far.
    On track when that pace, kept up to the deadline, reaches the target.
    """
    assert target.start and target.by and target.value is not None  # Target's schema: cumulative
    start, by, last = Period.parse(target.start), Period.parse(target.by), inp.last
    if start.freq != inp.freq:
        start = Period.from_date(start.end(), inp.freq)
        by = Period.from_date(by.end(), inp.freq)
    v0 = inp.at(inp.series, start)
    if v0 is None:
        return Skip.too_few("sig_skip_target_freq", period=start)
    if last.ordinal <= start.ordinal:
        return Skip.too_few("sig_skip_few_periods", n=0, need=1, freq=inp.freq)
    # progress, pace and projection as on the target's own page (one computation for both)
    prog = target_progress(inp.series, target.model_copy(update={"start": str(start), "by": str(by)}), up_to=last)
    assert prog is not None  # the series has a value at the start and goes past it
    goal = float(target.value)
    v = float(inp.series.iloc[-1])
    progress = prog.done
    elapsed = last.ordinal - start.ordinal
    left = by.ordinal - last.ordinal
    per_year = inp.per_year
    since_start = progress / elapsed
    pace = prog.pace_per_year / per_year
    pace_basis = "afgelopen jaar" if prog.basis == "last_year" else "sinds start"
    numbers = {
        "target": target.id,
        "target_kind": "cumulative",
        "label_nl": target.label_nl,
        "label_en": target.label_en,
        "start": str(start),
        "by": str(by),
        "goal": goal,
        "start_value": v0,
        "value": v,
        "progress": progress,
        "share_done": progress / goal * 100 if goal else None,
        "periods_elapsed": elapsed,
        "periods_left": left,
        "pace_per_period": pace,
        "pace_per_year": pace * per_year,
        "pace_basis": pace_basis,
        "pace_since_start_per_year": since_start * per_year,
        "source_url": target.source_url,
    }
    # how unusual the needed pace is: against the spread of the per-period additions so far
    seen = inp.series[[k for k in inp.series.index if start.ordinal <= Period.parse(k).ordinal <= last.ordinal]]
    additions = np.diff(seen.to_numpy(dtype=float))
    sd = spread(additions.tolist()) if len(additions) >= 4 else None
    if progress >= goal:
        z = max((progress - goal) / sd if sd else 0.0, TARGET_Z)
        numbers.update(status="gehaald", z=z)
        return Finding(Kind.OPPORTUNITY, "cum_met", z, numbers, direction="gunstig")
    if left <= 0:
        numbers.update(status="niet gehaald", z=TARGET_Z)
        return Finding(Kind.URGENT, "cum_missed", TARGET_Z, numbers)
    needed = (goal - progress) / left
    projected = prog.projection
    numbers.update(
        remaining=goal - progress,
        needed_per_period=needed,
        needed_per_year=needed * per_year,
        projected_total=projected,
        projected_shortfall=max(goal - projected, 0.0),
        year_reached=_year_reached(last, goal - progress, pace * per_year),
    )
    z = abs(needed - pace) / sd if sd else (abs(needed / pace - 1.0) * 4 if pace > 0 else TARGET_Z)
    if projected >= goal:
        numbers.update(status="op koers", z=z)
        return Finding(Kind.NEUTRAL, "cum_on_track", z, numbers, direction="gunstig")
    z = max(z, TARGET_Z)
    numbers.update(status="niet op koers", z=z)
    return Finding(Kind.URGENT, "cum_off_track", z, numbers)


def _year_reached(last: Period, remaining: float, pace_per_year: float) -> int | None:
    """The year a cumulative target is reached at ``pace_per_year`` from ``last`` (None: never)."""
    if remaining <= 0:
        return last.year
    if pace_per_year <= 0:
        return None
    end = last.end()
    years = remaining / pace_per_year
    return int(end.year + (end.timetuple().tm_yday / 365.25 + years - 1e-9) // 1)


# ---------------------------------------------------------------------------- 6. range break
def _range_values(inp: Inputs, against: bool) -> dict[Period, float]:
    """The values whose record the range rule looks for: the level (counts: the year-on-year %
    change), or with a national figure its difference with the Netherlands (counts: the
    difference in growth), so that a record the Netherlands shares is no record."""

    def growth(series: pd.Series, p: Period) -> float | None:
        old, now = inp.at(series, p.year_earlier()), inp.at(series, p)
        if not old or now is None or inp.break_between(p.year_earlier(), p) is not None:
            return None
        return (now / old - 1) * 100

    by_growth = _growth_basis(inp)
    values: dict[Period, float] = {}
    for key in inp.series.index:
        p = Period.parse(str(key))
        own = growth(inp.series, p) if by_growth else inp.at(inp.series, p)
        if own is None:
            continue
        if against:
            nat = growth(inp.bench, p) if by_growth else inp.at(inp.bench, p)
            if nat is None:
                continue
            own -= nat
        values[p] = own
    return values


def _growth_basis(inp: Inputs) -> bool:
    """Records of counts and index numbers are records of their year-on-year % change."""
    return inp.additive or inp.ind.unit == "index"


@rule("breuk", weight=0.8)
def range_break(inp: Inputs) -> Finding | Skip | None:
    """The latest value outside its historical range (within the current method), judged
    against the national movement: with a national figure the record is one of the difference
    with the Netherlands (a rise every region shares sets no record). Counts (additive
    indicators) are judged on their year-on-year % change, since a growing stock reaches a new
    high nearly every period.
    """
    last = inp.last
    seg = inp.segment_start(last)
    against = inp.has_national
    values = _range_values(inp, against)
    if last not in values:
        return Skip.too_few("sig_skip_no_value", period=last.year_earlier())
    hist = {p: v for p, v in values.items() if p.ordinal < last.ordinal and (seg is None or p.ordinal >= seg.ordinal)}
    need = inp.cfg.range_min_periods
    if len(hist) < need:
        if seg is not None and any(p.ordinal < seg.ordinal for p in values):
            return Skip.too_few("sig_skip_few_since_break", n=len(hist), need=need, freq=inp.freq, **{"break": seg})
        return Skip.too_few("sig_skip_few_periods", n=len(hist), need=need, freq=inp.freq)
    cur = values[last]
    hi_p = max(hist, key=lambda p: hist[p])
    lo_p = min(hist, key=lambda p: hist[p])
    hi, lo = hist[hi_p], hist[lo_p]
    # outside by at least half a shown unit: a "record" by a rounding error is no news
    tol = inp.half_unit(_growth_basis(inp))
    if lo - tol < cur < hi + tol:
        return None
    high = cur > hi
    sd = spread(list(hist.values())) or (hi - lo) or 1.0
    excess = cur - hi if high else lo - cur
    z = 1.0 + excess / sd
    numbers = {
        "value": cur,
        "level": float(inp.series.iloc[-1]),
        "basis": "relatief" if _growth_basis(inp) else "absoluut",
        "against_national": against,
        "direction": "hoog" if high else "laag",
        "history_from": str(min(hist)),
        "history_periods": len(hist),
        "previous_extreme": hi if high else lo,
        "previous_extreme_period": str(hi_p if high else lo_p),
        "min": lo,
        "max": hi,
        "excess": excess,
        "spread": sd,
        "z": z,
    }
    case = ("growth_" if _growth_basis(inp) else "") + ("gap_" if against else "") + ("high" if high else "low")
    size, relevant = excess, inp.relevant_change if _growth_basis(inp) else inp.relevant_level
    if inp.sign == 0:
        return Finding(Kind.NEUTRAL, case, z, numbers, size=size, relevant=relevant)
    good = high == (inp.sign > 0)
    return Finding(Kind.OPPORTUNITY if good else Kind.URGENT, case, z, numbers, size=size, relevant=relevant)


# ---------------------------------------------------------------------------- 7. the clock
CLOCK_KINDS = {
    "ahead_growing": Kind.OPPORTUNITY,
    "ahead_shrinking": Kind.NEUTRAL,
    "behind_closing": Kind.NEUTRAL,
    "behind_widening": Kind.URGENT,
    "ahead_stable": Kind.NEUTRAL,
    "behind_stable": Kind.NEUTRAL,  # the clock is about movement
}


@rule("klok", weight=0.6)
def clock(inp: Inputs) -> Finding | Skip:
    """The regional clock (after the CBS Conjunctuurklok): gap to NL x its change in a year.

    Coordinates are in standard deviations between regions, oriented so that right is
    more favourable (x: the gap; y: its change over one year). A change of the gap below
    half a shown unit is no change: the point sits on the horizontal axis (``*_stable``).
    Without a comparison set there are no such coordinates, and the rule is skipped.
    """
    now = _against_national(inp)
    if isinstance(now, Skip):
        return now
    last, (v, bv) = inp.last, now
    old = last.year_earlier()
    b = inp.break_between(old, last)
    if b is not None:
        return Skip.skipped("sig_skip_break", **{"break": b, "old": old, "new": last})
    ov, obv = inp.at(inp.series, old), inp.at(inp.bench, old)
    if ov is None or obv is None:
        return Skip.too_few("sig_skip_no_value", period=old)
    gap_now, gap_old = v - bv, ov - obv
    scale, basis = inp.level_spread()
    if not scale:
        return Skip.too_few("sig_skip_few_regions", n=len(inp.row(last)), need=5, set=inp.level)
    s = inp.sign or 1
    tol = inp.half_unit()
    stable = abs(gap_now - gap_old) < tol
    x, y = s * gap_now / scale, (0.0 if stable else s * (gap_now - gap_old) / scale)
    if inp.sign:
        if stable:
            movement = "stable"
        elif x >= 0:
            movement = "growing" if y > 0 else "shrinking"
        else:
            movement = "closing" if y > 0 else "widening"
        quadrant = ("ahead_" if x >= 0 else "behind_") + movement
        kind = CLOCK_KINDS[quadrant]
    else:
        quadrant = ("above_" if x >= 0 else "below_") + ("stable" if stable else "rising" if y > 0 else "falling")
        kind = Kind.NEUTRAL
    # near the national level (below the gap rule's threshold) the clock gives no verdict
    threshold = inp.cfg.gap_threshold
    if threshold is None:
        threshold = GAP_THRESHOLD_SPREAD * scale
    material = abs(gap_now) >= max(threshold, tol)
    if not material:
        kind = Kind.NEUTRAL
    z = math.hypot(x, y)
    return Finding(
        kind,
        quadrant,
        z,
        {
            "value": v,
            "benchmark": bv,
            "gap": gap_now,
            "old_period": str(old),
            "gap_old": gap_old,
            "x": x,
            "y": y,
            "quadrant": quadrant,
            "stable": stable,
            "material": material,
            "threshold": threshold,
            "scale": scale,
            "scale_basis": basis,
            "z": z,
            "difference": gap_now,
            "difference_basis": "level",
        },
        size=abs(gap_now),
        relevant=inp.relevant_level,
        direction=("gunstig" if x >= 0 else "ongunstig") if inp.sign and material else "",
    )


RULES = rule_keys()  # the keys in the order the rules run (their order above)
