"""The UWV labour-market tension bands: which band a value falls in, in one place.

UWV classes the ratio of vacancies to short-term benefit claimants in five bands. The
catalogue gives the upper edges of the first four (``signals: bands: {zeer_ruim: 0.25, ruim:
0.67, gemiddeld: 1.5, krap: 4.0}``); everything at or above the last edge is ``zeer_krap``.
The schema (:class:`signaal.catalogue.schema.SignalSettings`) checks the names and the order
with :func:`check_edges`; the signal rules and the topic-page sentence both name a value's
band with :func:`band`. Band names are label keys (``band_<name>`` in ``text/labels.yaml``).

Pure Python and free of package imports, so that the catalogue schema can use it.
"""

from __future__ import annotations

import itertools

EDGE_NAMES = ("zeer_ruim", "ruim", "gemiddeld", "krap")  # the bands with an upper edge, low to high
TOP = "zeer_krap"  # at or above the last edge
BANDS = EDGE_NAMES + (TOP,)


def check_edges(edges: dict[str, float]) -> dict[str, float]:
    """The edges as given when they name the four UWV bands with increasing upper edges;
    otherwise a ValueError in one line naming what is wrong and what is valid."""
    names = list(edges)
    if set(names) != set(EDGE_NAMES):
        unknown = [n for n in names if n not in EDGE_NAMES]
        missing = [n for n in EDGE_NAMES if n not in edges]
        what = f"unknown {', '.join(map(repr, unknown))}" if unknown else f"missing {', '.join(map(repr, missing))}"
        raise ValueError(
            f"bands must give the upper edges of {', '.join(EDGE_NAMES)} ({TOP} is above the last edge); {what}"
        )
    values = [float(edges[n]) for n in EDGE_NAMES]
    if any(b <= a for a, b in itertools.pairwise(values)):
        order = ", ".join(f"{n}: {edges[n]}" for n in EDGE_NAMES)
        raise ValueError(f"band edges must increase from {EDGE_NAMES[0]} to {EDGE_NAMES[-1]}; got {order}")
    return edges


def band(value: float, edges: dict[str, float]) -> str:
    """The band of ``value``: the first band (by edge, low to high) whose upper edge lies
    above it, else ``zeer_krap``. An edge belongs to the band above it (UWV: "0,67-1,5
    gemiddeld")."""
    for name, upper in sorted(edges.items(), key=lambda kv: kv[1]):
        if value < upper:
            return name
    return TOP
