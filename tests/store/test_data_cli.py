"""The real `signaal data …` command line against the loopback server (refresh, status, diff, boundaries)."""

import json
import re
import socket

from conftest import fetched_indicators, signaal
from loopback import FIXTURES, serve_real_83599, serve_v3_table

V3 = FIXTURES / "cbs_v3" / "83582NED"


def written_id(stdout: str) -> str:
    m = re.search(r"wrote vintage (\S+) ", stdout)
    assert m, stdout
    return m.group(1)


def publish_update(lb) -> None:
    """CBS publishes a new edition of the table: a revision, a new year, a region gone, another unit."""
    infos = json.loads((V3 / "TableInfos.json").read_text())
    infos["value"][0]["Modified"] = "2026-01-09T02:00:00"
    lb.body("/ODataFeed/odata/83582NED/TableInfos", infos)
    props = json.loads((V3 / "DataProperties.json").read_text())
    props["value"][-1]["Unit"] = "x 1 000"
    lb.body("/ODataFeed/odata/83582NED/DataProperties", props)
    periods = json.loads((V3 / "Perioden.json").read_text())
    periods["value"].append({"Key": "2025JJ00", "Title": "2025*", "Description": None, "Status": "Voorlopig"})
    lb.body("/ODataFeed/odata/83582NED/Perioden", periods)
    data = json.loads((V3 / "UntypedDataSet.json").read_text())
    rows = []
    for r in data["value"]:
        if r["RegioS"].strip() == "GM0147":
            continue
        if (
            r["RegioS"].strip() == "GM0153"
            and r["Perioden"] == "2023JJ00"
            and r["BedrijfstakkenBranchesSBI2008"] == "T001081"
        ):
            r = {**r, "BanenVanWerknemersInDecember_1": "    82.4"}
        rows.append(r)
        if r["Perioden"] == "2024JJ00":
            rows.append({**r, "Perioden": "2025JJ00"})
    lb.body("/ODataFeed/odata/83582NED/UntypedDataSet", {**data, "value": rows})


def test_refresh_status_diff_and_a_failed_refresh(loopback, loopback_env, data_dir, tmp_path):
    serve_v3_table(loopback, V3, "83582NED")
    loopback.file("/ODataCatalog/Tables", FIXTURES / "cbs_v3" / "catalogue_tables.json")
    dd = ["--data-dir", str(data_dir)]

    first = signaal("data", "refresh", "--only", "banen_werknemers", *dd, env=loopback_env)
    assert first.returncode == 0, first.stderr
    v1 = written_id(first.stdout)
    assert "signaal: warning: banen_werknemers: 1 period-on-period change(s) beyond 50%" in first.stderr

    publish_update(loopback)
    second = signaal("data", "refresh", "--only", "banen_werknemers", *dd, env=loopback_env)
    assert second.returncode == 0, second.stderr
    v2 = written_id(second.stdout)
    assert v2 != v1

    status = signaal("data", "status", *dd)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert any(line.startswith(f"* {v2}") for line in lines) and any(line.startswith(f"  {v1}") for line in lines)
    assert any(line.startswith("  sample") and "bundled sample" in line for line in lines)
    row = next(line for line in lines if line.strip().startswith("banen_werknemers"))
    assert row.split()[1:5] == ["2025", "voorlopig", "83582NED", "2026-01-09"]

    out_csv = tmp_path / "revisions.csv"
    d = signaal("data", "diff", v1, v2, "--csv", str(out_csv), *dd)
    assert d.returncode == 0, d.stderr
    assert (
        "revised values: 1" in d.stdout
        and "banen_werknemers GM0153 2023: 82,100 (definitief) → 82,400 (definitief) [value]" in d.stdout
    )
    assert "new periods: 1" in d.stdout and "banen_werknemers 2025" in d.stdout
    assert "regions no longer present: 1" in d.stdout and "banen_werknemers GM0147 (last 2024)" in d.stdout
    assert "banen_werknemers unit: 1 000 banen → x 1 000" in d.stdout
    assert out_csv.read_text().count("\n") == 2  # header + the one revision
    again = signaal("data", "diff", v1, v2, "--csv", str(out_csv), *dd)
    assert again.returncode == 2 and "already exists" in again.stderr

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    offline = {**loopback_env, "SIGNAAL_CBS_V3_URL": f"http://127.0.0.1:{closed}"}
    failed = signaal("data", "refresh", "--only", "banen_werknemers", "--force", *dd, env=offline)
    assert failed.returncode == 3
    errors = [line for line in failed.stderr.splitlines() if line.startswith("signaal: error:")]
    assert len(errors) == 1 and "connection refused" in errors[0]
    assert errors[0].endswith(f"no new vintage was written; vintage {v2} is untouched and `signaal run` will use it")
    assert sorted(p.name for p in (data_dir / "vintages").iterdir()) == sorted(["v0", v1, v2])

    bad = signaal("data", "refresh", "--only", "banen", *dd, env=loopback_env)
    assert bad.returncode == 2 and "signaal: error: --only 'banen' matches no indicator" in bad.stderr


