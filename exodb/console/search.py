"""Full-text search over what exodb holds: study summaries, curation notes, molecule and source
names and aliases, and the notes of Tables 1-3.

The loader rebuilds ``search_document`` in the same transaction as every load, so the index is
always in step with the data. Each document keeps, beside its text, the words it is filed under
(:mod:`exodb.names.searchterms`: names folded, miRNAs by family), and both backends match a query
against those words with the same stemming (Porter's English stemmer): SQLite through FTS5
(``search_fts``, rebuilt by the loader) ranked by bm25, PostgreSQL through its own full-text
search (the ``exodb_search`` configuration), ranked by ts_rank. So the two find the same
documents for the same query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from exodb.names.searchterms import document_terms, fts5_query, query_tree, terms_text, tsquery

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
    fill_terms(connection)
    if connection.dialect.name == "sqlite":
        # Build the FTS5 index from the refilled table in one pass; a fresh build leaves the
        # same bytes for the same data, so reloading the same seeds gives an identical file.
        connection.execute(text("INSERT INTO search_fts(search_fts) VALUES ('rebuild')"))
        refill_study_index(connection)
    return connection.execute(text("SELECT count(*) FROM search_document")).scalar_one()


# SQLite: one row per study in search_fts_study (revision 0012), its rowid the study's id and its
# text the study's documents, for tools that search a table through an FTS table keyed by its
# rows (Datasette's search box on studies).
FILL_STUDY_INDEX = (
    "INSERT INTO search_fts_study (rowid, text, terms) "
    "SELECT s.id, group_concat(d.text, ' '), group_concat(d.terms, ' ') "
    "FROM study AS s JOIN (SELECT key, text, terms FROM search_document "
    "WHERE entity = 'study' ORDER BY key, id) AS d ON d.key = s.key "
    "GROUP BY s.id ORDER BY s.id"
)


def refill_study_index(connection: Connection) -> None:
    """Refill the studies' FTS5 table from the search documents (SQLite, from revision 0012)."""
    present = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_fts_study'")
    ).first()
    if present:
        connection.execute(
            text("INSERT INTO search_fts_study(search_fts_study) VALUES ('delete-all')")
        )
        connection.execute(text(FILL_STUDY_INDEX))


# Documents given their search words at a time: 100k studies make some 400k documents, whose
# texts and words, held all at once, took a load past 500 MB.
TERMS_BATCH = 5_000


def fill_terms(connection: Connection) -> None:
    """Write each document's search words (``terms``) from its text, a batch at a time."""
    batch = text("SELECT id, text FROM search_document WHERE id > :after ORDER BY id LIMIT :n")
    update = text("UPDATE search_document SET terms = :terms WHERE id = :id")
    after = 0  # ids start at 1
    while rows := connection.execute(batch, {"after": after, "n": TERMS_BATCH}).all():
        connection.execute(
            update, [{"id": row_id, "terms": terms_text(body)} for row_id, body in rows]
        )
        after = rows[-1][0]


@dataclass(frozen=True)
class SearchHit:
    entity: str
    key: str
    ref: int | None
    field: str
    snippet: str
    rank: float


START, END = "\x02", "\x03"
# Between equal ranks (ts_rank saturates), the entry a name names comes before the texts that
# mention it.
NAMES_FIRST = "CASE WHEN d.field = 'names' THEN 0 ELSE 1 END"
# The words of a snippet, as FTS5's own snippet() counted them.
SNIPPET_WORDS = 16
_TOKEN = re.compile(r"[^\W_]+")


