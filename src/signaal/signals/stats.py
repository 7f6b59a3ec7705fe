"""The statistics behind the rules: a slope test that respects method breaks, and spreads.

The trend test is ordinary least squares of the values on time, with one step (a level
shift) for each method break inside the window, so that a break is neither spliced over
silently nor mistaken for a trend. The slope's t statistic is tested two-sided against a
Student t distribution (scipy's ``stdtr``, the function behind ``scipy.stats.t.sf``, without
the 1.5 s import of ``scipy.stats``) with n - 2 - (number of breaks) degrees of freedom. Serial
correlation is ignored, as in the simple CBS colour rules; a short window keeps that honest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import stdtr

NEGLIGIBLE = 1e-12  # a movement below this share of the data's size is float rounding, not a slope


@dataclass(frozen=True)
class SlopeTest:
    slope: float  # per period
    se: float
    t: float
    p: float
    df: int
    n: int
    steps: list[float]  # estimated level shift at each break (same order as given)


def slope_test(x: np.ndarray, y: np.ndarray, break_at: list[float] | None = None) -> SlopeTest | None:
    """OLS of ``y`` on ``x`` (+ a step at each ``break_at``); None when df < 1."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    cols = [np.ones_like(x), x - x.mean()]
    steps = [b for b in (break_at or []) if (x >= b).any() and (x < b).any()]
    for b in steps:
        cols.append((x >= b).astype(float))
    X = np.column_stack(cols)
    n, k = X.shape
    df = n - k
    if df < 1 or np.linalg.matrix_rank(X) < k:
        return None
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    rss = float(resid @ resid)
    # relative tolerance: a series that is a straight line up to float rounding has se 0
    scale = max(float(np.abs(y).max()), 1e-12)
    sigma2 = rss / df if rss > (1e-12 * scale) ** 2 * n else 0.0
    cov = sigma2 * np.linalg.inv(X.T @ X)
    se = math.sqrt(max(cov[1, 1], 0.0))
    slope = float(beta[1])
    # a slope that moves the fit by less than float rounding over the window is no slope: a
    # flat series fits with se 0 and a slope of 1e-17, which must not read as t = inf, p = 0
    span = float(x.max() - x.min())
    if abs(slope) * span <= NEGLIGIBLE * scale:
        slope = 0.0
    if slope == 0.0:
        t_stat, p = 0.0, 1.0
    elif se == 0.0:
        t_stat, p = math.copysign(math.inf, slope), 0.0  # an exact straight line
    else:
        t_stat = slope / se
        p = float(2 * stdtr(df, -abs(t_stat)))  # two-sided: 2 x the upper tail
    return SlopeTest(slope=slope, se=se, t=t_stat, p=p, df=df, n=n, steps=[float(b) for b in beta[2:]])


def spread(values) -> float | None:
    """Sample standard deviation of the finite values; None with fewer than 3 or no spread."""
    v = np.asarray([float(x) for x in values if x is not None and np.isfinite(x)], dtype=float)
    if len(v) < 3:
        return None
    sd = float(np.std(v, ddof=1))
    return sd if sd > 0 else None
