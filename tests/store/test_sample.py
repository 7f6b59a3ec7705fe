"""The bundled sample: deterministic, complete for the catalogue, realistic magnitudes."""

import filecmp
import gzip

import pytest

from signaal.catalogue import catalogue
from signaal.indicators.data import Data
from signaal.periods import Period
from signaal.regions import registry
from signaal.store.sample import generate, load_spec, write_sample
from signaal.store.vintage import Store


@pytest.fixture(scope="module")
def sample(root):
    return Data(Store(root / "data").sample())


@pytest.mark.slow
def test_the_generator_is_deterministic_and_the_committed_sample_is_its_output(tmp_path, root):
    a, b = generate(), generate()
    assert a.equals(b)
    write_sample(tmp_path / "sample")
    fresh, committed = tmp_path / "sample", root / "data" / "sample"
    assert gzip.decompress((fresh / "observations.csv.gz").read_bytes()) == gzip.decompress(
        (committed / "observations.csv.gz").read_bytes()
    ), "data/sample/observations.csv.gz is not what the generator makes; run `signaal data sample`"
    assert filecmp.cmp(fresh / "manifest.json", committed / "manifest.json", shallow=False)


@pytest.mark.slow
def test_a_different_seed_gives_different_numbers():
    spec = load_spec()
    spec["seed"] += 1
    assert not generate(spec).equals(generate())


def test_every_stored_indicator_is_in_the_sample_at_the_levels_cbs_publishes(sample):
    """Real where a real extract exists (with sums of its members, labelled as derived), synthetic
    elsewhere, and synthetic only at the catalogue's levels (the levels CBS publishes) that no real
    extract covers: no WW benefits, early school leavers or sale prices per COROP region."""
    cat, reg = catalogue(), registry()
    obs = sample.observations
    spec = load_spec()
    figures = sample.vintage.manifest["figures"]
    level_of = {c: r.level for c, r in reg.regions.items()}
    for ind in cat.stored():
        assert ind.id in spec["indicators"] or ind.id in spec["real"], f"{ind.id} has no entry in sample/spec.yaml"
        rows = obs[obs["indicator"] == ind.id]
        present = set(rows["region"].map(level_of))
        kinds = figures[ind.id]["levels"]
        assert set(kinds) == present, ind.id
        derived = set(figures[ind.id].get("derived_from") or {})
        synthetic = {lvl for lvl, k in kinds.items() if k == "synthetic"}
        assert synthetic <= set(ind.levels), f"{ind.id}: synthetic figures at a level CBS does not publish"
        assert present - derived <= set(ind.levels), ind.id
        if ind.id not in spec["real"]:  # wholly synthetic: every region of the catalogue's levels
            expected = {c for c in reg.regions if reg[c].level in ind.levels}
            recipe = spec["indicators"][ind.id]
            if recipe.get("regions") or recipe["kind"] == "table":
                listed = recipe.get("regions") or list(recipe["values"])
                allowed = {
                    c
                    for code in listed
                    for c in ([code[:-1], *reg.children(code[:-1])] if code.endswith("+") else [code])
                }
                expected &= allowed
            assert set(rows["region"]) == expected, ind.id
    for ind_id in ("ww_uitkeringen", "voortijdig_schoolverlaters", "verkoopprijs_woningen"):
        assert "corop" not in figures[ind_id]["levels"], ind_id
    assert figures["ww_uitkeringen"]["levels"]["arbeidsmarktregio"] == "synthetic"
    assert "AM05" in set(obs.loc[obs["indicator"] == "ww_uitkeringen", "region"])


def test_a_real_series_is_never_extended_with_synthetic_periods(sample):
    """Where real and synthetic levels share an indicator, the synthetic ones cover the real
    periods and no more: the latest real period is the latest shown."""
    obs = sample.observations
    for ind_id, f in sample.vintage.manifest["figures"].items():
        if "table" not in f:
            continue
        periods = sorted(obs.loc[obs["indicator"] == ind_id, "period"].unique(), key=Period.parse)
        assert (periods[0], periods[-1]) == (f["first"], f["last"]), ind_id
    index = sample.table("prijsindex_koopwoningen")
    assert index.index[-1] == "2026Q1" and index["CR12"].last_valid_index() == index["NL01"].last_valid_index()


