"""Search and the name filters keep the same promises: one set of name rules, pasted text read
as typed text, the same hits on both backends, and migrations that bring old databases along."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from exodb import queries
from exodb.cli import main
from exodb.console.search import search
from exodb.errors import UnknownName
from exodb.names import mirna
from exodb.names.searchterms import MAX_WORDS
from exodb.names.vocabulary import GREEK_LETTERS, fold
from exodb.schema import migrations
from exodb.storage.connection import make_engine, session_factory
from exodb.workflows.database import upgrade

from .conftest import Databases, _seed


def hits(session, query: str) -> set[tuple[str, str, str]]:
    return {(h.entity, h.key, h.field) for h in search(session, query, limit=1000)}


def hit_keys(session, query: str) -> set[str]:
    return {h.key for h in search(session, query, limit=1000)}


def study_refs(session, **filters) -> list[int]:
    return sorted(s.ref for s in queries.studies(session, **filters))


# --- search follows the filters' name rules -----------------------------------------------------


def test_search_for_a_mirna_family_finds_its_members_only(session):
    assert hit_keys(session, "miR-21") == {
        "miR-21",
        "miR-21a-3p",
        "fu_54",
        "liu_129",
        "study_molecules_inferred_cargo",  # quotes fu_54's miR-21a-3p axis
    }
    assert hit_keys(session, "miR-210") == {"miR-210", "gao_110", "s3_4_ref110_contradicts_source"}


def test_search_finds_a_name_in_every_spelling(session):
    found = hits(session, "NF-κB")
    assert {("study", k, "summary") for k in ("liang_47", "fan_73", "zhu_55", "liu_99")} <= found
    for spelling in ("nfkb", "NF-kB", "NF-kappaB", "NFKB"):
        assert hits(session, spelling) == found, spelling


def test_search_stems_english_words(session):
    found = hit_keys(session, "regeneration")
    assert "axon_regeneration" in found and len(found) >= 10
    assert hit_keys(session, "regenerate") == found


def test_search_words_are_capped_with_a_clear_error(session, runner, seeded_url):
    with pytest.raises(ValueError, match=f"at most {MAX_WORDS} words; this one has 1000"):
        search(session, " ".join(["axon"] * 1000))
    result = runner.invoke(main, ["--db", seeded_url, "search", *["axon"] * (MAX_WORDS + 1)])
    assert result.exit_code == 1
    assert f"a search takes at most {MAX_WORDS} words" in result.output
    assert search(session, " ".join(["microglia"] * MAX_WORDS))


# --- text pasted from papers and PDFs -----------------------------------------------------------

PASTED_MIR_21 = [
    "miR\u201321",  # en dash
    "miR\u201421",  # em dash
    "miR\u221221",  # minus sign
    "miRNA-21",
    "microRNA-21",
    "hsa-miR-21",
]
# Spaces inside a name: one name to a filter, two words to a search.
SPACED_MIR_21 = ["miR\u00a021", "miR\u2009-\u200921"]


@pytest.mark.parametrize("pasted", PASTED_MIR_21 + SPACED_MIR_21)
def test_pasted_mirna_names_find_what_typed_ones_find(session, pasted):
    assert study_refs(session, cargo=pasted) == study_refs(session, cargo="miR-21") == [54, 129]
    if pasted not in SPACED_MIR_21:
        assert hits(session, pasted) == hits(session, "miR-21")


def test_pasted_mirna_arms_and_stars(session):
    assert study_refs(session, cargo="hsa-miR-21a-3p") == [54]
    # The old star notation does not say the arm: the family, either arm.
    assert study_refs(session, cargo="miR-199*") == study_refs(session, cargo="miR-199")
    assert study_refs(session, cargo="miR-199*") == [45, 71]
    assert mirna.parse("miR-126*") == mirna.parse("miR-126")


def test_slashed_siblings_name_both(session):
    assert study_refs(session, cargo="miR-199a/b") == study_refs(session, cargo="miR-199b")
    assert study_refs(session, cargo="miR-199a/b") == [45]
    assert hits(session, "miR-199a/b") == hits(session, "miR-199b")


def test_a_cluster_is_not_a_member_of_its_first_family():
    assert mirna.parse("miR-17-92") is None
    assert mirna.parse("miR-17~92") is None
    assert mirna.names_in("miR-17~92") == []
    assert mirna.parse("miR-199a-1").paralog == 1


def test_a_cluster_resolves_to_nothing_without_one_in_the_data(session):
    with pytest.raises(UnknownName):
        queries.studies(session, cargo="miR-199-92")


@pytest.mark.parametrize(
    "pasted, typed",
    [
        ("NF\u2011\u03baB", "NF-kB"),  # non-breaking hyphen, Greek kappa
        ("TNF\u2013\u03b1", "TNF-alpha"),
        ("UC\u2212MSC", "UC-MSC"),
        ("PI3K\u2009/\u2009Akt", "PI3K/Akt"),
    ],
)
def test_pasted_names_in_the_filters(session, pasted, typed):
    if "MSC" in typed:
        assert study_refs(session, cell_source=pasted) == study_refs(session, cell_source=typed)
    elif "/" in typed:
        assert study_refs(session, pathway=pasted) == study_refs(session, pathway=typed)
    else:
        assert study_refs(session, cargo=pasted) == study_refs(session, cargo=typed)
        assert study_refs(session, pathway=pasted) == study_refs(session, pathway=typed)
    assert hits(session, pasted) == hits(session, typed)


def test_every_greek_letter_folds_to_a_letter_of_its_own():
    folded = {fold(f"PKC{letter}") for letter in GREEK_LETTERS}
    assert len(folded) == len(GREEK_LETTERS) and "pkc" not in folded
    assert fold("PKCθ") == fold("PKC-theta") == "pkcq"
    assert fold("\u00b5") == fold("\u03bc") == "m"
    assert fold("NF-κB") == fold("NF-kappaB") == "nfkb" and fold("TNF-α") == "tnfa"


# --- the two backends agree ---------------------------------------------------------------------

AGREEMENT_QUERIES = [
    "miR-21",
    "miR-199",
    "nfkb",
    "NF-κB",
    "regenerate",
    "regeneration",
    "ferroptosis microglia",
    "PI3K/Akt",
    "TNF-alpha",
    "the",
    "Wharton's jelly",
    "hypoxic preconditioning",
    "studies",
    "angiogenesis",
    "mice",
    "1e5",
    "3p",
]


@pytest.mark.sqlite_only
@pytest.mark.needs_postgres
def test_both_backends_find_the_same_documents(session, tmp_path):
    postgres = Databases(tmp_path, backend="postgresql")
    try:
        url = postgres.empty()
        _seed(url)
        engine = make_engine(url)
        with session_factory(engine)() as pg_session:
            for query in AGREEMENT_QUERIES:
                assert hits(pg_session, query) == hits(session, query), query
                # And mark the same words (a names document joins its aliases in an order
                # of each backend's own, so its text differs).
                snippets = [
                    {(h.key, h.field, h.snippet) for h in found if h.field != "names"}
                    for found in (search(s, query, limit=1000) for s in (pg_session, session))
                ]
                assert snippets[0] == snippets[1], query
        engine.dispose()
    finally:
        postgres.drop_all()


# --- the migration ------------------------------------------------------------------------------


def _fts_sql(connection) -> str:
    return connection.execute(
        text("SELECT sql FROM sqlite_master WHERE name = 'search_fts'")
    ).scalar_one()


def test_migration_from_0007_refolds_names_and_refills_search(fresh_url):
    engine = make_engine(fresh_url)
    with session_factory(engine)() as session:
        expected = hits(session, "nfkb")
    migrations.downgrade(engine, "0007")
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            assert "content='search_document'" in _fts_sql(connection)
        # As an older folding left them: none of these finds its owner any more.
        connection.execute(text("UPDATE molecule_name SET folded = 'stale' || id"))
    upgrade(engine)
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name, folded FROM molecule_name")).all()
        assert names and all(folded == fold(name) for name, folded in names)
        if connection.dialect.name == "sqlite":
            assert 'content="search_document"' in _fts_sql(connection)
    with session_factory(engine)() as session:
        assert hits(session, "nfkb") == expected and len(expected) == 10
        assert study_refs(session, pathway="NF-kB") == study_refs(session, pathway="NF-κB")
        assert 47 in study_refs(session, pathway="NF-kB")
    engine.dispose()


def test_names_that_would_fold_alike_stop_the_upgrade_and_change_nothing(runner, fresh_url):
    engine = make_engine(fresh_url)
    migrations.downgrade(engine, "0007")
    with engine.begin() as connection:
        first, second = connection.execute(
            text("SELECT id FROM molecule ORDER BY id LIMIT 2")
        ).scalars()
        # Distinct under 0007's folding (omega was "o"), one name under 0008's.
        connection.execute(
            text(
                "INSERT INTO molecule_name (molecule_id, name, folded, is_alias) "
                "VALUES (:a, 'Xω', 'xo', true), (:b, 'Xw', 'xw', true)"
            ),
            {"a": first, "b": second},
        )
        ids = (
            connection.execute(
                text("SELECT id FROM molecule_name WHERE name IN ('Xω', 'Xw') ORDER BY id")
            )
            .scalars()
            .all()
        )

    def state() -> tuple:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).all()
            names = connection.execute(text("SELECT * FROM molecule_name ORDER BY id")).all()
        return version, names

    before = state()
    result = runner.invoke(main, ["--db", fresh_url, "init"])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot upgrade: the molecule names 'Xω' (molecule_name id {ids[0]}) and 'Xw' "
        f"(id {ids[1]}) name different entries but now fold alike ('xw'); the database is "
        "unchanged. Rename or remove one with any SQLite or PostgreSQL client, then run init "
        "again\n"
    )
    assert state() == before and before[0] == [("0007",)]
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_new_database_declares_its_content_table_for_datasette(seeded_url):
    engine = make_engine(seeded_url)
    with engine.connect() as connection:
        sql = _fts_sql(connection)
    engine.dispose()
    assert 'content="search_document"' in sql
    assert "porter unicode61" in sql


def test_the_ascii_shortcut_normalizes_as_unicode_normalization_does():
    from exodb.names import vocabulary

    every_ascii = "".join(map(chr, range(128)))
    # A leading "ﬁ" (one character, "fi" once normalized) sends the text the Unicode way.
    assert "ﬁ" + vocabulary.normalize_text(every_ascii) == vocabulary.normalize_text(
        "ﬁ" + every_ascii
    ).replace("fi", "ﬁ", 1)
    for spell in (vocabulary.transliterate, vocabulary.spell_out, vocabulary.fold):
        assert "fi" + spell(every_ascii) == spell("ﬁ" + every_ascii)
    assert vocabulary.normalize_text("a\tb\x1fc\rd") == "a b c d"


def test_search_words_are_the_same_whatever_the_batch_size(fresh_url, monkeypatch):
    """The words are filled a batch of documents at a time, so that a large load's memory stays
    flat; batches of seven documents must give every document the words one batch gives."""
    from exodb.console import search as search_module
    from exodb.storage.connection import write_transaction

    engine = make_engine(fresh_url)
    everything = text("SELECT id, terms FROM search_document ORDER BY id")
    with engine.connect() as connection:
        whole = connection.execute(everything).all()
    monkeypatch.setattr(search_module, "TERMS_BATCH", 7)
    with write_transaction(engine) as connection:
        connection.execute(text("UPDATE search_document SET terms = ''"))
        search_module.fill_terms(connection)
    with engine.connect() as connection:
        batched = connection.execute(everything).all()
    engine.dispose()
    assert len(whole) > 7 * 50 and all(terms for _, terms in whole)
    assert batched == whole
