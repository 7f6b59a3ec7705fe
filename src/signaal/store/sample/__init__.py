"""The bundled sample: real CBS figures where the project has them, synthetic ones elsewhere.

The sample is built from ``spec.yaml`` by :func:`build`, deterministically, and written to
``data/sample/`` as a vintage flagged ``is_sample`` (:func:`write_sample`). It holds:

- **real** figures: the CBS extracts in ``data/real`` (origin of every file in its
  ``origins.yaml``), read through the refresh's own code (:mod:`.real`): employee jobs per COROP
  region, average sale prices, the house price index of the provinces and the Netherlands, the
  CPI, inhabitants and households per municipality;
- **derived** figures: totals of real counts summed upwards where the members are complete
  (COROP, provinces and the Netherlands from the municipalities' inhabitants; provinces and the
  Netherlands from the 40 COROP regions' jobs), labelled as derived; never an average without
  its weights (there is no COROP sale price);
- **synthetic** figures (:mod:`.synthetic`) for every other indicator, and only at the levels
  CBS publishes for its table (the catalogue's) and no real extract covers; a real series is
  never extended with synthetic periods.

The manifest says which figure is which (``figures``, read by :mod:`signaal.store.provenance`),
names the real tables as a refresh does (``sources``, ``resolution``) and records the checks on
the real data (totals of industries against their parts, members against their region, figures
known from the CBS table pages). The synthetic numbers are not official statistics; every page
that shows one carries the sample watermark.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ... import config
from ...catalogue import Catalogue, catalogue
from ...errors import DataError
from ...files import new_folder_beside, replace_folder, sha256
from ...observations import validate_observations
from ...periods import Period
from ...regions import Registry, registry
from ..provenance import DERIVED, REAL, SYNTHETIC
from ..validation import check_anchors, part_sums, validate_vintage
from ..vintage import COVERAGE, SAMPLE_ID, coverage
from .real import RealTable, key_figure, load_origins, read_table, tidy_indicator
from .synthetic import Geo, expand_regions, generate_indicator, period_range, population, rng_for, table_values

GENERATOR_VERSION = 2


def load_spec(path: Path | None = None) -> dict:
    text = (
        Path(path).read_text("utf-8")
        if path
        else (resources.files("signaal") / "store" / "sample" / "spec.yaml").read_text("utf-8")
    )
    return yaml.safe_load(text)


def default_real_dir() -> Path:
    """``data/real`` of the project (the real extracts the sample is built from)."""
    return config.project_dir() / "data" / "real"


@dataclass
class Bundle:
    """The sample's observations and what its manifest records about them."""

    observations: pd.DataFrame
    sources: dict = field(default_factory=dict)  # real table → its record (as a refresh writes it)
    resolution: dict = field(default_factory=dict)  # indicator → how it was read from its real table
    figures: dict = field(default_factory=dict)  # indicator → real / derived / synthetic per level
    checks: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ---- real figures ------------------------------------------------------------------------
def derive_sums(obs: pd.DataFrame, reg: Registry, derive: dict[str, str]) -> pd.DataFrame:
    """Totals of a count at other levels: for each ``{level: from_level}``, every region of
    ``level`` is the sum of its members at ``from_level``, in the periods where every member has
    a value (a sum with a member missing would understate the total). A total is provisional
    when a member is."""
    value = obs.pivot(index="region", columns="period", values="value")
    status = obs.pivot(index="region", columns="period", values="status")
    rows = []
    for level, from_level in derive.items():
        for parent in reg.codes(level):
            members = [m for m in reg.children(parent, from_level) if m in value.index]
            if not members or len(members) < len(reg.children(parent, from_level)):
                continue
            for period in value.columns:
                parts = value.loc[members, period]
                if parts.isna().any():
                    continue
                provisional = (status.loc[members, period] != "definitief").any()
                rows.append((parent, period, float(parts.sum()), "voorlopig" if provisional else "definitief"))
    out = pd.DataFrame(rows, columns=["region", "period", "value", "status"])
    return out.assign(indicator=obs["indicator"].iloc[0])[list(obs.columns)]


