"""Ad-hoc SQL: analyst views, `exodb sql` (read-only by the database), search, schema, cookbook."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess

import pytest

from exodb.cli import main
from exodb.console.search import search
from exodb.console.sql import ReadOnlyError, SqlError, parse_param, run_sql, run_sqlite
from exodb.render import render
from exodb.schema import describe as schema
from exodb.schema.models import Base
from exodb.storage.connection import make_engine
from exodb.web import cookbook

from .conftest import BACKEND, REPO, snapshot


def checksum(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- views -----------------------------------------------------------------------------------


def test_cell_source_ancestry_view(seeded_url):
    rows = run_sql(
        seeded_url,
        "SELECT ancestor, depth FROM cell_source_ancestry WHERE cell_source = 'cd271_cd56_bmsc' "
        "ORDER BY depth",
    ).rows
    assert rows == [("cd271_cd56_bmsc", 0), ("bmsc", 1), ("msc", 2), ("stem_cell", 3)]


def test_study_cargo_pathway_view(seeded_url):
    rows = run_sql(
        seeded_url,
        "SELECT study, ref, cell_source, cargo, pathway, pathway_effect FROM study_cargo_pathway "
        "WHERE ref = 73 OR study = 'fu_54' ORDER BY study, pathway",
    ).rows
    assert rows == [
        ("fan_73", 73, "bmsc", None, "NF-κB", "modulates"),
        ("fan_73", 73, "bmsc", None, "PTEN/PI3K/Akt/mTOR", "modulates"),
        ("fu_54", 54, "ad_msc", "miR-21a-3p", "miR-21a-3p/PI3K/Akt", "modulates"),
    ]


def test_cell_source_comparison_view(seeded_url):
    rows = run_sql(
        seeded_url,
        "SELECT cell_source, immunogenicity, immunogenicity_rank, clinical_potential_rank, refs "
        "FROM cell_source_comparison WHERE cell_source IN ('ipsc', 'nsc') ORDER BY position",
    ).rows
    assert rows == [
        ("nsc", "moderate", 2, 1, "163, 164, 165"),
        ("ipsc", "low", 1, 3, "176, 177, 178"),
    ]


def test_outcome_detail_view(seeded_url):
    rows = run_sql(
        seeded_url,
        "SELECT study, ref, species, value, unit FROM outcome_detail WHERE value IS NOT NULL "
        "ORDER BY value",
    ).rows
    assert rows[0] == ("zhang_75", 75, "rat", 2.1, "fold")
    assert rows[-1] == ("cheng_77", 77, None, 68.0, "%")


def test_link_views_name_both_sides(seeded_url):
    primates = run_sql(
        seeded_url,
        "SELECT study, ref, species FROM study_species_link WHERE is_primate ORDER BY study",
    ).rows
    assert primates == [
        ("akhlaghpasand_146", 146, "human"),
        ("huang_46", 46, "rhesus_monkey"),
        ("ref77_macaque", 77, "macaque"),
    ]
    mechanisms = run_sql(
        seeded_url,
        "SELECT mechanism, count(*) FROM study_mechanism_link GROUP BY mechanism "
        "ORDER BY mechanism",
    ).rows
    assert mechanisms == [
        ("angiogenesis_bscb", 8),
        ("axon_regeneration", 21),
        ("ecm_regulation", 5),
        ("immune_regulation", 16),
        ("neuroprotection", 10),
    ]
    cargo = run_sql(
        seeded_url, "SELECT study, ref, role FROM study_cargo_link WHERE cargo = 'miR-21a-3p'"
    ).rows
    assert cargo == [("fu_54", 54, "cargo")]
    nodes = run_sql(
        seeded_url,
        "SELECT pathway, node_position, node FROM study_pathway_node_link WHERE study = 'zhu_55' "
        "ORDER BY pathway, node_position",
    ).rows
    assert nodes == [
        ("Akt/mTOR", 1, "Akt"),
        ("Akt/mTOR", 2, "mTOR"),
        ("MAPK", 1, "MAPK"),
        ("TLR4/MyD88/NF-κB", 1, "TLR4"),
        ("TLR4/MyD88/NF-κB", 2, "MyD88"),
        ("TLR4/MyD88/NF-κB", 3, "NF-κB"),
    ]


def test_study_dimensions_holds_json_arrays(seeded_url):
    import json

    (row,) = run_sql(
        seeded_url,
        "SELECT study, ref, cell_source, mechanisms, species, cargo, pathway_nodes "
        "FROM study_dimensions WHERE study = 'cheng_77'",
    ).rows
    assert row[:3] == ("cheng_77", 77, "not_stated")
    assert [json.loads(v) for v in row[3:]] == [
        ["axon_regeneration"],
        [],
        ["BDNF"],
        ["ERK", "TrkB"],
    ]


@pytest.mark.sqlite_only
def test_study_search_index_is_keyed_by_study_id(seeded_path):
    with sqlite3.connect(seeded_path) as connection:
        rows = connection.execute(
            "SELECT key FROM study WHERE id IN (SELECT rowid FROM search_fts_study "
            "WHERE search_fts_study MATCH 'ferroptosis') ORDER BY key"
        ).fetchall()
    assert rows == [("chen_65",), ("zhang_64",)]


def test_every_column_has_a_comment():
    missing = [
        f"{t.name}.{c.name}"
        for t in Base.metadata.tables.values()
        for c in t.columns
        if not c.comment
    ]
    assert missing == []
    assert all(t.comment for t in Base.metadata.tables.values())


# --- exodb sql ---------------------------------------------------------------------------------


def test_sql_select_with_parameter(runner, seeded_url):
    result = runner.invoke(
        main,
        [
            "--db",
            seeded_url,
            "sql",
            "SELECT study, ref FROM outcome_detail WHERE ref = :r "
            "AND value IS NOT NULL ORDER BY measure",
            "--param",
            "r=75",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "study,ref\nzhang_75,75\nzhang_75,75\n"


def test_sql_from_file_and_stdin(runner, seeded_url, tmp_path):
    query = tmp_path / "q.sql"
    query.write_text("SELECT count(*) AS studies FROM study", encoding="utf-8")
    from_file = runner.invoke(
        main, ["--db", seeded_url, "sql", "-f", str(query), "--format", "json"]
    )
    assert from_file.stdout.strip() == '[\n  {\n    "studies": 57\n  }\n]'
    from_stdin = runner.invoke(
        main,
        ["--db", seeded_url, "sql", "-", "--format", "csv"],
        input="SELECT count(*) AS n FROM reference",
    )
    assert from_stdin.stdout == "n\n194\n"


REFUSED = [
    ("INSERT INTO disease (key, name) VALUES ('x', 'x')", "read-only"),
    ("UPDATE study SET summary = 'x'", "read-only"),
    ("DELETE FROM outcome", "read-only"),
    ("DROP TABLE outcome", "read-only"),
    ("CREATE TABLE t (x INTEGER)", "read-only"),
    ("SELECT 1; DELETE FROM study", "runs one statement at a time"),
]
REFUSED_BY_SQLITE = [
    ("ATTACH DATABASE '{tmp}/other.sqlite' AS other", "ATTACH and VACUUM INTO"),
    ("VACUUM INTO '{tmp}/vacuumed.sqlite'", "ATTACH and VACUUM INTO"),
    ("PRAGMA journal_mode = DELETE", "PRAGMA journal_mode = DELETE is refused"),
    ("PRAGMA foreign_keys = OFF", "PRAGMA foreign_keys = OFF is refused"),
    ("PRAGMA writable_schema = ON", "PRAGMA writable_schema = ON is refused"),
]
REFUSED_BY_POSTGRES = [
    ("SELECT nextval(pg_get_serial_sequence('study', 'id'))", "read-only transaction"),
    ("CREATE TEMPORARY TABLE t (x INTEGER)", "CREATE is refused; exodb sql runs queries only"),
    ("CREATE TEMPORARY TABLE t AS SELECT 1", "read-only transaction"),
]
CASES = REFUSED + (REFUSED_BY_SQLITE if BACKEND == "sqlite" else REFUSED_BY_POSTGRES)


@pytest.mark.parametrize(("statement", "message"), CASES, ids=[r[0][:30] for r in CASES])
def test_sql_refuses_writes_and_leaves_the_database_unchanged(
    runner, fresh_url, tmp_path, statement, message
):
    before = snapshot(fresh_url)
    statement = statement.format(tmp=tmp_path)
    result = runner.invoke(main, ["--db", fresh_url, "sql", statement])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(fresh_url) == before
    assert not (tmp_path / "other.sqlite").exists()
    assert not (tmp_path / "vacuumed.sqlite").exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("statement", "message"), REFUSED + REFUSED_BY_SQLITE)
def test_refused_sql_leaves_the_file_byte_for_byte(
    runner, fresh_path, tmp_path, statement, message
):
    before = checksum(fresh_path)
    runner.invoke(main, ["--db", str(fresh_path), "sql", statement.format(tmp=tmp_path)])
    assert checksum(fresh_path) == before


@pytest.mark.sqlite_only
def test_reading_pragmas_are_allowed(seeded_path):
    rows = run_sqlite(seeded_path, "PRAGMA table_info(outcome)").rows
    assert [r[1] for r in rows][:3] == ["id", "study_id", "measure"]


def test_sql_error_prints_the_database_message(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "sql", "SELECT nope FROM study"])
    assert result.exit_code == 1
    expected = {
        "sqlite": "Error: SQL error: no such column: nope\n",
        "postgresql": 'Error: SQL error: column "nope" does not exist\n',
    }
    assert result.stderr == expected[BACKEND]


def test_library_errors(seeded_url):
    with pytest.raises(ReadOnlyError):
        run_sql(seeded_url, "DELETE FROM study")
    with pytest.raises(SqlError, match="syntax error"):
        run_sql(seeded_url, "SELEC 1")


# --- search ------------------------------------------------------------------------------------


def test_search_ranks_and_locates(session):
    hits = search(session, "ferroptosis microglia")
    assert hits[0].entity == "study" and hits[0].key == "chen_65" and hits[0].ref == 65
    names = search(session, "NFKB")
    assert names[0].entity == "molecule" and names[0].key == "NF-κB"


def test_search_highlights_in_table_and_markdown(runner, seeded_url):
    table = runner.invoke(main, ["--db", seeded_url, "search", "Wharton"])
    assert table.exit_code == 0
    assert "[Wharton]'s jelly" in table.stdout
    markdown = runner.invoke(
        main, ["--db", seeded_url, "search", "Wharton", "--format", "markdown"]
    )
    assert "**Wharton**'s jelly" in markdown.stdout


@pytest.mark.parametrize(
    "text", ["it's", '"quoted"', ";-- DROP TABLE study", "100%", "a_b", "NEAR(x y)", "κβ*"]
)
def test_search_text_is_data_not_syntax(session, text):
    assert isinstance(search(session, text), list)


def test_search_follows_a_reload(empty_url, seed_copy):
    from exodb.storage.connection import session_factory
    from exodb.workflows.database import upgrade
    from exodb.workflows.load import load_folder

    path = seed_copy / "studies.csv"
    content = path.read_text(encoding="utf-8")
    path.write_text(
        content.replace("lessened ferroptosis", "lessened zebrafishosis", 1), encoding="utf-8"
    )
    engine = make_engine(empty_url)
    upgrade(engine)
    load_folder(engine, seed_copy)
    with session_factory(engine)() as session:
        assert [h.key for h in search(session, "zebrafishosis")] == ["chen_65"]
    engine.dispose()


# --- schema --------------------------------------------------------------------------------------


def test_schema_lists_tables_views_and_comments(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "schema", "--format", "csv"])
    assert result.exit_code == 0
    text = result.stdout
    assert 'outcome,table,unit,VARCHAR(50),true,,,"Unit of value (%, fold, per million ' in text
    assert "outcome,table,study_id,INTEGER,false,FK,study.id," in text
    assert "cell_source_ancestry,view,cell_source," in text
    assert "search_fts" not in text


def test_schema_mermaid(seeded_url):
    engine = make_engine(seeded_url)
    diagram = schema.mermaid(engine)
    assert diagram.startswith("erDiagram\n")
    assert '    study ||--o{ outcome : "study_id"' in diagram
    assert '    species |o--o{ outcome : "species_id"' in diagram


# --- the cookbook ------------------------------------------------------------------------------

COOKBOOK = REPO / "docs" / "cookbook.md"
RECIPES = cookbook.recipes(COOKBOOK)


def test_cookbook_has_at_least_fifteen_questions():
    assert len(RECIPES) >= 15
    assert len(RECIPES) == COOKBOOK.read_text(encoding="utf-8").count("```sql")
    # Questions 2, 4, 19 and 23 take their values as parameters.
    assert [r.number for r in RECIPES if r.parameters] == [2, 4, 19, 23]
    assert all([name for name, _ in r.parameters] == r.names for r in RECIPES)


def test_the_installed_cookbook_is_the_documented_one():
    assert cookbook.recipes() == RECIPES


@pytest.mark.parametrize("recipe", RECIPES, ids=[str(r.number) for r in RECIPES])
def test_cookbook_recipe(seeded_url, example_extraction_url, recipe):
    # The questions about extracted studies are asked of a database with the example in it.
    url = example_extraction_url if recipe.on_example else seeded_url
    params = dict(parse_param(f"{name}={value}") for name, value in recipe.parameters)
    result = run_sql(url, recipe.sql, params)
    assert render(result.as_dicts(), "markdown", result.columns) == recipe.expected


def test_cookbook_parameters_are_parameters(seeded_url):
    (family,) = (r for r in RECIPES if r.number == 2)
    result = run_sql(seeded_url, family.sql, {"family": 210})
    assert result.rows == [("gao_110", 110, "miR-210")]


# --- other tools -----------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_opens_in_python_sqlite3(seeded_path):
    with sqlite3.connect(seeded_path) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM cell_source_comparison WHERE immunogenicity = 'low'"
        ).fetchone()
    assert count == 5


@pytest.mark.sqlite_only
@pytest.mark.skipif(not shutil.which("sqlite3"), reason="the sqlite3 command is not installed")
def test_opens_in_the_sqlite3_command(seeded_path):
    result = subprocess.run(
        [
            "sqlite3",
            "-readonly",
            str(seeded_path),
            "SELECT ancestor FROM cell_source_ancestry WHERE cell_source = 'm2_macrophage' "
            "ORDER BY depth",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["m2_macrophage", "macrophage"]


@pytest.mark.sqlite_only
def test_opens_in_pandas(seeded_path):
    pandas = pytest.importorskip("pandas")
    with sqlite3.connect(seeded_path) as connection:
        frame = pandas.read_sql("SELECT * FROM outcome_detail WHERE value IS NOT NULL", connection)
    assert len(frame) == 6
    assert frame["value"].max() == 68.0
