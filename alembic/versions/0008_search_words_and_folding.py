"""Search matches the words each document is filed under, stemmed alike on both backends;
names fold every Greek letter, accents and pasted dashes and spaces.

- search_document.terms holds the words a text is filed under (names folded, miRNAs by family),
  filled here from the documents already present.
- SQLite: search_fts is made anew with ``content="search_document"`` in double quotes, the form
  Datasette recognises (so its search box appears on search_document), Porter's stemmer, and
  the terms column; then rebuilt.
- PostgreSQL: the ``exodb_search`` text-search configuration (the English Snowball stemmer, no
  stop words, which FTS5 does not have either) and a GIN index on terms in place of the one on
  text.
- The *_name look-up tables are folded again with the current rules, so an existing database
  finds what a new one finds; kept reports, computed with the old names, are dropped.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import re
import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_TABLES = ("cell_source", "molecule", "material")
COMMENT = "The words the text is filed under for search (names folded)."
INDEX = "ix_search_document_text_fts"
# Every token type the default parser gives for words of letters and digits.
TOKEN_TYPES = (
    "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, "
    "hword_numpart, int, uint, float, sfloat, version"
)


def _fts5(columns: str, options: str) -> str:
    return f"CREATE VIRTUAL TABLE search_fts USING fts5({columns}, {options})"


NEW_FTS = _fts5(
    "entity UNINDEXED, key UNINDEXED, field UNINDEXED, text, terms",
    'content="search_document", content_rowid="id", '
    'tokenize="porter unicode61 remove_diacritics 2"',
)
OLD_FTS = _fts5(
    "entity UNINDEXED, key UNINDEXED, field UNINDEXED, text",
    "content='search_document', content_rowid='id', tokenize='unicode61 remove_diacritics 2'",
)


def _refold(fold: Callable[[str], str]) -> bool:
    """Fold every stored name again with ``fold``; True when any folded form changed.

    Spellings of one entry that now fold alike keep one row, as a load would; spellings of
    two entries that now fold alike stop the migration, naming them.
    """
    from exodb.errors import SchemaError

    bind = op.get_bind()
    changed = False
    for owner in NAME_TABLES:
        rows = bind.execute(
            sa.text(f"SELECT id, {owner}_id, name, folded FROM {owner}_name ORDER BY id")
        ).all()
        kept: dict[str, tuple[int, str, int]] = {}
        updates, duplicates = [], []
        for row_id, owner_id, name, folded in rows:
            new = fold(name) or folded
            other = kept.get(new)
            if other and other[0] != owner_id:
                # A user's error to mend, not a fault: said in one line, and the upgrade's
                # transaction leaves the database as it was.
                raise SchemaError(
                    f"cannot upgrade: the {owner.replace('_', ' ')} names '{other[1]}' "
                    f"({owner}_name id {other[2]}) and '{name}' (id {row_id}) name different "
                    f"entries but now fold alike ('{new}'); the database is unchanged. Rename "
                    "or remove one with any SQLite or PostgreSQL client, then run init again"
                )
            if other:
                duplicates.append(row_id)
                continue
            kept[new] = (owner_id, name, row_id)
            if new != folded:
                updates.append({"id": row_id, "folded": new})
        if not (updates or duplicates):
            continue
        changed = True
        table = f"{owner}_name"
        for row_id in duplicates:
            bind.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": row_id})
        # Through a form no name folds to, so the unique index never sees two equal values.
        for update in updates:
            bind.execute(
                sa.text(f"UPDATE {table} SET folded = :tmp WHERE id = :id"),
                {"id": update["id"], "tmp": f"#{update['id']}"},
            )
        bind.execute(sa.text(f"UPDATE {table} SET folded = :folded WHERE id = :id"), updates)
    return changed


def _forget_kept_reports() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM report_cache"))
    bind.execute(sa.text("UPDATE data_version SET generation = generation + 1"))


def _drop_search_index() -> bool:
    """Drop the full-text index of either revision; True on SQLite."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("DROP TABLE IF EXISTS search_fts" if sqlite else f"DROP INDEX IF EXISTS {INDEX}")
    return sqlite


def _rebuild_fts(sql: str) -> None:
    op.execute(sql)
    op.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")


def upgrade() -> None:
    from exodb.console.search import fill_terms
    from exodb.names.vocabulary import fold

    bind = op.get_bind()
    sqlite = _drop_search_index()
    op.add_column(
        "search_document",
        sa.Column("terms", sa.Text(), server_default="", nullable=False, comment=COMMENT),
    )
    if _refold(fold):
        _forget_kept_reports()
    fill_terms(bind)
    if sqlite:
        _rebuild_fts(NEW_FTS)
    else:
        op.execute(
            "CREATE TEXT SEARCH DICTIONARY exodb_search_stem "
            "(TEMPLATE = snowball, LANGUAGE = english)"
        )
        op.execute("CREATE TEXT SEARCH CONFIGURATION exodb_search (PARSER = default)")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION exodb_search ADD MAPPING FOR {TOKEN_TYPES} "
            "WITH exodb_search_stem"
        )
        op.execute(
            f"CREATE INDEX {INDEX} ON search_document "
            "USING gin (to_tsvector('exodb_search'::regconfig, terms))"
        )


# Revision 0007's folding: Greek letters it knew, spelled-out names, everything else dropped.
_OLD_GREEK = {"α": "a", "β": "b", "γ": "g", "δ": "d", "ε": "e", "κ": "k", "λ": "l", "σ": "s"}
_OLD_GREEK["ω"] = "o"
_OLD_SPELLED = re.compile(r"alpha|beta|gamma|delta|epsilon|kappa|lambda|sigma|omega")


def _old_fold(name: str) -> str:
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(_OLD_GREEK.get(ch, ch) for ch in text)
    text = _OLD_SPELLED.sub(lambda m: m.group(0)[0], text)
    return re.sub(r"[^0-9a-z]+", "", text)


def downgrade() -> None:
    sqlite = _drop_search_index()
    if not sqlite:
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS exodb_search")
        op.execute("DROP TEXT SEARCH DICTIONARY IF EXISTS exodb_search_stem")
    with op.batch_alter_table("search_document") as batch_op:
        batch_op.drop_column("terms")
    if _refold(_old_fold):
        _forget_kept_reports()
    if sqlite:
        _rebuild_fts(OLD_FTS)
    else:
        op.execute(
            f"CREATE INDEX {INDEX} ON search_document USING gin (to_tsvector('english', text))"
        )
