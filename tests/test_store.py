import json

import pandas as pd
import pytest

from signaal.errors import DataError, InputError
from signaal.store import Store


def _obs(rows):
    return pd.DataFrame(rows, columns=["indicator", "region", "period", "value", "status"])


GOOD = [("werkloosheid", "CR12", "2025", 3.6, "voorlopig"), ("werkloosheid", "NL01", "2025", 3.7, "voorlopig")]


def test_default_is_the_sample_until_a_live_vintage_exists(tmp_path, root):
    import shutil

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    store = Store(tmp_path)
    assert store.resolve().is_sample
    v = store.write_vintage(_obs(GOOD), {"sources": {}}, vintage_id="20261128T100000Z")
    assert store.resolve().id == v.id and not store.resolve().is_sample
    assert store.resolve("sample").is_sample
    assert v.observations["value"].tolist() == [3.6, 3.7]


def test_vintages_are_immutable_and_checked(tmp_path):
    store = Store(tmp_path)
    v = store.write_vintage(_obs(GOOD), {}, vintage_id="v1")
    with pytest.raises(DataError, match="already exists"):
        store.write_vintage(_obs(GOOD), {}, vintage_id="v1")
    # tampering is detected through the checksum in the manifest
    df = pd.read_parquet(v.data_file)
    df.loc[0, "value"] = 9.9
    df.to_parquet(v.data_file, index=False)
    with pytest.raises(DataError, match="checksum"):
        store.resolve("v1").observations


def test_a_failed_write_leaves_no_vintage(tmp_path):
    store = Store(tmp_path)
    bad = _obs(GOOD + [("werkloosheid", "CR12", "2025", 3.9, "voorlopig")])
    with pytest.raises(DataError, match="duplicate observation for werkloosheid CR12 2025"):
        store.write_vintage(bad, {}, vintage_id="v2")
    assert store.vintages() == []
    assert not list((tmp_path / "vintages").glob("*")) if (tmp_path / "vintages").exists() else True


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([("x", "CR12", "2025Q5", 1.0, "definitief")], "unknown period '2025Q5'"),
        ([("x", "CR12", "2025", 1.0, "final")], "unknown status 'final'"),
        ([("x", "CR12", "2025", 1.0, "geheim")], "has a value but status 'geheim'"),
    ],
)
def test_bad_observations_are_rejected(tmp_path, rows, expected):
    with pytest.raises(DataError, match=expected):
        Store(tmp_path).write_vintage(_obs(rows), {}, vintage_id="v")


def test_unknown_vintage_names_the_valid_ones(tmp_path, root):
    import shutil

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    with pytest.raises(InputError, match="unknown vintage 'nope'.*sample"):
        Store(tmp_path).resolve("nope")


def test_missing_sample_says_how_to_make_it(tmp_path):
    with pytest.raises(DataError, match="signaal data sample"):
        Store(tmp_path).resolve()


def test_manifest_records_rows_and_checksum(tmp_path):
    v = Store(tmp_path).write_vintage(_obs(GOOD), {"note": "x"}, vintage_id="v3")
    manifest = json.loads((v.path / "manifest.json").read_text())
    assert manifest["rows"] == 2 and len(manifest["checksum"]) == 64 and manifest["note"] == "x"
