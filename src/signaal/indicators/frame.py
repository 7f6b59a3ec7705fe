"""The figures behind a page as one tidy pandas DataFrame, labelled and with its source.

::

    import signaal
    df = signaal.frame("woz_waarde")                        # every region, every period
    df = signaal.frame("woz_waarde", ["CR12", "NL01"], up_to="2026Q3")

    b.frame("woz_waarde")   # in a theme notebook: the briefing's vintage, quarter and language

One row per region and period, the columns of :data:`COLUMNS`:

===============  ============================================================================
``indicator``    the catalogue id (``woz_waarde``)
``region``       the CBS code (``CR12``, ``NL01``, ``GM0153``)
``region_name``  its name in the language asked for (``Twente``, ``Nederland``)
``level``        ``land``, ``provincie``, ``corop`` or ``gemeente``
``period``       a :class:`pandas.Period` (``2026Q3``, ``2025``, ``2026-09``): sorts and plots as time
``value``        the figure (NaN where CBS publishes none)
``unit``         the catalogue's unit (``percent``, ``euro``, ``count``, ``index``, …)
``status``       ``definitief``, ``voorlopig``, ``nader_voorlopig``, ``ontbreekt``, ``geheim``,
                 ``afgeschermd`` (a derived figure has the status of the figure it is computed from)
===============  ============================================================================

and in ``df.attrs`` what a source line says: ``title``, ``definition``, ``unit_label``,
``decimals``, ``source`` (the publisher), ``table`` (the table id the figures came from in this
vintage), ``updated`` (that table's modification date), ``vintage`` and ``is_sample``, plus
``derived_from`` for a computed indicator.

It lives here, with the data it reads; ``signaal.frame`` is the same function, found through
the package's ``signaal.api`` entry point (see :mod:`signaal`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..periods import Period
from ..store.diff import source_info, table_id
from .data import Data

COLUMNS = ("indicator", "region", "region_name", "level", "period", "value", "unit", "status")


def as_period(label: str) -> pd.Period:
    """A store period label (``2025``, ``2026Q3``, ``2026M09``) as a :class:`pandas.Period`."""
    p = Period.parse(label)
    if p.freq == "Y":
        return pd.Period(year=p.year, freq="Y")
    if p.freq == "Q":
        return pd.Period(year=p.year, quarter=p.num, freq="Q")
    return pd.Period(year=p.year, month=p.num, freq="M")


def _freq(long: pd.DataFrame, default: str) -> str:
    """The pandas frequency of the periods (the catalogue's frequency when there are none)."""
    return Period.parse(long["period"].iloc[0]).freq if len(long) else default


def _codes(data: Data, regions: str | Iterable[str] | None) -> list[str] | None:
    if regions is None:
        return None
    wanted = [regions] if isinstance(regions, str) else list(regions)
    return [data.reg.get(code).code for code in wanted]  # an unknown code: one line with what is valid


def _statuses(data: Data, indicator: str) -> pd.Series:
    """Status per (region, period) of the stored figures an indicator is (or is computed from)."""
    source = data.cat.dependencies(indicator)[0]
    obs = data.observations
    rows = obs[obs["indicator"] == source]
    return rows.set_index(["region", "period"])["status"]


def _attrs(data: Data, indicator: str, lang: str) -> dict:
    ind = data.cat[indicator]
    manifest = data.vintage.manifest
    info = source_info(manifest, ind.id, ind.source.table or ind.source.file)
    derived_from = [d for d in data.cat.dependencies(ind.id) if d != ind.id]
    if not info and derived_from:
        dep = data.cat[derived_from[0]]
        info = source_info(manifest, dep.id, dep.source.table or dep.source.file)
    attrs = {
        "indicator": ind.id,
        "title": ind.title.get(lang),
        "definition": ind.definition.get(lang) if ind.definition else "",
        "unit": ind.unit,
        "unit_label": ind.unit_label.get(lang) if ind.unit_label else "",
        "decimals": ind.decimals,
        "source": ind.source.publisher,
        "table": table_id(manifest, ind) or "",
        "updated": str(info.get("modified") or data.vintage.created or ""),
        "vintage": data.vintage.id,
        "is_sample": data.vintage.is_sample,
    }
    if derived_from:
        attrs["derived_from"] = derived_from
    return attrs


def frame(
    indicator: str,
    regions: str | Iterable[str] | None = None,
    *,
    up_to: Period | str | None = None,
    lang: str = "nl",
    vintage: str | None = None,
    data_dir: str | Path | None = None,
    data: Data | None = None,
) -> pd.DataFrame:
    """The figures of one indicator as a tidy DataFrame (columns :data:`COLUMNS`, the source
    in ``df.attrs``; see the module docstring)::

        >>> df = signaal.frame("werkloosheid", ["CR12", "NL01"], up_to="2026Q3")
        >>> df.attrs["table"], df.attrs["unit"]
        ('86088NED', 'percent')
        >>> df.pivot(index="period", columns="region_name", values="value").plot()

    ``regions``: codes (``"CR12"`` or ``["CR12", "NL01"]``; default: every region with figures);
    ``up_to``: the last quarter to include (``"2026Q3"``: what a briefing for that quarter may
    show); ``lang``: the language of region names and titles; ``vintage``/``data_dir``: which
    data (default: the newest vintage, else the bundled sample), or an open ``data``."""
    if lang not in ("nl", "en"):
        raise InputError(f"unknown language {lang!r}; valid: nl, en")
    data = data or Data.open(vintage, data_dir)
    ind = data.cat[indicator]  # an unknown id: one line with suggestions
    codes = _codes(data, regions)
    table = data.table(ind.id, up_to=up_to)
    if codes is not None:
        table = table.reindex(columns=[c for c in codes if c in table.columns])
    long = table.rename_axis(index="period").reset_index().melt(id_vars="period", var_name="region", value_name="value")
    keys = pd.MultiIndex.from_frame(long[["region", "period"]])
    status = pd.Series(_statuses(data, ind.id).reindex(keys).to_numpy(), index=long.index, dtype=object)
    if ind.transform is None:  # stored: what the vintage holds, a missing figure with its status
        keep = status.notna()
    else:  # computed: where there is a figure; the status of the figure it is computed from
        keep = long["value"].notna()
        status = status.fillna("definitief")
    long = long[keep].assign(status=status[keep])
    reg = data.reg
    out = pd.DataFrame(
        {
            "indicator": ind.id,
            "region": long["region"].astype(str),
            "region_name": pd.Series(
                [reg.display_name(c, lang) if c in reg else c for c in long["region"]], index=long.index, dtype=str
            ),
            "level": pd.Series([reg[c].level if c in reg else "" for c in long["region"]], index=long.index, dtype=str),
            "period": pd.Series(
                pd.PeriodIndex([as_period(p) for p in long["period"]], freq=_freq(long, ind.frequency)),
                index=long.index,
            ),
            "value": long["value"].astype("float64"),
            "unit": ind.unit,
            "status": long["status"].astype(str),
        },
        columns=list(COLUMNS),
    )
    out = out.sort_values(["region", "period"], kind="stable").reset_index(drop=True)
    out.attrs = _attrs(data, ind.id, lang)
    return out
