"""What the vintages hold and how two of them differ (``signaal data status`` / ``data diff``).

CBS revises figures (provisional → final, regional accounts at benchmark revisions), adds
periods, re-issues regional tables with another set of municipalities and now and then
changes a unit. A vintage is immutable, so these changes show up as differences between two
vintages; :func:`diff` lists them so that nobody has to notice a revision by accident.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..catalogue import Catalogue
from ..errors import DataError
from ..periods import Period
from .provenance import Provenance
from .vintage import SAMPLE_ID, Store, Vintage


@dataclass
class VintageInfo:
    id: str
    created: str
    is_sample: bool
    rows: int
    indicators: int
    sources: list[str]
    is_default: bool
    warnings: int
    carried_over: int
    path: str


def list_vintages(store: Store) -> list[VintageInfo]:
    """Live vintages (oldest first), then the bundled sample; the one ``signaal run`` takes is marked."""
    live = store.vintages()
    out = []
    found = list(live)
    with contextlib.suppress(DataError):
        found.append(store.sample())
    default = live[-1].id if live else (SAMPLE_ID if len(found) > len(live) else None)
    if store.broken():
        default = None  # `signaal run` refuses to choose while a vintage is broken
    for v in found:
        m = v.manifest
        out.append(
            VintageInfo(
                id=v.id,
                created=str(m.get("created", "")),
                is_sample=v.is_sample,
                rows=int(m.get("rows", 0) or 0),
                indicators=len(m.get("indicators") or []),
                sources=sorted((m.get("sources") or {}).keys()),
                is_default=v.id == default,
                warnings=len((m.get("validation") or {}).get("warnings") or []),
                carried_over=len((m.get("refresh") or {}).get("carried_over") or {}),
                path=str(v.path),
            )
        )
    return out


def source_info(manifest: dict, indicator_id: str, table: str | None = None) -> dict:
    """The manifest's ``sources`` entry of an indicator ({} when there is none).

    Found through the indicator's resolution (the table id the family resolved to, which may be
    newer than the id in indicators.yaml), else by ``table`` (the catalogue's last known id).
    The topic page's "Laatste actualisatie" is ``source_info(...)["modified"]``.
    """
    sources = manifest.get("sources") or {}
    resolved = ((manifest.get("resolution") or {}).get(indicator_id) or {}).get("source")
    for key in (resolved, table):
        if key:
            for name, info in sources.items():
                if name.upper() == str(key).upper() and isinstance(info, dict):
                    return info
    return next(
        (
            info
            for info in sources.values()
            if isinstance(info, dict) and indicator_id in (info.get("indicators") or [])
        ),
        {},
    )


def table_id(manifest: dict | None, indicator) -> str | None:
    """The table an indicator's numbers came from in a vintage, for every place that cites it
    (topic pages, factsheets, ``indicators.csv``): for a CBS indicator the table its family
    resolved to in this vintage (``manifest["resolution"][id]["source"]``, possibly a newer
    edition than the catalogue knows), else the catalogue's ``source.table``.

    A derived indicator that names a table (job growth from 83582NED) cites the table its
    input with that catalogue id was read from, so that it moves with it.

    ``indicator`` is a catalogue :class:`~signaal.catalogue.Indicator` or its id."""
    from ..catalogue import catalogue

    if isinstance(indicator, str):
        indicator = catalogue()[indicator]
    src = indicator.source
    if src.kind == "cbs":
        resolved = (((manifest or {}).get("resolution") or {}).get(indicator.id) or {}).get("source")
        if resolved:
            return str(resolved)
    elif src.kind == "derived" and src.table:
        cat = catalogue()
        for dep in cat.dependencies(indicator.id):
            d = cat[dep]
            if (
                d.id != indicator.id
                and d.source.kind == "cbs"
                and str(d.source.table).upper() == str(src.table).upper()
            ):
                return table_id(manifest, d)
    return src.table


def figures_text(prov: Provenance, indicator: str) -> str:
    """``real``, ``synthetic`` or ``mixed (real: land, provincie; synthetic: corop)`` — derived
    levels (sums of real members) count as real and are named."""
    summary = prov.summary(indicator)
    levels = prov.levels(indicator)
    derived = [lvl for lvl, k in levels.items() if k == "derived"]
    if summary == "mixed":
        real = [lvl for lvl, k in levels.items() if k != "synthetic"]
        synthetic = [lvl for lvl, k in levels.items() if k == "synthetic"]
        text = f"mixed (real: {', '.join(real)}; synthetic: {', '.join(synthetic)})"
    else:
        text = summary
    return text + (f" (derived: {', '.join(derived)})" if derived and summary == "real" else "")


def freshness(vintage: Vintage, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Per indicator: latest period with a value, its status, the source and its modification
    date, and whether its figures are real (with the day they were retrieved) or synthetic."""
    obs = vintage.observations
    m = vintage.manifest
    prov = Provenance.of(m)
    resolution = m.get("resolution") or {}
    carried = (m.get("refresh") or {}).get("carried_over") or {}
    rows = []
    for key, sub in obs.groupby("indicator"):
        ind_id = str(key)  # groupby keys are typed as any scalar; indicator ids are str
        present = sub[sub["value"].notna()]
        periods = sorted(present["period"].unique(), key=Period.parse)
        latest = periods[-1] if periods else "–"
        status = ", ".join(sorted(present.loc[present["period"] == latest, "status"].unique())) if periods else "–"
        table = None
        if catalogue is not None and ind_id in catalogue:
            src = catalogue[ind_id].source
            table = src.table or src.file
        info = source_info(m, ind_id, table)
        source_id = (resolution.get(ind_id) or {}).get("source") or info.get("table") or info.get("file") or table or ""
        rows.append(
            {
                "indicator": ind_id,
                "latest": latest,
                "status": status,
                "periods": len(periods),
                "regions": int(present["region"].nunique()),
                "source": source_id or "–",
                "modified": info.get("modified") or "–",
                "carried_over_from": carried.get(ind_id, ""),
                "figures": figures_text(prov, ind_id),
                "retrieved": _retrieved(info, prov, ind_id, vintage),
            }
        )
    columns = ["indicator", "latest", "status", "periods", "regions", "source", "modified", "carried_over_from"]
    return pd.DataFrame(rows, columns=[*columns, "figures", "retrieved"])


def _retrieved(info: dict, prov: Provenance, indicator: str, vintage: Vintage) -> str:
    """The day the real figures were retrieved: the origin's date for a real extract of the
    sample ('not stated' where the origin gives none), the download day of a live vintage."""
    if prov.is_sample:
        if prov.summary(indicator) == "synthetic":
            return "–"
        return str(info.get("retrieved") or "") or "not stated"
    return str(info.get("retrieved") or "")[:10] or "–"


@dataclass
class Diff:
    old: str
    new: str
    revised: pd.DataFrame
    new_periods: pd.DataFrame
    vanished_periods: pd.DataFrame
    vanished_regions: pd.DataFrame
    new_regions: pd.DataFrame
    unit_changes: pd.DataFrame
    new_indicators: list[str] = field(default_factory=list)
    removed_indicators: list[str] = field(default_factory=list)
    decimals: dict[str, int] = field(default_factory=dict)  # per indicator, from the catalogue

    @property
    def empty(self) -> bool:
        return all(
            f.empty
            for f in (
                self.revised,
                self.new_periods,
                self.vanished_periods,
                self.vanished_regions,
                self.new_regions,
                self.unit_changes,
            )
        ) and not (self.new_indicators or self.removed_indicators)

    def lines(self, limit: int = 10) -> list[str]:
        """A readable report; at most ``limit`` examples per kind of change."""
        out = [f"diff {self.old} → {self.new}"]
        if self.empty:
            return out + ["  no differences"]
        if self.new_indicators:
            out.append(f"  new indicators: {', '.join(self.new_indicators)}")
        if self.removed_indicators:
            out.append(f"  indicators no longer present: {', '.join(self.removed_indicators)}")

        def block(title: str, frame: pd.DataFrame, fmt) -> None:
            if frame.empty:
                return
            out.append(f"  {title}: {len(frame)}")
            for row in frame.head(limit).itertuples(index=False):
                out.append("    " + fmt(row))
            if len(frame) > limit:
                out.append(f"    … and {len(frame) - limit} more")

        def revision(r) -> str:
            old, new = revised_values(r.old_value, r.new_value, self.decimals.get(r.indicator))
            return f"{r.indicator} {r.region} {r.period}: {old} ({r.old_status}) → {new} ({r.new_status}) [{r.change}]"

        block("revised values", self.revised, revision)
        block("new periods", self.new_periods, lambda r: f"{r.indicator} {r.period} ({r.regions} regions)")
        block(
            "periods no longer present",
            self.vanished_periods,
            lambda r: f"{r.indicator} {r.period} ({r.regions} regions)",
        )
        block(
            "regions no longer present",
            self.vanished_regions,
            lambda r: f"{r.indicator} {r.region} (last {r.last_period})",
        )
        block("new regions", self.new_regions, lambda r: f"{r.indicator} {r.region}")
        block("unit or source changes", self.unit_changes, lambda r: f"{r.indicator} {r.what}: {r.old} → {r.new}")
        return out


def revised_values(old, new, decimals: int | None) -> tuple[str, str]:
    """An old and a new value as the report shows them: with the indicator's decimals (so that
    1,234,567 → 1,234,571 stays readable), and with more where those would hide the revision."""

    def missing(v) -> bool:
        return v is None or (isinstance(v, float) and np.isnan(v))

    def fmt(v, places: int) -> str:
        return "–" if missing(v) else f"{v:,.{places}f}"

    if decimals is None:  # an indicator no longer in the catalogue: every digit there is
        old_text, new_text = ("–" if missing(v) else f"{float(v):,}" for v in (old, new))
        return old_text, new_text
    places = int(decimals)
    while not missing(old) and not missing(new) and old != new and fmt(old, places) == fmt(new, places) and places < 12:
        places += 1
    return fmt(old, places), fmt(new, places)


def diff(old: Vintage, new: Vintage, rtol: float = 1e-9, catalogue: Catalogue | None = None) -> Diff:
    """What changed from ``old`` to ``new``; values are reported with the catalogue's decimals."""
    if catalogue is None:
        from ..catalogue import catalogue as default_catalogue

        catalogue = default_catalogue()
    a, b = old.observations, new.observations
    joined = a.merge(b, on=["indicator", "region", "period"], how="inner", suffixes=("_old", "_new"))
    ov, nv = joined["value_old"].to_numpy(), joined["value_new"].to_numpy()
    both = ~np.isnan(ov) & ~np.isnan(nv)
    moved = both & ~np.isclose(ov, nv, rtol=rtol, atol=1e-12, equal_nan=True)
    appeared = np.isnan(ov) & ~np.isnan(nv)
    vanished = ~np.isnan(ov) & np.isnan(nv)
    status = (joined["status_old"] != joined["status_new"]).to_numpy() & ~moved & ~appeared & ~vanished
    change = np.select([moved, appeared, vanished, status], ["value", "now available", "now missing", "status"], "")
    revised = joined.assign(change=change)[change != ""].rename(
        columns={
            "value_old": "old_value",
            "value_new": "new_value",
            "status_old": "old_status",
            "status_new": "new_status",
        }
    )
    revised = revised[["indicator", "region", "period", "old_value", "new_value", "old_status", "new_status", "change"]]
    revised = revised.sort_values(["indicator", "region", "period"]).reset_index(drop=True)

    def periods(frame):
        return frame.groupby(["indicator", "period"])["region"].nunique()

    pa, pb = periods(a), periods(b)
    common = sorted(set(a["indicator"]) & set(b["indicator"]))
    new_p = pb[~pb.index.isin(pa.index)].reset_index(name="regions")
    gone_p = pa[~pa.index.isin(pb.index)].reset_index(name="regions")
    new_p = new_p[new_p["indicator"].isin(common)]
    gone_p = gone_p[gone_p["indicator"].isin(common)]

    def order(f: pd.DataFrame) -> pd.DataFrame:
        return (
            f.assign(_o=f["period"].map(lambda p: Period.parse(p).end()))
            .sort_values(["indicator", "_o"])
            .drop(columns="_o")
            .reset_index(drop=True)
        )

    ra = a.groupby(["indicator", "region"])["period"].agg(lambda s: max(s, key=Period.parse))
    rb = b.groupby(["indicator", "region"])["period"].agg(lambda s: max(s, key=Period.parse))
    gone_r = ra[~ra.index.isin(rb.index)].reset_index(name="last_period")
    gone_r = gone_r[gone_r["indicator"].isin(common)].reset_index(drop=True)
    new_r = rb[~rb.index.isin(ra.index)].reset_index(name="last_period")
    new_r = new_r[new_r["indicator"].isin(common)][["indicator", "region"]].reset_index(drop=True)

    changes = []
    ra_res, rb_res = old.manifest.get("resolution") or {}, new.manifest.get("resolution") or {}
    for ind in common:
        o, n = ra_res.get(ind) or {}, rb_res.get(ind) or {}
        om, nm = o.get("measure") or {}, n.get("measure") or {}
        for what, ov_, nv_ in (
            ("unit", om.get("unit"), nm.get("unit")),
            ("scale", om.get("scale"), nm.get("scale")),
            ("catalogue unit", o.get("catalogue_unit"), n.get("catalogue_unit")),
            ("measure", om.get("key"), nm.get("key")),
            ("table", o.get("source"), n.get("source")),
        ):
            if ov_ is not None and nv_ is not None and ov_ != nv_:
                changes.append({"indicator": ind, "what": what, "old": ov_, "new": nv_})
    unit_changes = pd.DataFrame(changes, columns=["indicator", "what", "old", "new"])
    return Diff(
        old=old.id,
        new=new.id,
        revised=revised,
        new_periods=order(new_p) if not new_p.empty else new_p,
        vanished_periods=order(gone_p) if not gone_p.empty else gone_p,
        vanished_regions=gone_r,
        new_regions=new_r,
        unit_changes=unit_changes,
        new_indicators=sorted(set(b["indicator"]) - set(a["indicator"])),
        removed_indicators=sorted(set(a["indicator"]) - set(b["indicator"])),
        decimals={i: catalogue[i].decimals for i in set(a["indicator"]) | set(b["indicator"]) if i in catalogue},
    )
