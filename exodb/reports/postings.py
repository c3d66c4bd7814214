"""Posting lists: for each value of a dimension, the set of studies that have it.

The cross-tab reports count distinct studies, and list their references, for every pair of values
of two dimensions (source x mechanism, pathway node x effect, ...). Written as GROUP BY over a
join, the database builds, sorts and de-duplicates millions of joined rows at 100k studies (about
15 s for the convergence report). Here each dimension is read once instead, in the order of an
index that covers it, as one list of study ids per value; the counting is then set algebra
(union, intersection, ``len``) over a few hundred Python sets, which runs at C speed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import filterfalse
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.orm import Session

from exodb.queries import among
from exodb.storage.connection import plain_rows

Postings = dict[Any, set[int]]


def _id_list(column: Any, dialect: str) -> Any:
    # One string per group on SQLite ("3,17,42": cheaper to fetch and split than 10^5 rows);
    # PostgreSQL's driver hands an int[] over as a Python list directly.
    if dialect == "postgresql":
        return func.array_agg(column)
    return func.group_concat(column)


def _as_set(aggregated: Any) -> set[int]:
    if isinstance(aggregated, str):
        return set(map(int, aggregated.split(",")))
    return set(aggregated)


def postings(session: Session, keys: Select, study: Any, ids: Select) -> Postings:
    """``keys`` selects the dimension's column(s); ``study`` is the study id column of the same
    FROM. Returns each key (a tuple when there are several columns) -> the ids of the studies
    selected by ``ids`` that have it. Keys with no such study are absent."""
    dialect = session.get_bind().dialect.name
    columns = list(keys.selected_columns)
    stmt = keys.add_columns(_id_list(study, dialect)).where(among(study, ids)).group_by(*columns)
    width = len(columns)
    if width == 1:
        return {row[0]: _as_set(row[1]) for row in plain_rows(session, stmt)}
    return {tuple(row[:width]): _as_set(row[width]) for row in plain_rows(session, stmt)}


def inverted(lists: Postings) -> dict[int, Any]:
    """Study id -> its one value, for a dimension with at most one value per study."""
    result: dict[int, Any] = {}
    for key, studies in lists.items():
        result.update(dict.fromkeys(studies, key))
    return result


def layered(lists: Postings) -> list[dict[int, Any]]:
    """Study id -> value, for a dimension with several values per study, as layers: the first
    layer gives each study one of its values, the second a second value, and so on.

    Each layer is filled with whole posting lists at a time (set differences and
    ``dict.fromkeys``), so building it costs a few C-level operations per value instead of a
    Python step per (study, value) pair.
    """
    layers: list[dict[int, Any]] = []
    for key, studies in lists.items():
        rest = studies
        for layer in layers:
            free = set(filterfalse(layer.__contains__, rest))
            layer.update(dict.fromkeys(free, key))
            rest = rest - free
            if not rest:
                break
        else:
            if rest:
                layers.append(dict.fromkeys(rest, key))
    return layers


def merged(lists: Postings, rename: Mapping[Any, Any]) -> Postings:
    """The posting lists with keys renamed, lists whose keys now coincide joined together."""
    result: Postings = defaultdict(set)
    for key, studies in lists.items():
        result[rename.get(key, key)] |= studies
    return dict(result)


def union(sets: Iterable[set]) -> set:
    """The union of ``sets``; a single set comes back as it is (not copied: do not change it)."""
    sets = list(sets)
    if len(sets) == 1:
        return sets[0]
    return set().union(*sets)


def values_of(studies: Iterable[int], value_of: Mapping[int, Any]) -> set[Any]:
    """The values that ``value_of`` gives the ``studies`` (those without one are skipped)."""
    found = set(map(value_of.get, studies))
    found.discard(None)
    return found


def all_values_of(studies: set[int], layers: list[dict[int, Any]]) -> set[Any]:
    """Every value that the :func:`layered` ``layers`` give the ``studies``."""
    found: set[Any] = set()
    for depth, layer in enumerate(layers):
        # Deeper layers hold few studies: look up only those.
        found |= values_of(studies if depth == 0 else filter(layer.__contains__, studies), layer)
    return found