def test_only_on_a_fresh_checkout_writes_nothing_and_says_what_to_run(loopback, loopback_env, fresh_data_dir):
    serve_v3_table(loopback, V3, "83582NED")
    loopback.file("/ODataCatalog/Tables", FIXTURES / "cbs_v3" / "catalogue_tables.json")
    dd = ["--data-dir", str(fresh_data_dir)]
    for extra in ([], ["--keep-going"]):
        done = signaal("data", "refresh", "--only", "banen_werknemers", *extra, *dd, env=loopback_env)
        assert done.returncode == 2 and "wrote vintage" not in done.stdout
        lines = done.stderr.splitlines()
        n = len(fetched_indicators())
        assert len(lines) == 1 and lines[0].startswith(
            f"signaal: error: --only banen_werknemers would leave {n - 1} of {n}"
        )
        assert "no earlier live vintage" in lines[0] and "run `signaal data refresh` without --only" in lines[0]
    assert not (fresh_data_dir / "vintages").exists() and loopback.log == []
    status = signaal("data", "status", *dd)
    assert any(line.startswith("* sample") for line in status.stdout.splitlines())


def test_refresh_the_real_83599_feed_through_the_cli(loopback, loopback_env, data_dir, real_fixtures):
    serve_real_83599(loopback, real_fixtures)
    loopback.file("/ODataCatalog/Tables", real_fixtures / "cbs_odata_v3" / "ODataCatalog_Tables_first20.json")
    done = signaal("data", "refresh", "--only", "vacatures", "--data-dir", str(data_dir), env=loopback_env)
    assert done.returncode == 0, done.stderr
    status = signaal("data", "status", "--data-dir", str(data_dir))
    row = next(line for line in status.stdout.splitlines() if line.strip().startswith("vacatures"))
    assert row.split()[1:5] == ["2020Q2", "voorlopig", "83599NED", "2020-08-14"]


def test_boundaries_from_pdok_and_from_a_file(loopback, loopback_env, data_dir, tmp_path):
    path = "/cbs/gebiedsindelingen/ogc/v1/collections/provincie_gegeneraliseerd/items"
    square = {"type": "Polygon", "coordinates": [[[6, 52], [7, 52], [7, 53], [6, 53], [6, 52]]]}
    loopback.body(
        path,
        {
            "type": "FeatureCollection",
            "links": [],
            "features": [
                {"type": "Feature", "geometry": square, "properties": {"statcode": "PV23", "statnaam": "Overijssel"}}
            ],
        },
    )
    got = signaal(
        "data", "boundaries", "--year", "2024", "--level", "provincie", "--data-dir", str(data_dir), env=loopback_env
    )
    assert got.returncode == 0, got.stderr
    assert (
        "cached 1 provincie boundaries for 2024" in got.stdout
        and (data_dir / "geo" / "provincie_2024.parquet").exists()
    )

    src = tmp_path / "gm.geojson"
    src.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": square,
                        "properties": {"gemeentecode": "GM0153", "gemeentenaam": "Enschede", "jaar": 2023},
                    }
                ],
            }
        )
    )
    got = signaal("data", "boundaries", "--from-file", str(src), "--data-dir", str(data_dir))
    assert got.returncode == 0, got.stderr
    assert {p.name for p in (data_dir / "geo").iterdir()} >= {
        "gemeente_2023.parquet",
        "corop_2023.parquet",
        "provincie_2023.parquet",
    }

    missing = signaal("data", "boundaries", "--data-dir", str(data_dir))
    assert missing.returncode == 2 and "--year is required" in missing.stderr


def test_diff_csv_that_cannot_be_written_leaves_no_file_and_says_so(tmp_path, monkeypatch):
    """The disk fills up while the revisions are written: no file, no temporary file, one line."""
    import builtins
    import errno

    import pandas as pd
    from click.testing import CliRunner

    from signaal.cli import main
    from signaal.store.vintage import Store

    store = Store(tmp_path / "data")
    for vid, value in (("a", 3.6), ("b", 3.7)):
        store.write_vintage(
            pd.DataFrame(
                [("werkloosheid", "CR12", "2024", value, "definitief")],
                columns=["indicator", "region", "period", "value", "status"],
            ),
            {},
            vintage_id=vid,
        )
    out = tmp_path / "out"
    out.mkdir()
    real_open = builtins.open

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    def full_disk(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        writes_in_out = any(m in mode for m in "wax") and str(file).startswith(str(out))
        return Full(fh) if writes_in_out else fh

    monkeypatch.setattr(builtins, "open", full_disk)
    result = CliRunner().invoke(
        main, ["data", "diff", "a", "b", "--csv", str(out / "rev.csv"), "--data-dir", str(tmp_path / "data")]
    )
    monkeypatch.setattr(builtins, "open", real_open)
    assert result.exit_code == 2
    assert "signaal: error: --csv" in result.output and "No space left on device" in result.output
    assert list(out.iterdir()) == []
