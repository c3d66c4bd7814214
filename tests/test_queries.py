"""The library API answers the questions a review writer asks of Tables 1-3."""

from __future__ import annotations

import pytest

from exodb import queries


def keys(rows):
    return [r.key for r in rows]


def test_low_immunogenicity_and_at_least_relatively_high_potential(session):
    rows = queries.cell_sources(
        session, immunogenicity="low", min_clinical_potential="relatively_high"
    )
    assert keys(rows) == ["uc_msc", "ad_msc", "bmsc", "schwann_cell", "ipsc"]


def test_high_clinical_potential_only(session):
    assert keys(queries.cell_sources(session, clinical_potential="high")) == ["ipsc"]


def test_max_immunogenicity_is_ordinal(session):
    assert len(queries.cell_sources(session, max_immunogenicity="moderate")) == 9
    assert len(queries.cell_sources(session, max_immunogenicity="low")) == 5


def test_easy_to_obtain_and_expand(session):
    rows = queries.cell_sources(session, max_acquisition="relatively_easy", min_expansion="high")
    assert keys(rows) == ["uc_msc", "ad_msc"]


def test_within_msc_walks_the_hierarchy(session):
    assert set(keys(queries.cell_sources(session, within="MSC"))) >= {
        "msc",
        "uc_msc",
        "ad_msc",
        "bmsc",
    }
    assert "nsc" not in keys(queries.cell_sources(session, within="mesenchymal stem cell"))


def test_source_names_fold_case_and_punctuation(session):
    assert queries.resolve_cell_source(session, "uc-msc") == queries.resolve_cell_source(
        session, "UC MSC"
    )
    assert queries.resolve_cell_source(session, "Macrophagocyte") == queries.resolve_cell_source(
        session, "macrophage"
    )


def test_unknown_source_suggests_close_names(session):
    with pytest.raises(queries.UnknownName) as info:
        queries.cell_sources(session, within="BMCS")
    assert str(info.value).startswith("unknown cell source 'BMCS'; did you mean:")
    assert "bmsc" in info.value.suggestions


def test_delivery_systems_by_payload(session):
    rows = queries.delivery_systems(session, payload="siRNA")
    assert keys(rows) == ["exosome_polymer_nanoparticle", "exosome_mof", "exosome_vlp"]


def test_unknown_indication(session):
    with pytest.raises(queries.UnknownName, match="unknown indication 'gliomas'; did you mean"):
        queries.delivery_systems(session, indication="gliomas")


def test_molecule_lookup_folds_greek_and_case(session):
    for typed in ("NF-kB", "nf-κb", "NFKB", "NF-kappaB", "NF-κβ"):
        (row,) = queries.molecules(session, name=typed)
        assert row.key == "NF-κB"
    (tnf,) = queries.molecules(session, name="TNF-alpha")
    assert tnf.key == "TNF-α"


def test_pathways_by_node(session):
    rows = queries.pathways(session, node="STAT3")
    assert {"JAK1/STAT3", "JAK2/STAT3", "SOCS3/JAK2/STAT3"} <= set(keys(rows))
    for row in rows:
        assert "STAT3" in row.nodes


def test_mechanism_filter(session):
    (row,) = queries.mechanisms(session, key="angiogenesis_bscb")
    assert row.section == "3.4"
    with pytest.raises(queries.UnknownName, match="unknown mechanism 'angiogenesis'"):
        queries.mechanisms(session, key="angiogenesis")


def test_bad_ordinal_value_is_a_clear_error(session):
    with pytest.raises(ValueError, match="immunogenicity must be one of low, moderate, high"):
        queries.cell_sources(session, immunogenicity="none")
