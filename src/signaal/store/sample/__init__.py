"""The bundled sample: synthetic observations with realistic magnitudes, for offline runs.

The sample is generated from ``spec.yaml`` by :func:`generate`, deterministically (a fixed
seed per indicator), and written to ``data/sample/`` as a vintage flagged ``is_sample``.
Its numbers are not official statistics; every briefing made from it carries a watermark.

Structure of the numbers:
- rates (participation, unemployment …) follow a national path; each COROP region has a
  fixed offset with a slow drift and noise; municipalities scatter around their COROP and are
  re-centred so that their inhabitant-weighted mean is the COROP value; provinces and the
  Netherlands are inhabitant-weighted means of their COROP regions;
- counts (jobs, benefits, vacancies) are a per-inhabitant path times each municipality's
  inhabitants, summed upwards, so municipalities add up to their region exactly.
"""

from __future__ import annotations

import gzip
import json
import shutil
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ...catalogue import Catalogue, catalogue
from ...files import new_folder_beside, replace_folder, sha256
from ...observations import validate_observations
from ...periods import Period
from ...regions import Registry, registry
from ..vintage import SAMPLE_ID

GENERATOR_VERSION = 1


def load_spec(path: Path | None = None) -> dict:
    text = (
        Path(path).read_text("utf-8")
        if path
        else (resources.files("signaal") / "store" / "sample" / "spec.yaml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def _period_range(first: str, last: str) -> list[Period]:
    a, b = Period.parse(first), Period.parse(last)
    return [a.shift(i) for i in range(b.ordinal - a.ordinal + 1)]


def _t(p: Period) -> float:
    """Mid-point of a period in fractional years (2024Q1 → 2024.125)."""
    start = p.start()
    return start.year + (start.month - 1) / 12 + 0.5 / p.per_year


def _path(anchors: dict, periods: list[Period]) -> np.ndarray:
    pts = sorted((_t(Period.parse(str(k))), float(v)) for k, v in anchors.items())
    xs, ys = zip(*pts, strict=True)
    return np.interp([_t(p) for p in periods], xs, ys)


@dataclass
class _Geo:
    """Regions of the sample and the inhabitants that weight them."""

    reg: Registry
    corop: list[str]
    gm_by_corop: dict[str, list[str]]
    pv_by_corop: dict[str, str]

    @classmethod
    def build(cls, reg: Registry) -> _Geo:
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


def _rng(seed: int, *names: str) -> np.random.Generator:
    return np.random.default_rng([seed, *(zlib.crc32(n.encode()) for n in names)])


def _population(spec: dict, geo: _Geo, years: list[Period]) -> dict[str, np.ndarray]:
    """Inhabitants per municipality per year, around the registry's 2023 figures."""
    g = spec["population_growth"]
    rng = _rng(spec["seed"], "bevolking")
    growth_c = {c: g["national"] + rng.normal(0, g["corop_sd"]) for c in geo.corop}
    out = {}
    t = np.array([y.year - 2023 for y in years], dtype=float)
    for c in geo.corop:
        for gm in geo.gm_by_corop[c]:
            base = geo.reg[gm].inhabitants or 20000
            rate = growth_c[c] + rng.normal(0, 0.002)
            out[gm] = base * (1 + rate) ** t
    return out


def _offset_paths(
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


def _generate_indicator(
    ind_id: str,
    ind: dict,
    spec: dict,
    geo: _Geo,
    periods: list[Period],
    pop_year: dict[str, np.ndarray],
    years: list[Period],
) -> dict[str, np.ndarray]:
    """Values per region code (municipalities, COROP, provinces, NL) for one indicator."""
    rng = _rng(spec["seed"], ind_id)
    n = len(periods)
    # inhabitants per municipality at each period (yearly figures held within the year)
    year_index = {y.year: i for i, y in enumerate(years)}
    idx = np.array([year_index.get(min(max(p.year, years[0].year), years[-1].year)) for p in periods])
    pop = {gm: v[idx] for gm, v in pop_year.items()}
    pop_c = {c: sum(pop[g] for g in geo.gm_by_corop[c]) for c in geo.corop}
    national = _path(ind["national"], periods)
    named = {k: _path(v, periods) for k, v in (ind.get("offsets") or {}).items()}
    off_c = _offset_paths(ind, rng, geo.corop, periods, ind["corop_sd"])
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


def _expand_regions(codes: list[str], reg: Registry) -> set[str]:
    """``CR12+`` means CR12 and its municipalities."""
    out: set[str] = set()
    for code in codes:
        if code.endswith("+"):
            out.add(code[:-1])
            out.update(reg.children(code[:-1]))
        else:
            out.add(code)
    return out


def _table_values(ind_id: str, ind: dict, spec: dict, geo: _Geo, periods: list[Period]) -> dict[str, np.ndarray]:
    """Explicit anchor values per region (step or linear), with optional relative noise."""
    rng = _rng(spec["seed"], ind_id)
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
            series = _path(anchors, periods)
        noise = ind.get("noise", 0.0)
        out[code] = series * (1 + rng.normal(0, noise, len(periods))) if noise else series
    return out


def generate(spec: dict | None = None, cat: Catalogue | None = None, reg: Registry | None = None) -> pd.DataFrame:
    """The sample as a tidy table (columns of :data:`signaal.observations.COLUMNS`)."""
    spec = spec or load_spec()
    cat = cat or catalogue()
    reg = reg or registry()
    geo = _Geo.build(reg)
    ranges = {
        "Y": _period_range(*spec["years"]),
        "Q": _period_range(*spec["quarters"]),
        "M": _period_range(*spec["months"]),
    }
    years = ranges["Y"]
    pop_year = _population(spec, geo, years)
    level_of = {c: r.level for c, r in reg.regions.items()}
    frames = []
    for ind_id, ind in spec["indicators"].items():
        meta = cat[ind_id]
        periods = ranges[meta.frequency]
        if ind.get("periods"):
            periods = _period_range(*ind["periods"])
        if ind["kind"] == "table":
            values = _table_values(ind_id, ind, spec, geo, periods)
        elif ind["kind"] == "population":
            values = {gm: v for gm, v in pop_year.items()}
            for c in geo.corop:
                values[c] = np.array([values[g] for g in geo.gm_by_corop[c]]).sum(0)
            for pv in sorted(set(geo.pv_by_corop.values())):
                values[pv] = np.array([values[c] for c in geo.corop if geo.pv_by_corop[c] == pv]).sum(0)
            values[reg.national] = np.array([values[c] for c in geo.corop]).sum(0)
        else:
            values = _generate_indicator(ind_id, ind, spec, geo, periods, pop_year, years)
        if "arbeidsmarktregio" in meta.levels:
            # a labour-market region only where a real source names the COROP region it equals
            for c in geo.corop:
                am = reg.labour_market_region(c)
                if am and c in values:
                    values[am] = values[c]
        if ind.get("regions"):
            values = {c: v for c, v in values.items() if c in _expand_regions(ind["regions"], reg)}
        rng = _rng(spec["seed"], ind_id, "missing")
        n_prov = spec["provisional"][meta.frequency]
        labels = [str(p) for p in periods]
        for code, series in values.items():
            if level_of[code] not in meta.levels:
                continue
            vals = np.round(series.astype(float), meta.decimals)
            status = np.array(["definitief"] * len(periods), dtype=object)
            status[-n_prov:] = "voorlopig"
            if level_of[code] == "gemeente" and spec.get("missing_share"):
                gone = rng.random(len(periods)) < spec["missing_share"]
                vals = np.where(gone, np.nan, vals)
                status = np.where(gone, "ontbreekt", status)
            frames.append(
                pd.DataFrame({"indicator": ind_id, "region": code, "period": labels, "value": vals, "status": status})
            )
    obs = pd.concat(frames, ignore_index=True)
    obs = obs.sort_values(["indicator", "region", "period"], key=None).reset_index(drop=True)
    return validate_observations(obs, where="sample")


def _format_value(v: float, decimals: int) -> str:
    return "" if np.isnan(v) else f"{v:.{decimals}f}"


def write_sample(target: Path, spec: dict | None = None) -> Path:
    """Generate the sample and write it to ``target`` (``data/sample``), atomically.

    Both files are built in a folder beside ``target`` that is then swapped in whole, so the
    data file and the manifest with its checksum never come from two different runs (a kill
    in between used to leave a checksum mismatch that every later read refused).
    """
    spec = spec or load_spec()
    cat = catalogue()
    obs = generate(spec, cat)
    target = Path(target)
    decimals = {i: cat[i].decimals for i in obs["indicator"].unique()}
    text = obs.assign(
        value=[_format_value(v, decimals[i]) for i, v in zip(obs["indicator"], obs["value"], strict=True)]
    )
    csv_bytes = text.to_csv(index=False, lineterminator="\n").encode("utf-8")
    build = new_folder_beside(target)
    try:
        data_path = build / "observations.csv.gz"
        with (
            open(data_path, "wb") as raw,
            gzip.GzipFile(filename="observations.csv", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(csv_bytes)
        manifest = {
            "id": SAMPLE_ID,
            "is_sample": True,
            "title": "Signaal bundled sample — synthetic data, not official statistics",
            "created": spec["created"],
            "generator": {"module": "signaal.store.sample", "version": GENERATOR_VERSION, "seed": spec["seed"]},
            "checksum": sha256(data_path),
            "rows": int(len(obs)),
            "indicators": sorted(obs["indicator"].unique().tolist()),
            "periods": {"years": spec["years"], "quarters": spec["quarters"], "months": spec["months"]},
        }
        (build / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        replace_folder(build, target)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return target
