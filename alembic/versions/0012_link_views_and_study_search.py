"""Views of the many-to-many links with readable names, and (SQLite) a search index of studies.

- study_mechanism_link, study_species_link, study_cargo_link and study_pathway_node_link: one
  row per link, named by keys rather than ids, with the study's reference number, first author,
  cell source and whether it is exosome-based beside it, so that a facet on one column filtered
  by another ("which mechanisms, in rat studies") needs no SQL.
- study_dimensions: one row per study, its mechanisms, species, cargo and pathway nodes as JSON
  arrays of keys (sorted, distinct), for array facets that count studies rather than links.
- SQLite only: search_fts_study, a contentless FTS5 table whose rowid is the study's id and whose
  text is that study's search documents, so that a tool which searches a table through an FTS
  table keyed by its rows (Datasette's search box) can search studies. The loader refills it
  with the search index; this revision fills it from the documents already there.

No table changes and no row is touched; the way down drops the views and the index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The study's columns every link view repeats.
STUDY_COLUMNS = (
    "s.key AS study, r.number AS ref, s.first_author, cs.key AS cell_source, s.exosome_based"
)
STUDY_JOINS = (
    "JOIN study AS s ON s.id = l.study_id "
    "LEFT JOIN reference AS r ON r.id = s.reference_id "
    "LEFT JOIN cell_source AS cs ON cs.id = s.cell_source_id"
)
# The molecule roles that are the exosomes' cargo, as `exodb studies --cargo` reads them.
CARGO_ROLES = "('cargo', 'loaded')"

VIEWS = (
    "study_mechanism_link",
    "study_species_link",
    "study_cargo_link",
    "study_pathway_node_link",
    "study_dimensions",
)


def _json_keys(dialect: str, select_keys: str) -> str:
    """A JSON array of the distinct keys ``select_keys`` (one column named k) gives, sorted by
    code point on both backends (SQLite's BINARY; PostgreSQL's "C", whatever the server's
    collation), so the two give the same arrays."""
    if dialect == "postgresql":
        return (
            f"(SELECT coalesce(json_agg(q.k ORDER BY q.k COLLATE \"C\"), '[]'::json)::text "
            f"FROM (SELECT DISTINCT {select_keys}) AS q)"
        )
    return f"(SELECT json_group_array(q.k) FROM (SELECT DISTINCT {select_keys} ORDER BY 1) AS q)"


def _view_sql(dialect: str) -> dict[str, str]:
    mechanisms = _json_keys(
        dialect,
        "mc.key AS k FROM study_mechanism AS x JOIN mechanism AS mc ON mc.id = x.mechanism_id "
        "WHERE x.study_id = s.id",
    )
    species = _json_keys(
        dialect,
        "sp.key AS k FROM study_model AS x JOIN species AS sp ON sp.id = x.species_id "
        "WHERE x.study_id = s.id",
    )
    cargo = _json_keys(
        dialect,
        "m.key AS k FROM study_molecule AS x JOIN molecule AS m ON m.id = x.molecule_id "
        f"WHERE x.study_id = s.id AND x.role IN {CARGO_ROLES}",
    )
    nodes = _json_keys(
        dialect,
        "m.key AS k FROM study_pathway AS x JOIN pathway_node AS n ON n.pathway_id = x.pathway_id "
        "JOIN molecule AS m ON m.id = n.molecule_id WHERE x.study_id = s.id",
    )
    return {
        "study_mechanism_link": f"""
            SELECT {STUDY_COLUMNS}, mc.key AS mechanism, mc.name AS mechanism_name
            FROM study_mechanism AS l
            JOIN mechanism AS mc ON mc.id = l.mechanism_id
            {STUDY_JOINS}
        """,
        "study_species_link": f"""
            SELECT {STUDY_COLUMNS}, sp.key AS species, sp.name AS species_name,
                   sp.is_primate, l.model AS injury_model
            FROM study_model AS l
            JOIN species AS sp ON sp.id = l.species_id
            {STUDY_JOINS}
        """,
        "study_cargo_link": f"""
            SELECT {STUDY_COLUMNS}, m.key AS cargo, m.kind AS cargo_kind, l.role,
                   l.inferred
            FROM study_molecule AS l
            JOIN molecule AS m ON m.id = l.molecule_id
            {STUDY_JOINS}
            WHERE l.role IN {CARGO_ROLES}
        """,
        "study_pathway_node_link": f"""
            SELECT {STUDY_COLUMNS}, p.key AS pathway, l.effect AS pathway_effect,
                   n.position AS node_position, m.key AS node, m.kind AS node_kind
            FROM study_pathway AS l
            JOIN pathway AS p ON p.id = l.pathway_id
            JOIN pathway_node AS n ON n.pathway_id = l.pathway_id
            JOIN molecule AS m ON m.id = n.molecule_id
            {STUDY_JOINS}
        """,
        "study_dimensions": f"""
            SELECT s.key AS study, r.number AS ref, s.first_author, s.design, s.exosome_based,
                   cs.key AS cell_source, ro.key AS route,
                   {mechanisms} AS mechanisms, {species} AS species, {cargo} AS cargo,
                   {nodes} AS pathway_nodes
            FROM study AS s
            LEFT JOIN reference AS r ON r.id = s.reference_id
            LEFT JOIN cell_source AS cs ON cs.id = s.cell_source_id
            LEFT JOIN route AS ro ON ro.id = s.route_id
        """,
    }


# The study search index: contentless (the documents hold the text), its rowid the study's id.
STUDY_FTS = (
    "CREATE VIRTUAL TABLE search_fts_study USING fts5(text, terms, content='', "
    "tokenize='porter unicode61 remove_diacritics 2')"
)
# The same statement the loader's search step runs (exodb.console.search).
FILL_STUDY_FTS = (
    "INSERT INTO search_fts_study (rowid, text, terms) "
    "SELECT s.id, group_concat(d.text, ' '), group_concat(d.terms, ' ') "
    "FROM study AS s JOIN (SELECT key, text, terms FROM search_document "
    "WHERE entity = 'study' ORDER BY key, id) AS d ON d.key = s.key "
    "GROUP BY s.id ORDER BY s.id"
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, sql in _view_sql(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {sql}")
    if dialect == "sqlite":
        op.execute(STUDY_FTS)
        op.execute(FILL_STUDY_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts_study")
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