def _real_indicator(
    ind_id: str, entry: dict, table: RealTable, cat: Catalogue, reg: Registry
) -> tuple[pd.DataFrame, dict, dict]:
    """One indicator's real (and derived) observations, its resolution record and its figures."""
    ind = cat[ind_id]
    if entry.get("property"):
        obs, record = key_figure(table, ind, entry["property"], reg)
    else:
        obs, record = tidy_indicator(table, ind, reg)
    level_of = {c: r.level for c, r in reg.regions.items()}
    if entry.get("levels"):
        obs = obs[obs["region"].map(level_of).isin(entry["levels"])]
    levels = {lvl: REAL for lvl in sorted(set(obs["region"].map(level_of)))}
    derive = dict(entry.get("derive") or {})
    if derive:
        obs = pd.concat([obs, derive_sums(obs, reg, derive)], ignore_index=True)
        levels.update({lvl: DERIVED for lvl in derive})
    periods = sorted(obs["period"].unique(), key=Period.parse)
    figures = {"table": table.table, "first": periods[0], "last": periods[-1], "levels": levels}
    if derive:
        figures["derived_from"] = derive
    return obs.reset_index(drop=True), record, figures


def _real_part(spec: dict, cat: Catalogue, reg: Registry, real_dir: Path, out: Bundle) -> list[pd.DataFrame]:
    """Every real indicator of ``spec["real"]`` into ``out`` (sources, resolution, figures, checks)."""
    origins = load_origins(real_dir)
    tables: dict[str, RealTable] = {}
    frames = []
    for ind_id, entry in (spec.get("real") or {}).items():
        name = entry["table"]
        if name not in tables:
            tables[name] = read_table(real_dir, name, origins)
        obs, record, figures = _real_indicator(ind_id, entry, tables[name], cat, reg)
        frames.append(obs)
        out.resolution[ind_id] = record
        out.figures[ind_id] = figures
        source = out.sources.setdefault(name, dict(tables[name].record))
        source["indicators"] = sorted([*source.get("indicators", []), ind_id])
    for name, real in tables.items():
        parts = origins["tables"][name].get("parts")
        if parts:
            dim = next(d.key for d in real.meta.others)
            found = part_sums(real.frame, dim, parts, float(origins["tables"][name]["part_step"]))
            out.checks.setdefault("part_sums", {})[name] = {"compared": found.compared, "off": len(found.off)}
            warning = found.warning(f"{name} {dim}")
            if warning:
                out.warnings.append(warning)
    return frames


# ---- synthetic figures -------------------------------------------------------------------
def _synthetic_periods(meta, ind: dict, spec: dict, real: dict | None) -> list[Period]:
    """The periods of a synthetic series: those of the real levels beside it (a real series is
    never extended), else the indicator's own range, else the sample's range of its frequency."""
    if real:
        return period_range(real["first"], real["last"])
    if ind.get("periods"):
        return period_range(*ind["periods"])
    key = {"Y": "years", "Q": "quarters", "M": "months"}[meta.frequency]
    return period_range(*spec[key])


def _synthetic_part(
    spec: dict, cat: Catalogue, reg: Registry, real_obs: pd.DataFrame, out: Bundle
) -> list[pd.DataFrame]:
    """Synthetic figures at the catalogue's levels that no real extract covers."""
    geo = Geo.build(reg)
    years = period_range(*spec["years"])
    pop_year = population(spec, geo, years)
    level_of = {c: r.level for c, r in reg.regions.items()}
    frames = []
    for ind_id, ind in spec["indicators"].items():
        meta = cat[ind_id]
        real = out.figures.get(ind_id)
        keep: list[str] = [lvl for lvl in meta.levels if lvl not in ((real or {}).get("levels") or {})]
        if not keep:
            continue
        periods = _synthetic_periods(meta, ind, spec, real)
        recipe = dict(ind)
        if recipe.get("national") == "real":  # follow the real national series beside it
            nat = real_obs[(real_obs["indicator"] == ind_id) & (real_obs["region"] == reg.national)]
            recipe["national"] = dict(zip(nat["period"], nat["value"], strict=True))
        if recipe["kind"] == "table":
            values = table_values(ind_id, recipe, spec, geo, periods)
        else:
            values = generate_indicator(ind_id, recipe, spec, geo, periods, pop_year, years)
        if "arbeidsmarktregio" in keep:  # only where a real source names the COROP region it equals
            for c in geo.corop:
                am = reg.labour_market_region(c)
                if am and c in values:
                    values[am] = values[c]
        if recipe.get("regions"):
            values = {c: v for c, v in values.items() if c in expand_regions(recipe["regions"], reg)}
        rows = _rows(ind_id, meta, values, periods, keep, level_of, spec)
        frames.extend(rows)
        if rows:
            kinds = out.figures.setdefault(ind_id, {"levels": {}})
            present = {level_of[str(f["region"].iloc[0])] for f in rows}
            kinds["levels"].update({lvl: SYNTHETIC for lvl in keep if lvl in present})
    return frames