def search(
    session: Session, query: str, *, limit: int = 20, entity: str | None = None
) -> list[SearchHit]:
    """Ranked matches for ``query`` (all its words, each as a prefix), best first.

    Names match in any spelling the look-up filters take (``nfkb`` finds NF-κB), a miRNA name
    finds its family's members only (``miR-21`` finds miR-21a-3p, never miR-210), and words
    match their other English forms (``regenerate`` finds regeneration). At most
    :data:`exodb.names.searchterms.MAX_WORDS` words.

    The snippet marks matching words with the control characters ``START`` and ``END``, which
    :func:`exodb.render.highlight` turns into brackets, bold or plain text.
    """
    tree = query_tree(query)
    dialect = session.get_bind().dialect.name
    params: dict[str, object] = {"limit": limit, "entity": entity}
    if dialect == "sqlite":
        params["match"] = "{terms} : " + fts5_query(tree)
        sql = (
            "SELECT d.entity, d.key, d.ref, d.field, d.text, "
            f"highlight(search_fts, 4, '{START}', '{END}') AS marked, "
            "bm25(search_fts) AS rank "
            "FROM search_fts JOIN search_document d ON d.id = search_fts.rowid "
            "WHERE search_fts MATCH :match AND (:entity IS NULL OR d.entity = :entity) "
            f"ORDER BY rank, {NAMES_FIRST}, d.entity, d.key LIMIT :limit"
        )
    else:
        params["match"] = tsquery(tree)
        query_sql = "to_tsquery('exodb_search', :match)"
        sql = (
            "SELECT d.entity, d.key, d.ref, d.field, d.text, "
            f"ts_headline('exodb_search', d.terms, {query_sql}, "
            f"'StartSel={START}, StopSel={END}, HighlightAll=true') AS marked, "
            f"-ts_rank(to_tsvector('exodb_search', d.terms), {query_sql}) AS rank "
            "FROM search_document d "
            f"WHERE to_tsvector('exodb_search', d.terms) @@ {query_sql} "
            "AND (CAST(:entity AS text) IS NULL OR d.entity = :entity) "
            f"ORDER BY rank, {NAMES_FIRST}, d.entity, d.key LIMIT :limit"
        )
    rows = session.execute(text(sql), params).all()
    return [
        SearchHit(e, k, r, f, snippet(body, marked), float(rank))
        for e, k, r, f, body, marked, rank in rows
    ]


def snippet(body: str, marked: str) -> str:
    """A window of ``body`` around its matches, the matching words between START and END.

    ``marked`` is the document's search words with the matching ones marked, as the database
    returns them; each word stands for a span of ``body``. Where one of a segment's own words
    matched, that word is marked rather than the whole segment (``[Wharton]'s``).
    """
    terms = document_terms(body)
    hits = [START in word for word in marked.split()]
    if len(hits) != len(terms):
        # Words filed by another version of exodb (until `exodb reindex`): the match stands,
        # but which words matched cannot be told, so none is marked.
        hits = [False] * len(terms)
    spans = {
        (t.start, t.end) for t, hit in zip(terms, hits, strict=True) if hit and not t.whole_segment
    }
    for t, hit in zip(terms, hits, strict=True):
        if hit and t.whole_segment and not any(t.start <= s < t.end for s, _ in spans):
            spans.add((t.start, t.end))
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(body)]
    if not tokens:
        return body
    matched = [i for i, (s, e) in enumerate(tokens) if any(a < e and s < b for a, b in spans)]
    first = _window(matched, len(tokens))
    last = min(first + SNIPPET_WORDS, len(tokens)) - 1
    begin = 0 if first == 0 else tokens[first][0]
    end = len(body) if last == len(tokens) - 1 else tokens[last][1]
    pieces, at = [], begin
    for a, b in sorted(spans):
        a, b = max(a, at), min(b, end)
        if a < b:
            pieces += [body[at:a], START, body[a:b], END]
            at = b
    pieces.append(body[at:end])
    return ("…" if begin else "") + "".join(pieces) + ("…" if end < len(body) else "")


def _window(matched: list[int], count: int) -> int:
    """The first word of the window of SNIPPET_WORDS words holding the most matched words:
    the earliest such, and the text's start where that window reaches back to it."""
    best, start = -1, 0
    for i in matched or [0]:
        inside = sum(1 for j in matched if i <= j < i + SNIPPET_WORDS)
        if inside > best:
            best, start = inside, i
    if start + SNIPPET_WORDS > count:
        start = max(0, count - SNIPPET_WORDS)
    if all(j < SNIPPET_WORDS for j in matched if start <= j < start + SNIPPET_WORDS):
        return 0
    return start
