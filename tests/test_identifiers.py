"""Identifiers of other resources: the CURIE rules (bioregistry's patterns), the curated
identifiers in the seeds with their sources, the filters that accept a CURIE, the listings that
show them, the loader's and the database's refusals, and the upgrade that brings them in."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

from exodb import queries
from exodb.cli import main
from exodb.names import identifiers as ids
from exodb.schema import migrations
from exodb.storage.connection import make_engine
from exodb.workflows.database import upgrade

from .conftest import REPO, snapshot

SEEDS = REPO / "seeds"


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output, result.output
    return result


# --- CURIEs ------------------------------------------------------------------------------------


def test_curies_are_parsed_normalised_and_expanded():
    assert ids.normal_curie("ncbitaxon:10116") == "NCBITaxon:10116"
    assert ids.normal_curie("MIMAT0000076") == "mirbase.mature:MIMAT0000076"
    assert ids.iri("CL:0000134") == "http://purl.obolibrary.org/obo/CL_0000134"
    assert ids.iri("GO:0031103") == "http://purl.obolibrary.org/obo/GO_0031103"
    with pytest.raises(ids.BadCurie, match=r"'12' is not a Cell Ontology identifier"):
        ids.parse_curie("CL:12")
    with pytest.raises(ids.BadCurie, match="'XYZ:1' is not a CURIE of a known prefix"):
        ids.parse_curie("XYZ:1")
    assert ids.split_curie("MSC") is None and ids.split_curie("PI3K/Akt") is None


def test_the_prefix_table_is_bioregistrys():
    bioregistry = pytest.importorskip("bioregistry")
    for prefix in ids.PREFIXES:
        resource = bioregistry.get_resource(prefix.registry)
        assert resource is not None, prefix.registry
        assert resource.get_pattern() == prefix.pattern, prefix.name
        assert resource.get_uri_format() == prefix.uri_format, prefix.name


# --- the curated identifiers -------------------------------------------------------------------


def _seed(name):
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(
    "name",
    [
        "cell_source_identifiers",
        "species_identifiers",
        "molecule_identifiers",
        "pathway_identifiers",
        "mechanism_identifiers",
    ],
)
def test_every_curated_identifier_is_well_formed_and_sourced(name):
    owner = name.removesuffix("_identifiers")
    for row in _seed(name):
        prefix, _ = ids.parse_curie(row["curie"])
        assert owner in prefix.kinds, row
        assert row["source"].strip(), row
        assert row["match"] in ("exact", "synonym", "broader", "approximate")
        if row["match"] != "exact":
            assert row["note"] or row["label"], row


def test_the_identifiers_say_what_the_records_say(session):
    rows = {r.key: r for r in queries.cell_sources(session)}
    assert rows["msc"].identifiers == ["CL:0000134"]
    assert rows["ipsc"].identifiers == ["EFO:0004905"]  # CL has no iPSC term
    assert rows["csf"].identifiers == ["UBERON:0001359"]
    assert rows["cd146_cd271_uc_msc"].identifiers == []  # no term: left empty, not guessed
    molecules = {m.key: m for m in queries.molecules(session)}
    assert molecules["miR-146a-5p"].identifiers == ["mirbase.mature:MIMAT0000449"]
    # miR-21 names no arm: which mature form is meant is a guess, so none is recorded
    assert molecules["miR-21"].identifiers == []
    assert molecules["miR-2861"].identifiers == [
        "mirbase.mature:MIMAT0013802",
        "mirbase.mature:MIMAT0013803",
    ]
    assert molecules["resveratrol"].identifiers == ["CHEBI:27881"]
    assert molecules["BDNF"].identifiers == ["HGNC:1033", "NCBIGene:627"]
    paths = {p.key: p for p in queries.pathways(session)}
    assert "kegg.pathway:hsa04151" in paths["PI3K/Akt"].identifiers
    connection = session.connection()  # the shared session's: not closed here
    mouse = connection.execute(
        text(
            "SELECT s.key FROM molecule_identifier i JOIN species s ON s.id = i.species_id "
            "WHERE i.curie = 'mirbase.mature:MIMAT0013803'"
        )
    ).scalars()
    assert list(mouse) == ["mouse"]  # kong_102 used mice
    sources = connection.execute(
        text(
            "SELECT i.source FROM cell_source_identifier i JOIN cell_source c "
            "ON c.id = i.cell_source_id WHERE c.key = 'msc'"
        )
    ).scalars()
    assert list(sources) == [
        "Cell Ontology v2026-03-26 via cellxgene-ontology-guide 1.11.1 "
        "(scripts/propose_identifiers.py)"
    ]


# --- where users meet them ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "curie", "name"),
    [
        ("--cell-source", "CL:0000134", "MSC"),
        ("--cell-source", "cl:0000134", "MSC"),
        ("--species", "NCBITaxon:10116", "rat"),
        ("--molecule", "CHEBI:27881", "resveratrol"),
        ("--cargo", "HGNC:1033", "BDNF"),
        ("--mechanism", "GO:0031103", "axon_regeneration"),
    ],
)
def test_filters_take_a_curie(runner, seeded_url, option, curie, name):
    by_curie = run(runner, seeded_url, "studies", option, curie, "--format", "json")
    by_name = run(runner, seeded_url, "studies", option, name, "--format", "json")
    assert by_curie.exit_code == 0, by_curie.output
    assert json.loads(by_curie.output) == json.loads(by_name.output)
    assert json.loads(by_curie.output)


def test_a_curie_nothing_has_is_an_unknown_name(runner, seeded_url):
    result = run(runner, seeded_url, "studies", "--cell-source", "CL:9999999")
    assert result.exit_code == 1
    assert "Error: unknown cell source 'CL:9999999'" in result.output


def test_listings_carry_identifiers_in_csv_and_json(runner, seeded_url):
    result = run(runner, seeded_url, "cell-sources", "--format", "csv")
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert rows["huvec"]["identifiers"] == "CL:0002618;EFO:0002451"
    doc = json.loads(run(runner, seeded_url, "mechanisms", "--format", "json").output)
    assert {m["key"]: m["identifiers"] for m in doc}["axon_regeneration"] == ["GO:0031103"]
    table = run(runner, seeded_url, "cell-sources").output
    assert "identifiers" not in table.splitlines()[0]  # the text table stays readable


# --- refusals ------------------------------------------------------------------------------------


def test_the_loader_refuses_a_malformed_or_misplaced_curie(runner, seeded_url, tmp_path):
    (tmp_path / "cell_source_identifiers.csv").write_text(
        "cell_source,curie,label,source,match,note\n"
        "treg,CL:81,regulatory T cell,a page,exact,\n"
        "treg,NCBITaxon:9606,human,a page,exact,\n",
        encoding="utf-8",
    )
    before = snapshot(seeded_url)
    result = run(runner, seeded_url, "import", str(tmp_path))
    path = tmp_path / "cell_source_identifiers.csv"
    assert result.exit_code == 1
    assert (
        f"{path}:2: curie: '81' is not a Cell Ontology identifier (pattern ^\\d{{7}}$)"
        in result.output
    )
    assert (
        f"{path}:3: curie: 'NCBITaxon:9606': this file takes identifiers of CL, UBERON, EFO, CLO"
        in result.output
    )
    assert snapshot(seeded_url) == before


def test_the_database_refuses_a_prefix_the_table_does_not_take(seeded_url):
    from sqlalchemy.exc import IntegrityError

    engine = make_engine(seeded_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO species_identifier (species_id, curie, source, match) "
                    "SELECT id, 'CL:0000134', 'x', 'exact' FROM species WHERE key = 'rat'"
                )
            )
    finally:
        engine.dispose()


def test_an_upgrade_of_a_seeded_database_brings_the_identifiers_in(fresh_url):
    before = snapshot(fresh_url)
    engine = make_engine(fresh_url)
    try:
        migrations.downgrade(engine, "0009")
        assert migrations.current_revision(engine) == "0009"
        upgrade(engine)
        assert migrations.current_revision(engine) == migrations.head_revision()
    finally:
        engine.dispose()
    after = snapshot(fresh_url)
    for name in ("cell_source_identifier", "species_identifier", "molecule_identifier"):
        assert len(after[name]) == len(before[name]) > 0, name


def test_the_network_export_gives_nodes_their_identifiers_and_iri(runner, seeded_url):
    doc = json.loads(run(runner, seeded_url, "export", "network", "--format", "json").stdout)
    nodes = {n["id"]: n for n in doc["nodes"]}
    msc = nodes["cell_source:msc"]
    assert (msc["identifiers"], msc["iri"]) == (
        "CL:0000134",
        "http://purl.obolibrary.org/obo/CL_0000134",
    )
    assert nodes["mechanism:axon_regeneration"]["identifiers"] == "GO:0031103"
    graphml = run(runner, seeded_url, "export", "network").stdout
    assert 'attr.name="iri"' in graphml and "http://purl.obolibrary.org/obo/CL_0000134" in graphml


def test_a_study_card_names_the_identifiers_of_what_it_names(runner, seeded_url):
    doc = json.loads(run(runner, seeded_url, "show", "kong_102", "--format", "json").output)[0]
    assert doc["identifiers"]["treg"] == ["CL:0000815"]
    assert doc["identifiers"]["mouse"] == ["NCBITaxon:10090"]
    assert doc["identifiers"]["miR-2861"] == [
        "mirbase.mature:MIMAT0013802",
        "mirbase.mature:MIMAT0013803",
    ]
    card = run(runner, seeded_url, "show", "kong_102").output
    assert "Identifiers:\n  - treg: CL:0000815\n" in card


def test_a_downgrade_that_would_drop_imported_identifiers_is_refused(runner, fresh_url, tmp_path):
    (tmp_path / "cell_source_identifiers.csv").write_text(
        "cell_source,curie,label,source,match,note\n"
        "treg,CL:0000792,CD4-positive CD25-positive regulatory T cell,a checked page,broader,\n",
        encoding="utf-8",
    )
    assert run(runner, fresh_url, "import", str(tmp_path)).exit_code == 0
    before = snapshot(fresh_url)
    engine = make_engine(fresh_url)
    try:
        with pytest.raises(
            migrations.ImportLogWouldBeLost, match="would drop the identifier tables"
        ):
            migrations.downgrade(engine, "0009")
        assert migrations.current_revision(engine) == migrations.head_revision()
    finally:
        engine.dispose()
    assert snapshot(fresh_url) == before


def test_the_crosswalk_has_mirtarbases_columns_and_names_mirnas_as_miRBase_does(runner, seeded_url):
    result = run(runner, seeded_url, "export", "crosswalk", "--format", "mirtarbase")
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == [
        "miRTarBase ID",
        "miRNA",
        "Species (miRNA)",
        "Target Gene",
        "Target Gene (Entrez ID)",
        "Species (Target Gene)",
        "Experiments",
        "Support Type",
        "References (PMID)",
    ]
    rows = {(r[0], r[3]): r for r in lines[1:]}
    kong = rows[("exodb:kong_102", "IRAK1")]
    # kong_102 used mice: the mouse form of miR-2861, and mice as the target's species
    assert (kong[1], kong[2], kong[5]) == ("mmu-miR-2861", "Mus musculus", "Mus musculus")
    assert kong[4] == "3654"  # IRAK1's NCBI Gene ID, from the HGNC complete set
    # a miRNA only mice have keeps its mouse species although the study names none
    assert rows[("exodb:peng_100", "PTEN")][1:3] == ["mmu-miR-467b-3p", "Mus musculus"]
    assert all(len(r) == 9 for r in lines)


def test_the_crosswalk_lists_cargo_genes_in_exocartas_columns(runner, seeded_url):
    result = run(runner, seeded_url, "export", "crosswalk", "--format", "exocarta")
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert lines[0] == [
        "CONTENT ID",
        "CONTENT TYPE",
        "ENTREZ GENE ID",
        "GENE SYMBOL",
        "SPECIES",
        "EXPERIMENT ID",
    ]
    huang = next(r for r in lines[1:] if r[5] == "huang_46")
    assert (huang[1], huang[3], huang[4]) == (
        "protein",
        "BDNF",
        "Rattus norvegicus | Macaca mulatta",
    )
    assert [r[0] for r in lines[1:]] == [str(n) for n in range(1, len(lines))]


def test_a_pathway_identifier_finds_the_pathway_curated_with_it(runner, seeded_url):
    result = run(
        runner, seeded_url, "studies", "--pathway", "kegg.pathway:hsa04151", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    keys = {r["key"] for r in json.loads(result.output)}
    sql = (
        "SELECT s.key FROM study s JOIN study_pathway sp ON sp.study_id = s.id "
        "JOIN pathway_identifier i ON i.pathway_id = sp.pathway_id "
        "WHERE i.curie = 'kegg.pathway:hsa04151'"
    )
    exact = {
        r["key"] for r in json.loads(run(runner, seeded_url, "sql", sql, "--format", "json").output)
    }
    assert keys == exact and keys
