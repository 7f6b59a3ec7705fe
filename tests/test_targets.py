"""Board targets (data/manual/doelen.csv): a row that cannot be evaluated is refused on loading."""

import pytest

from signaal.errors import DataError
from signaal.targets import load_targets

HEAD = "id,region,indicator,kind,benchmark,value,start,by,label_nl,label_en,source_url\n"
URL = "https://example.org/doel"


def write(tmp_path, *rows):
    path = tmp_path / "doelen.csv"
    path.write_text(HEAD + "".join(f"{r},Doel,Target,{URL}\n" for r in rows), "utf-8")
    return path


def test_the_shipped_targets_load(root):
    targets = load_targets(root / "data" / "manual" / "doelen.csv")
    assert {t.kind for t in targets} == {"benchmark", "cumulative"}


def test_a_mistyped_benchmark_region_names_file_line_and_value(tmp_path):
    path = write(tmp_path, "a,CR12,werkloosheid,benchmark,NL01,,,", "b,CR12,hoogopgeleiden,benchmark,NL1,,,")
    with pytest.raises(DataError) as err:
        load_targets(path)
    msg = str(err.value)
    assert msg.startswith("doelen.csv line 3: benchmark: unknown region 'NL1'") and "did you mean 'NL01'" in msg


def test_a_cumulative_target_needs_an_additive_indicator(tmp_path):
    ok = "w,CR12,woningvoorraad,cumulative,,14100,2022Q4,2030Q4"
    assert [t.id for t in load_targets(write(tmp_path, ok))] == ["w"]
    path = write(tmp_path, ok, "u,CR12,werkloosheid,cumulative,,2,2022Q4,2030Q4")
    with pytest.raises(DataError) as err:
        load_targets(path)
    msg = str(err.value)
    assert msg.startswith("doelen.csv line 3:") and "'werkloosheid' is not additive" in msg
    assert "woningvoorraad" in msg  # an indicator that would do


def test_unknown_region_and_indicator_say_what_is_valid(tmp_path):
    with pytest.raises(DataError, match=r"doelen.csv line 2: region: unknown region 'CR121'; did you mean .*'CR12'"):
        load_targets(write(tmp_path, "a,CR121,werkloosheid,benchmark,NL01,,,"))
    with pytest.raises(DataError, match=r"line 2: unknown indicator 'werkloosheidd'; did you mean 'werkloosheid'"):
        load_targets(write(tmp_path, "a,CR12,werkloosheidd,benchmark,NL01,,,"))