def test_periods_cover_2012_to_2025_yearly_and_through_2026q3(sample):
    obs = sample.observations
    periods = {Period.parse(p) for p in obs["period"].unique()}
    years = sorted(p for p in periods if p.freq == "Y")
    quarters = sorted(p for p in periods if p.freq == "Q")
    assert (years[0], years[-1]) == (Period.parse("2010"), Period.parse("2025"))  # the real jobs start in 2010
    assert (quarters[0], quarters[-1]) == (Period.parse("2012Q1"), Period.parse("2026Q3"))
    assert sample.vintage.latest_quarter() == Period.parse("2026Q3")


def test_realistic_magnitudes(sample):
    pop = sample.table("bevolking")
    assert list(pop.index) == ["2023"]  # the real inhabitants of 1 January 2023, no synthetic years
    assert pop.loc["2023", "CR12"] == 638_897  # the 14 Twente municipalities (CBS, sum of their figures)
    assert pop.loc["2023", "GM0153"] == registry()["GM0153"].inhabitants  # the registry's figure, same source
    unemployment = sample.table("werkloosheid")
    assert unemployment.loc["2025"].dropna().between(1.5, 10).all()
    assert 2 < unemployment.loc["2025", "CR12"] < 6
    part = sample.table("netto_arbeidsparticipatie")
    assert (part["NL01"] > part["CR12"]).all()  # NL has the higher participation throughout
    tension = sample.table("spanning")
    assert tension["NL01"].min() > 0.3 and tension["NL01"].max() < 6


def test_municipalities_add_up_to_their_region_for_counts(sample):
    reg = registry()
    for ind in ("bevolking", "huishoudens"):
        table = sample.table(ind)
        for region in ("CR12", "PV23", "NL01"):
            members = reg.children(region, "gemeente")
            assert table.loc["2023", members].sum() == table.loc["2023", region], (ind, region)


def test_the_sample_is_flagged_as_sample(sample):
    assert sample.vintage.is_sample
    assert sample.vintage.manifest["title"].lower().count("not official") == 1


# ---- writing the sample: the data file and its manifest are swapped in together ----------------
def _small_spec(seed_shift: int = 0) -> dict:
    spec = load_spec()
    spec["indicators"] = {k: v for k, v in spec["indicators"].items() if k == "werkloosheid"}
    spec["real"] = {k: v for k, v in spec["real"].items() if k == "bevolking"}
    spec["anchors"] = [a for a in spec["anchors"] if a["indicator"] == "bevolking"]
    spec["seed"] += seed_shift
    return spec


def _whole(folder) -> bool:
    """Absent, or a manifest whose checksum is that of the data file beside it (never a mix)."""
    import json

    from signaal.files import sha256

    if not folder.exists():
        return True
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    return manifest["checksum"] == sha256(folder / "observations.csv.gz")


@pytest.mark.parametrize("swap", ["atomic exchange", "two renames"])
def test_rewriting_the_sample_never_shows_a_data_file_with_another_runs_manifest(swap, tmp_path, monkeypatch):
    import os

    import signaal.files

    target = tmp_path / "sample"
    write_sample(target, _small_spec())
    old = (target / "observations.csv.gz").read_bytes()
    seen = []  # is the folder whole just before and just after every rename?
    real_replace, real_exchange = os.replace, signaal.files.exchange

    def watched(rename):
        def call(a, b):
            seen.append(_whole(target))
            done = rename(a, b)
            seen.append(_whole(target))
            return done

        return call

    monkeypatch.setattr(os, "replace", watched(real_replace))
    monkeypatch.setattr(
        signaal.files, "exchange", watched(real_exchange) if swap == "atomic exchange" else lambda a, b: False
    )
    write_sample(target, _small_spec(seed_shift=1))
    assert seen and all(seen)
    assert (target / "observations.csv.gz").read_bytes() != old and _whole(target)
    assert Store(tmp_path).sample().observations["indicator"].nunique() == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample"]  # no temporary or old folder left


def test_a_failed_sample_write_leaves_the_old_sample_and_no_temporary_files(tmp_path, monkeypatch):
    import signaal.store.sample

    target = tmp_path / "sample"
    write_sample(target, _small_spec())
    before = {p.name: p.read_bytes() for p in target.iterdir()}

    def broken(path):
        raise OSError("disk full")

    monkeypatch.setattr(signaal.store.sample, "sha256", broken)
    with pytest.raises(OSError, match="disk full"):
        write_sample(target, _small_spec(seed_shift=1))
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sample"]
