"""Full-text search over what exodb holds: study summaries, curation notes, molecule and source
names and aliases, and the notes of Tables 1-3.

The loader rebuilds ``search_document`` in the same transaction as every load, so the index is
always in step with the data. SQLite searches it through FTS5 (``search_fts``, rebuilt by the
loader) ranked by bm25; PostgreSQL through its own full-text search, ranked by ts_rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

# A typed NULL: PostgreSQL will not put an untyped NULL into an integer column.
NO_REF = "CAST(NULL AS INTEGER)"


def _sources(dialect: str) -> tuple[tuple[str, str], ...]:
    """Each source of searchable text: (entity, SQL selecting key, ref, field, text)."""
    # In curated order: PostgreSQL's string_agg otherwise follows whatever plan it picks, and
    # the same data would give different documents (SQLite reads the rows in insertion order).
    joined = (
        "string_agg(a.alias, ' ' ORDER BY a.position)"
        if dialect == "postgresql"
        else "group_concat(a.alias, ' ')"
    )
    return (
        (
            "study",
            "SELECT s.key, r.number, 'summary', s.summary FROM study s "
            "LEFT JOIN reference r ON r.id = s.reference_id",
        ),
        (
            "curation_note",
            "SELECT n.key, r.number, 'review_text', n.review_text FROM curation_note n "
            "LEFT JOIN reference r ON r.id = n.reference_id",
        ),
        (
            "curation_note",
            "SELECT n.key, r.number, 'problem', n.problem FROM curation_note n "
            "LEFT JOIN reference r ON r.id = n.reference_id",
        ),
        *(
            (
                entity,
                # Every spelling, verbatim: the key, the name and each curated alias.
                f"SELECT o.key, {NO_REF}, 'names', o.key || ' ' || {name} || "
                f"coalesce((SELECT ' ' || {joined} FROM {entity}_alias a "
                f"WHERE a.{entity}_id = o.id), '') FROM {entity} o",
            )
            for entity, name in (
                ("molecule", "coalesce(o.full_name, '')"),
                ("cell_source", "o.name || ' ' || coalesce(o.abbreviation, '')"),
                ("material", "o.name"),
            )
        ),
        *(
            (
                "cell_source_profile",
                f"SELECT c.key, {NO_REF}, '{column}', p.{column} FROM cell_source_profile p "
                f"JOIN cell_source c ON c.id = p.cell_source_id WHERE p.{column} IS NOT NULL",
            )
            for column in (
                "main_functions",
                "acquisition_note",
                "expansion_note",
                "immunogenicity_note",
                "advantages",
                "limitations",
                "clinical_potential_note",
            )
        ),
        (
            "mechanism",
            f"SELECT m.key, {NO_REF}, 'core_function', f.name || ': ' || f.description "
            "FROM mechanism_function f JOIN mechanism m ON m.id = f.mechanism_id",
        ),
        *(
            (
                "delivery_system",
                f"SELECT d.key, {NO_REF}, '{column}', d.{column} FROM delivery_system d",
            )
            for column in ("name", "advantages", "disadvantages")
        ),
        (
            "delivery_system",
            f"SELECT d.key, {NO_REF}, 'payload', p.payload FROM delivery_system_payload p "
            "JOIN delivery_system d ON d.id = p.delivery_system_id",
        ),
    )


def rebuild_index(connection: Connection) -> int:
    """Refill ``search_document`` from the current data; returns the number of documents."""
    if connection.dialect.name == "postgresql":
        # Restart the ids too, so that the same data always gives the same rows.
        connection.execute(text("TRUNCATE search_document RESTART IDENTITY"))
    else:
        connection.execute(text("DELETE FROM search_document"))
    for entity, sql in _sources(connection.dialect.name):
        connection.execute(
            text(
                "INSERT INTO search_document (entity, key, ref, field, text) "
                # Ordered, so the same data always gives the same ids, whatever join order
                # the planner picks (PostgreSQL's differs from run to run).
                f"SELECT '{entity}', q.* FROM ({sql}) AS q ORDER BY 1, 2, 3, 4, 5"
            )
        )
    if connection.dialect.name == "sqlite":
        # Build the FTS5 index from the refilled table in one pass; a fresh build leaves the
        # same bytes for the same data, so reloading the same seeds gives an identical file.
        connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
    return connection.execute(text("SELECT count(*) FROM search_document")).scalar_one()


@dataclass(frozen=True)
class SearchHit:
    entity: str
    key: str
    ref: int | None
    field: str
    snippet: str
    rank: float


_WORD = re.compile(r"\w+", re.UNICODE)
START, END = "\x02", "\x03"


def _fts5_query(words: list[str]) -> str:
    # Each word becomes a quoted prefix term, so user text is never FTS5 syntax.
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def search(
    session: Session, query: str, *, limit: int = 20, entity: str | None = None
) -> list[SearchHit]:
    """Ranked matches for ``query`` (all its words, each as a prefix), best first.

    The snippet marks matching words with the control characters ``START`` and ``END``, which
    :func:`exodb.render.highlight` turns into brackets, bold or plain text.
    """
    words = _WORD.findall(query)
    if not words:
        raise ValueError("search needs at least one word")
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {"limit": limit, "entity": entity}
    if dialect == "sqlite":
        params["match"] = _fts5_query(words)
        sql = (
            "SELECT d.entity, d.key, d.ref, d.field, "
            f"snippet(search_fts, 3, '{START}', '{END}', '…', 16) AS snippet, "
            "bm25(search_fts) AS rank "
            "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :match AND (:entity IS NULL OR d.entity = :entity) "
            "ORDER BY rank, d.entity, d.key LIMIT :limit"
        )
    else:
        params["match"] = " & ".join(w + ":*" for w in (re.sub(r"\W", "", x) for x in words) if w)
        sql = (
            "SELECT d.entity, d.key, d.ref, d.field, "
            "ts_headline('english', d.text, to_tsquery('english', :match), "
            f"'StartSel={START}, StopSel={END}, MaxWords=24, MinWords=8') AS snippet, "
            "-ts_rank(to_tsvector('english', d.text), to_tsquery('english', :match)) AS rank "
            "FROM search_document d "
            "WHERE to_tsvector('english', d.text) @@ to_tsquery('english', :match) "
            "AND (CAST(:entity AS text) IS NULL OR d.entity = :entity) "
            "ORDER BY rank, d.entity, d.key LIMIT :limit"
        )
    rows = session.execute(text(sql), params).all()
    return [SearchHit(e, k, r, f, s, float(rank)) for e, k, r, f, s, rank in rows]