def _rows(ind_id, meta, values: dict, periods: list[Period], keep: list[str], level_of: dict, spec: dict) -> list:
    """One frame per region: rounded values, the last periods provisional, a few municipal gaps."""
    rng = rng_for(spec["seed"], ind_id, "missing")
    n_prov = spec["provisional"][meta.frequency]
    labels = [str(p) for p in periods]
    frames = []
    for code, series in values.items():
        if level_of[code] not in keep:
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
    return frames


# ---- the whole sample ----------------------------------------------------------------------
def build(
    spec: dict | None = None, cat: Catalogue | None = None, reg: Registry | None = None, real_dir: Path | None = None
) -> Bundle:
    """The sample and its provenance; raises DataError when a check on the real data fails."""
    spec = spec or load_spec()
    cat = cat or catalogue()
    reg = reg or registry()
    out = Bundle(observations=pd.DataFrame())
    real_frames = _real_part(spec, cat, reg, Path(real_dir) if real_dir else default_real_dir(), out)
    real_obs = pd.concat(real_frames, ignore_index=True) if real_frames else pd.DataFrame(columns=["indicator"])
    frames = real_frames + _synthetic_part(spec, cat, reg, real_obs, out)
    obs = pd.concat(frames, ignore_index=True)
    obs = obs.sort_values(["indicator", "region", "period"]).reset_index(drop=True)
    obs = validate_observations(obs, where="sample")
    failed = check_anchors(obs, spec.get("anchors") or [])
    if failed:
        raise DataError(f"sample: a real figure is not what the CBS table page shows: {failed[0]}")
    real_ids = [i for i, f in out.figures.items() if REAL in f["levels"].values()]
    real_only = obs[obs["indicator"].isin(real_ids)]
    _, checked = validate_vintage(real_only, cat, reg, rounding=spec.get("rounding") or {})
    out.checks.update({"anchors": len(spec.get("anchors") or []), **checked.checks})
    out.warnings += checked.warnings
    out.observations = obs
    return out


def generate(
    spec: dict | None = None, cat: Catalogue | None = None, reg: Registry | None = None, real_dir: Path | None = None
) -> pd.DataFrame:
    """The sample as a tidy table (columns of :data:`signaal.observations.COLUMNS`)."""
    return build(spec, cat, reg, real_dir).observations


def _format_value(v: float, decimals: int) -> str:
    return "" if np.isnan(v) else f"{v:.{decimals}f}"


def _manifest(spec: dict, bundle: Bundle, checksum: str) -> dict:
    obs = bundle.observations
    real = sorted(i for i, f in bundle.figures.items() if set(f["levels"].values()) & {REAL, DERIVED})
    return {
        "id": SAMPLE_ID,
        "is_sample": True,
        "title": "Signaal bundled sample — real CBS figures where bundled, synthetic figures elsewhere; "
        "the synthetic ones are not official statistics",
        "created": spec["created"],
        "generator": {"module": "signaal.store.sample", "version": GENERATOR_VERSION, "seed": spec["seed"]},
        "checksum": checksum,
        "rows": int(len(obs)),
        "indicators": sorted(obs["indicator"].unique().tolist()),
        "real_indicators": real,
        "periods": {"years": spec["years"], "quarters": spec["quarters"], "months": spec["months"]},
        COVERAGE: coverage(obs),
        "sources": bundle.sources,
        "resolution": bundle.resolution,
        "figures": {k: bundle.figures[k] for k in sorted(bundle.figures)},
        "validation": {"checks": bundle.checks, "warnings": bundle.warnings},
    }


def write_sample(target: Path, spec: dict | None = None, real_dir: Path | None = None) -> Path:
    """Build the sample and write it to ``target`` (``data/sample``), atomically.

    Both files are built in a folder beside ``target`` that is then swapped in whole, so the
    data file and the manifest with its checksum never come from two different runs (a kill
    in between used to leave a checksum mismatch that every later read refused).
    """
    spec = spec or load_spec()
    cat = catalogue()
    bundle = build(spec, cat, real_dir=real_dir)
    obs = bundle.observations
    target = Path(target)
    decimals = {i: cat[i].decimals for i in obs["indicator"].unique()}
    text = obs.assign(
        value=[_format_value(v, decimals[i]) for i, v in zip(obs["indicator"], obs["value"], strict=True)]
    )
    csv_bytes = text.to_csv(index=False, lineterminator="\n").encode("utf-8")
    build_dir = new_folder_beside(target)
    try:
        data_path = build_dir / "observations.csv.gz"
        with (
            open(data_path, "wb") as raw,
            gzip.GzipFile(filename="observations.csv", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(csv_bytes)
        manifest = _manifest(spec, bundle, sha256(data_path))
        (build_dir / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
        replace_folder(build_dir, target)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return target
