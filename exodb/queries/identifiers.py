"""The identifiers in other resources of exodb's named rows (cell sources, species, molecules,
pathways, mechanisms), read from their ``<kind>_identifier`` tables, in CURIE order: by row id
for the listings, by key for study cards and the network export."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb.queries.related import values_by_parent
from exodb.schema import tables as t

IDENTIFIED = ("cell_source", "species", "molecule", "pathway", "mechanism")


def identifiers_by_id(session: Session, kind: str, ids: list[int]) -> dict[int, list[str]]:
    """Row id of ``kind`` -> its CURIEs, for the rows ``ids``."""
    table = t.metadata.tables[f"{kind}_identifier"]
    return values_by_parent(session, table.c[f"{kind}_id"], table.c.curie, table.c.curie, ids)


def identifiers_by_key(
    session: Session, kind: str, keys: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """Key of a ``kind`` row -> its CURIEs, for ``keys`` (every row with one when None)."""
    owner, table = t.metadata.tables[kind], t.metadata.tables[f"{kind}_identifier"]
    stmt = (
        select(owner.c.key, table.c.curie)
        .join(owner, owner.c.id == table.c[f"{kind}_id"])
        .order_by(owner.c.key, table.c.curie)
    )
    if keys is not None:
        stmt = stmt.where(owner.c.key.in_(sorted(set(keys))))
    found: dict[str, list[str]] = {}
    for key, curie in session.execute(stmt):
        found.setdefault(key, []).append(curie)
    return found
