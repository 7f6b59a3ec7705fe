"""The catalogue schema: what it accepts, and one-line errors for what it does not."""

from pathlib import Path

import pytest
import yaml

from signaal.catalogue import catalogue, load_catalogue
from signaal.errors import CatalogueError, InputError

HERE = Path(__file__).resolve().parents[2] / "src" / "signaal" / "catalogue"
LABOUR = {
    "netto_arbeidsparticipatie",
    "werkloosheid",
    "banen_werknemers",
    "banengroei",
    "ww_uitkeringen",
    "vacatures",
    "spanning",
}


def test_shipped_catalogue_is_valid_and_covers_the_labour_theme():
    cat = catalogue()
    assert {i.id for i in cat.for_theme("arbeidsmarkt")} >= LABOUR
    for ind in cat.indicators.values():
        assert ind.question.nl.endswith("?") and ind.question.en.endswith("?")
        if ind.source.kind == "cbs":
            assert ind.source.family and ind.source.measure and ind.source.table
    assert cat["vacatures"].levels == ["land", "provincie"]  # Overijssel proxy
    assert cat.dependencies("spanning") == ["vacatures", "ww_kortdurend"]
    # the levels CBS really publishes: WW per labour-market region, sale prices without COROP
    assert cat["ww_uitkeringen"].levels == ["land", "provincie", "arbeidsmarktregio"]
    assert "corop" not in cat["verkoopprijs_woningen"].levels and cat["bouwvergunningen"].levels == ["gemeente"]
    assert cat["netto_arbeidsparticipatie"].main_levels == ["land", "provincie", "corop"]


def test_every_cbs_source_says_whether_it_is_verified_and_what_is_not():
    for ind in catalogue().indicators.values():
        if ind.source.kind == "cbs":
            assert ind.source.verified is not None, ind.id
            assert ind.source.verified or len(ind.source.unverified or "") > 20, ind.id


def _write(tmp_path, mutate) -> Path:
    doc = yaml.safe_load((HERE / "indicators.yaml").read_text("utf-8"))
    mutate(doc["indicators"])
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return path


def _entry(items, ind_id):
    return next(i for i in items if i["id"] == ind_id)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda items: _entry(items, "werkloosheid").update(polarty="lower_is_better"),
            r"'werkloosheid'.*unknown field 'polarty'",
        ),
        (
            lambda items: _entry(items, "werkloosheid").pop("decimals"),
            r"'werkloosheid'.*missing required field 'decimals'",
        ),
        (lambda items: _entry(items, "werkloosheid").update(polarity="lower"), r"'werkloosheid'.*polarity.*'lower'"),
        (
            lambda items: _entry(items, "werkloosheid").update(theme="arbeid"),
            r"'werkloosheid' has unknown theme 'arbeid'",
        ),
        (lambda items: _entry(items, "werkloosheid")["source"].update(table="86088"), r"not a CBS table id"),
        (
            lambda items: _entry(items, "werkloosheid")["source"].update(measure="Werkloosheidspercentage_12"),
            r"table-specific key suffix",
        ),
        (lambda items: _entry(items, "werkloosheid")["source"].pop("family"), r"needs family"),
        (
            lambda items: _entry(items, "spanning")["transform"].update(numerator="vacaturez"),
            r"unknown indicator 'vacaturez'",
        ),
        (
            lambda items: _entry(items, "werkloosheid")["question"].update(nl="Hoeveel {gemeente}?"),
            r"unknown placeholder",
        ),
        (lambda items: items.append(dict(_entry(items, "werkloosheid"))), r"'werkloosheid' is defined twice"),
        (
            lambda items: _entry(items, "werkloosheid")["source"].pop("verified"),
            r"says `verified: true` or `verified: false`",
        ),
        (
            lambda items: _entry(items, "werkloosheid")["source"].pop("unverified"),
            r"`verified: false` needs `unverified`",
        ),
        (
            lambda items: _entry(items, "werkloosheid").update(levels=["land", "arbeidsmarkt"]),
            r"levels.*'arbeidsmarkt'",
        ),
        (
            lambda items: _entry(items, "hoogopgeleiden")["source"].update(keys={"v3": "k_3HboWo"}),
            r"`keys` names one measure per API",
        ),
        (
            lambda items: _entry(items, "jongeren_werkzaam").update(unit="count"),
            r"a share of two categories is a percentage",
        ),
        (
            lambda items: _entry(items, "werkloosheid")["source"]["also"][0].update(levels=["arbeidsmarktregio"]),
            r"also 86008NED: level arbeidsmarktregio is not one of the indicator's levels",
        ),
        (
            lambda items: _entry(items, "studenten_ut")["source"].update(region_dimension="RegioS"),
            r"belong to a CBS source, not a duo one",
        ),
    ],
)
def test_catalogue_mistakes_fail_with_the_entry_and_field(tmp_path, mutate, expected):
    path = _write(tmp_path, mutate)
    with pytest.raises(CatalogueError, match=expected) as err:
        load_catalogue(path)
    assert "\n" not in str(err.value)


def test_invalid_yaml_names_the_line(tmp_path):
    path = tmp_path / "indicators.yaml"
    path.write_text("version: 1\nindicators:\n  - id: [unclosed\n", "utf-8")
    with pytest.raises(CatalogueError, match="line"):
        load_catalogue(path)


def test_unknown_indicator_suggests_the_closest():
    with pytest.raises(InputError, match="did you mean 'werkloosheid'"):
        catalogue()["werkloosheit"]


def test_question_titles_fill_in_the_region():
    ind = catalogue()["netto_arbeidsparticipatie"]
    assert (
        ind.question_for("nl", regio="Twente", inwoners="Twentenaren", provincie="Overijssel")
        == "Hoeveel Twentenaren werken?"
    )
