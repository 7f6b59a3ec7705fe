import json
from pathlib import Path

import pandas as pd
import pytest

from signaal.errors import DataError, InputError
from signaal.store.vintage import Store


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
    assert store.resolve("v1").observations["value"].tolist() == [3.6, 3.7]  # read (once per process)
    # tampering is detected through the checksum in the manifest, also after the file was read
    df = pd.read_parquet(v.data_file)
    df.loc[0, "value"] = 9.9
    df.to_parquet(v.data_file, index=False)
    with pytest.raises(DataError, match="checksum"):
        _ = store.resolve("v1").observations


def test_a_vintage_read_again_in_one_process_is_each_reader_s_own(tmp_path):
    """A warm kernel opens the vintage for every notebook; what one notebook changes in its
    table, or in a table made of it, the next one does not see."""
    from signaal.indicators.data import Data

    store = Store(tmp_path)
    store.write_vintage(_obs(GOOD), {}, vintage_id="v1")
    first = Data(store.resolve("v1"))
    first.observations.loc[0, "value"] = 99.0
    table = first.table("werkloosheid")
    table.loc["2025", "CR12"] = -1.0
    assert first.table("werkloosheid").loc["2025", "CR12"] == 99.0  # a table of its own each time
    again = Data(Store(tmp_path).resolve("v1"))
    assert again.observations["value"].tolist() == [3.6, 3.7]
    assert again.table("werkloosheid").loc["2025"].tolist() == [3.6, 3.7]


def test_reading_the_sample_gives_no_warning(tmp_path, root):
    """A process parses a data file once, so a warning from reading it would show in the first
    notebook of a warm kernel only: there is none (a copy of the sample: read anew)."""
    import shutil
    import warnings

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(Store(tmp_path).resolve("sample").observations) > 1000


def test_invalid_observations_are_refused_before_anything_is_written(tmp_path):
    store = Store(tmp_path)
    bad = _obs(GOOD + [("werkloosheid", "CR12", "2025", 3.9, "voorlopig")])
    with pytest.raises(DataError, match="duplicate observation for werkloosheid CR12 2025"):
        store.write_vintage(bad, {}, vintage_id="v2")
    assert store.vintages() == [] and not (tmp_path / "vintages").exists()


@pytest.mark.parametrize("failing", ["parquet writer", "extra file"])
def test_a_write_that_fails_halfway_leaves_nothing_in_vintages(failing, tmp_path, monkeypatch):
    """The disk fills up after the temporary folder exists and files are in it."""
    import errno

    store = Store(tmp_path)
    store.write_vintage(_obs(GOOD), {}, vintage_id="v1")
    half_written = []
    if failing == "parquet writer":

        def to_parquet(frame, path, **kwargs):
            Path(path).write_bytes(b"PAR1 half")  # a partial file in the temporary folder
            half_written.append(Path(path).parent)
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
        extra = None
    else:
        real = Path.write_bytes

        def write_bytes(path, data):
            half_written.append(path.parent)
            real(path, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(Path, "write_bytes", write_bytes)
        extra = {"duo_extract.csv": b"indicator,students\nstudenten_ut,2150\n"}
    with pytest.raises(
        DataError, match="cannot write vintage 'v2' in .*: No space left on device; nothing was written"
    ):
        store.write_vintage(_obs(GOOD), {}, vintage_id="v2", extra_files=extra)
    assert half_written and half_written[0].parent == tmp_path / "vintages"  # it did fail inside the temporary folder
    assert sorted(p.name for p in (tmp_path / "vintages").iterdir()) == ["v1"]
    assert [v.id for v in store.vintages()] == ["v1"]


def test_vintage_folders_get_the_users_permissions(tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        v = Store(tmp_path).write_vintage(_obs(GOOD), {}, vintage_id="v1")
    finally:
        os.umask(old)
    assert stat.S_IMODE(v.path.stat().st_mode) == 0o755  # readable by the analysts, not 0700 as from mkdtemp


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


def test_a_checksum_of_bytes_matches_that_of_the_file_holding_them(tmp_path):
    """Raw snapshots checksum bytes, vintages and the run's cache checksum files: one digest."""
    from signaal.files import sha256

    content = b"indicator,region\n" * 100_000  # more than one read chunk
    (tmp_path / "f.csv").write_bytes(content)
    assert sha256(content) == sha256(tmp_path / "f.csv") == sha256(str(tmp_path / "f.csv"))
    assert sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# ---- breaks of the reliability review (A09, A16, A33, A35): one line, nothing guessed ----------
def test_a_broken_vintage_names_the_good_ones_and_vintage_and_does_not_hide_them(tmp_path, root):
    import shutil

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    store = Store(tmp_path)
    store.write_vintage(_obs(GOOD), {"created": "2026-01-01T00:00:00+00:00"}, vintage_id="vgood")
    store.write_vintage(_obs(GOOD), {"created": "2026-02-01T00:00:00+00:00"}, vintage_id="vmani")
    manifest = tmp_path / "vintages" / "vmani" / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:40])  # cut off, as by a full disk or a crash
    with pytest.raises(DataError) as err:
        store.resolve()
    msg = str(err.value)
    assert msg.startswith("vintage 'vmani': manifest.json is not valid JSON")
    assert msg.endswith("repair or remove it, or give one with --vintage: vgood, sample (newest first)")
    assert store.resolve("vgood").id == "vgood"  # an explicit good vintage still works
    assert [v.id for v in store.vintages()] == ["vgood"] and list(store.broken()) == ["vmani"]


@pytest.mark.parametrize("given", ["../sample", "/tmp/x", "./vgood", ".", ".."])
def test_a_vintage_given_as_a_path_is_refused(tmp_path, root, given):
    import shutil

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    Store(tmp_path).write_vintage(_obs(GOOD), {}, vintage_id="vgood")
    with pytest.raises(InputError, match=r"--vintage .* is a path; give the id of a vintage .*valid: vgood, sample"):
        Store(tmp_path).resolve(given)


def test_a_quarter_before_the_data_is_refused_like_one_after_it(root):
    sample = Store(root / "data").sample()
    first, latest = sample.first_quarter(), sample.latest_quarter()
    assert str(first) < "2013" and str(latest) == "2026Q3"
    with pytest.raises(
        InputError, match=rf"quarter 1990Q1 is before the data: .* starts at {first}; valid: {first} to"
    ):
        sample.resolve_quarter("1990Q1")
    assert str(sample.resolve_quarter(str(first))) == str(first)


def test_text_where_numbers_belong_in_a_vintage_file_names_a_cell(tmp_path, root, recwarn):
    import gzip
    import shutil

    shutil.copytree(root / "data" / "sample", tmp_path / "sample")
    path = tmp_path / "sample" / "observations.csv.gz"
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    i = next(n for n, ln in enumerate(lines) if ln.startswith("werkloosheid,CR12,"))
    cells = lines[i].split(",")
    cells[3] = "abc"
    lines[i] = ",".join(cells)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8")))
    manifest = tmp_path / "sample" / "manifest.json"
    meta = json.loads(manifest.read_text("utf-8"))
    from signaal.files import sha256

    meta["checksum"] = sha256(path)  # a consistent but damaged file
    manifest.write_text(json.dumps(meta), "utf-8")
    with pytest.raises(DataError) as err:
        _ = Store(tmp_path).sample().observations
    msg = str(err.value)
    assert msg.startswith("vintage 'sample': observations.csv.gz has text where numbers belong in 1 value(s)")
    assert f"e.g. werkloosheid CR12 {cells[2]}: 'abc'" in msg
    assert not [w for w in recwarn if "DtypeWarning" in type(w.message).__name__]
