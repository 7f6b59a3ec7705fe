"""Synthetic figures of the bundled sample: realistic magnitudes, deterministic, not official.

Structure of the numbers:
- rates (participation, unemployment …) follow a national path; each COROP region has a
  fixed offset with a slow drift and noise; municipalities scatter around their COROP and are
  re-centred so that their inhabitant-weighted mean is the COROP value; provinces and the
  Netherlands are inhabitant-weighted means of their COROP regions;
- counts (benefits, vacancies, homes) are a per-inhabitant path times each municipality's
  inhabitants, summed upwards, so municipalities add up to their region exactly.

Every region of every level is generated; :mod:`signaal.store.sample` keeps only the levels CBS
publishes for the indicator (the catalogue's) that no real extract covers.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from ...periods import Period
from ...regions import Registry


def period_range(first: str, last: str) -> list[Period]:
    a, b = Period.parse(first), Period.parse(last)
    return [a.shift(i) for i in range(b.ordinal - a.ordinal + 1)]


def mid_year(p: Period) -> float:
    """Mid-point of a period in fractional years (2024Q1 → 2024.125)."""
    start = p.start()
    return start.year + (start.month - 1) / 12 + 0.5 / p.per_year


def anchor_path(anchors: dict, periods: list[Period]) -> np.ndarray:
    pts = sorted((mid_year(Period.parse(str(k))), float(v)) for k, v in anchors.items())
    xs, ys = zip(*pts, strict=True)
    return np.interp([mid_year(p) for p in periods], xs, ys)


@dataclass
class Geo:
    """Regions of the sample and the inhabitants that weight them."""

    reg: Registry
    corop: list[str]
    gm_by_corop: dict[str, list[str]]
    pv_by_corop: dict[str, str]

    @classmethod
    def build(cls, reg: Registry) -> Geo:
        corop = reg.codes("corop")

        def province(c: str) -> str:
            pv = reg.province_of(c)
            assert pv is not None, f"COROP region {c} lies in no province of the registry"
            return pv

        return cls(
            reg=reg,
            corop=corop,
            gm_by_corop={c: reg.children(c) for c in corop},
            pv_by_corop={c: province(c) for c in corop},
        )


def rng_for(seed: int, *names: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(n.encode()) for n in names)])


def population(spec: dict, geo: Geo, years: list[Period]) -> dict[str, np.ndarray]:
    """Inhabitants per municipality per year, around the registry's 2023 figures."""
    g = spec["population_growth"]
    rng = rng_for(spec["seed"], "bevolking")
    growth_c = {c: g["national"] + rng.normal(0, g["corop_sd"]) for c in geo.corop}
    out = {}
    t = np.array([y.year - 2023 for y in years], dtype=float)
    for c in geo.corop:
        for gm in geo.gm_by_corop[c]:
            base = geo.reg[gm].inhabitants or 20000
            rate = growth_c[c] + rng.normal(0, 0.002)
            out[gm] = base * (1 + rate) ** t
    return out


def offset_paths(
    ind: dict, rng: np.random.Generator, keys: list[str], periods: list[Period], sd: float
) -> dict[str, np.ndarray]:
    n = len(periods)
    per_year = periods[0].per_year
    drift = ind.get("drift", 0.0) / np.sqrt(per_year)
    out = {}
    for k in keys:
        level = rng.normal(0, sd)
        walk = np.cumsum(rng.normal(0, drift, n)) if drift else np.zeros(n)
        out[k] = level + walk - walk.mean()
    return out


def generate_indicator(
    ind_id: str,
    ind: dict,
    spec: dict,
    geo: Geo,
    periods: list[Period],
    pop_year: dict[str, np.ndarray],
    years: list[Period],
) -> dict[str, np.ndarray]:
    """Values per region code (municipalities, COROP, provinces, NL) for one indicator."""
    rng = rng_for(spec["seed"], ind_id)
    n = len(periods)
    # inhabitants per municipality at each period (yearly figures held within the year)
    year_index = {y.year: i for i, y in enumerate(years)}
    idx = np.array([year_index.get(min(max(p.year, years[0].year), years[-1].year)) for p in periods])
    pop = {gm: v[idx] for gm, v in pop_year.items()}
    pop_c = {c: sum(pop[g] for g in geo.gm_by_corop[c]) for c in geo.corop}
    national = anchor_path(ind["national"], periods)
    named = {k: anchor_path(v, periods) for k, v in (ind.get("offsets") or {}).items()}
    off_c = offset_paths(ind, rng, geo.corop, periods, ind["corop_sd"])
    # centre the free offsets so that the national figure follows the national path
    free = [c for c in geo.corop if c not in named]
    w = np.array([pop_c[c] for c in free])
    centre = (np.array([off_c[c] for c in free]) * w).sum(0) / w.sum(0)
    shift = np.zeros(n)
    if ind.get("shift"):
        at = Period.parse(str(ind["shift"]["period"]))
        shift = np.array([ind["shift"]["value"] if p.year >= at.year else 0.0 for p in periods])
    values: dict[str, np.ndarray] = {}
    lo, hi = ind.get("bounds", [-np.inf, np.inf])
    for c in geo.corop:
        off = named[c] if c in named else off_c[c] - centre
        noise = rng.normal(0, ind.get("noise", 0.0), n)
        if ind["kind"] == "rate" and ind.get("relative"):
            scale = 1.0
            corop_val = national * (1 + off) * (1 + noise) + shift
        elif ind["kind"] == "rate":
            scale = national / national.mean() if ind.get("scale_with_level") else 1.0
            corop_val = national + off * scale + noise * scale + shift
        else:  # count: per-inhabitant rate, relative offsets
            corop_val = national * (1 + off) * (1 + noise)
        gms = geo.gm_by_corop[c]
        gm_off = {g: rng.normal(0, ind["municipal_sd"]) for g in gms}
        gm_off.update({g: v for g, v in (ind.get("municipal_offsets") or {}).items() if g in gm_off})
        gm_vals = {}
        for g in gms:
            gnoise = rng.normal(0, ind.get("noise", 0.0) * 1.5, n)
            if ind["kind"] == "rate" and ind.get("relative"):
                gm_vals[g] = corop_val * (1 + gm_off[g]) * (1 + gnoise)
            elif ind["kind"] == "rate":
                gm_vals[g] = corop_val + (gm_off[g] + gnoise) * (scale if ind.get("scale_with_level") else 1.0)
            else:
                gm_vals[g] = corop_val * (1 + gm_off[g]) * (1 + gnoise)
        wg = np.array([pop[g] for g in gms])
        if ind["kind"] == "rate":
            # re-centre: inhabitant-weighted mean of the municipalities is the COROP value
            mean = (np.array([gm_vals[g] for g in gms]) * wg).sum(0) / wg.sum(0)
            for g in gms:
                values[g] = np.clip(gm_vals[g] - mean + corop_val, lo, hi)
            values[c] = (np.array([values[g] for g in gms]) * wg).sum(0) / wg.sum(0)
        else:
            for g in gms:
                values[g] = np.maximum(gm_vals[g] * pop[g], 0.0)

    # aggregate upwards
    def weighted(codes: list[str]) -> np.ndarray:
        if ind["kind"] == "rate":
            ww = np.array([pop_c[c] for c in codes])
            return (np.array([values[c] for c in codes]) * ww).sum(0) / ww.sum(0)
        return np.array([values[c] for c in codes]).sum(0)

    if ind["kind"] == "count":
        for c in geo.corop:
            values[c] = np.array([values[g] for g in geo.gm_by_corop[c]]).sum(0)
    provinces = sorted(set(geo.pv_by_corop.values()))
    for pv in provinces:
        values[pv] = weighted([c for c in geo.corop if geo.pv_by_corop[c] == pv])
    values[geo.reg.national] = weighted(geo.corop)
    return values


def expand_regions(codes: list[str], reg: Registry) -> set[str]:
    """``CR12+`` means CR12 and its municipalities."""
    out: set[str] = set()
    for code in codes:
        if code.endswith("+"):
            out.add(code[:-1])
            out.update(reg.children(code[:-1]))
        else:
            out.add(code)
    return out


def table_values(ind_id: str, ind: dict, spec: dict, geo: Geo, periods: list[Period]) -> dict[str, np.ndarray]:
    """Explicit anchor values per region (step or linear), with optional relative noise."""
    rng = rng_for(spec["seed"], ind_id)
    out = {}
    for code, anchors in ind["values"].items():
        if ind.get("step"):
            pts = sorted((Period.parse(str(k)), float(v)) for k, v in anchors.items())
            vals = []
            for p in periods:
                current = pts[0][1]
                for when, v in pts:
                    if when <= p:
                        current = v
                vals.append(current)
            series = np.array(vals)
        else:
            series = anchor_path(anchors, periods)
        noise = ind.get("noise", 0.0)
        out[code] = series * (1 + rng.normal(0, noise, len(periods))) if noise else series
    return out
