"""What a user's name means in the database: the ids of the rows it names, with the rows below
them in a hierarchy (cell sources, molecules, species), of a miRNA family's members, or of the
pathways a chain of nodes runs through. A name that matches nothing is an :class:`UnknownName`
with the closest known keys."""

from __future__ import annotations

import difflib
import functools
import itertools
from collections.abc import Callable
from typing import Any

from sqlalchemy import BindParameter, Select, Table, bindparam, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import visitors

from exodb.errors import UnknownName
from exodb.names import vocabulary as v
from exodb.names.mirna import MirnaName
from exodb.names.mirna import names_in as mirna_names
from exodb.names.pathways import split_pathway
from exodb.names.vocabulary import fold
from exodb.queries.arguments import check_arguments
from exodb.schema import tables as t


def _unknown(session: Session, names: Table, owner: Table, kind: str, text: str) -> UnknownName:
    """The error for a name that matches nothing, with the closest known keys."""
    folded = fold(text)
    owner_col = names.c[f"{owner.name}_id"]
    known = session.execute(
        select(names.c.folded, owner.c.key).join(owner, owner.c.id == owner_col)
    )
    key_of = dict(known.all())
    close = difflib.get_close_matches(folded, list(key_of), n=6, cutoff=0.6)
    return UnknownName(kind, text, list(dict.fromkeys(key_of[c] for c in close))[:3])


def named(session: Session, names: Table, owner: Table, kind: str, text: str) -> list[int]:
    """Ids of the ``owner`` rows that ``text`` names; on no match, suggest the closest keys."""
    ids = session.scalars(_name_roots(names, owner), {"folded": fold(text)}).all()
    if ids:
        return list(ids)
    raise _unknown(session, names, owner, kind, text)


def resolve_cell_source(session: Session, text: str) -> int:
    """The id of the cell source a user's name means (key, name, abbreviation or alias)."""
    check_arguments(text=text)
    return named(session, t.cell_source_name, t.cell_source, "cell source", text)[0]


def resolve_molecule(session: Session, text: str) -> int:
    """The id of the molecule a user's name means (key, full name or alias, folded)."""
    check_arguments(text=text)
    return named(session, t.molecule_name, t.molecule, "molecule", text)[0]


# Beyond this many ids, a subtree stays in the database as a subquery instead of travelling as
# a list of bound parameters (SQLite allows 32766 per statement, PostgreSQL 65535).
MAX_LISTED_IDS = 500
_tree_names = itertools.count(1)


def _subtree(table: Table, roots: Select, name: str) -> Select:
    """``roots`` and every row below them in ``table``'s parent hierarchy, as a SELECT of ids."""
    tree = roots.cte(name, recursive=True)
    tree = tree.union_all(select(table.c.id).where(table.c.parent_id == tree.c.id))
    return select(tree.c.id).distinct()


def _with_descendants(
    session: Session,
    table: Table,
    roots: Select,
    parameters: dict[str, Any],
    unknown: Callable[[], Exception],
) -> list[int] | Select:
    """The ids ``roots`` selects with its bound ``parameters``, and every row below them in
    ``table``'s parent hierarchy.

    One round trip; the caller's query then filters on a plain list of ids, which is simpler
    for the database to plan than a recursive CTE inside it. A large subtree comes back as the
    subquery itself, which ``column.in_()`` accepts too. No ids at all raises ``unknown()``.
    """
    ids = list(session.connection().execute(_lookup(table, roots), parameters).scalars())
    if not ids:
        raise unknown()
    if len(ids) <= MAX_LISTED_IDS:
        return ids

    # One statement may hold several subtrees (a chain's nodes, cargo and source): unique names
    # for the subtree and for its parameters, with their values bound in.
    def bound(element: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in parameters:
            return bindparam(element.key, parameters[element.key], unique=True)
        return None

    roots = visitors.replacement_traverse(roots, {}, bound)
    return _subtree(table, roots, f"{table.name}_tree_{next(_tree_names)}")


# Look-up statements are built once per kind of name (``roots`` are cached too) and take the
# name as a bound parameter: building a recursive CTE costs about as much as running it.
@functools.cache
def _lookup(table: Table, roots: Select) -> Select:
    return _subtree(table, roots, "tree")


@functools.cache
def _name_roots(names: Table, owner: Table) -> Select:
    """The rows of ``owner`` whose key, name or alias, folded, is the parameter ``folded``."""
    return select(names.c[f"{owner.name}_id"].label("id")).where(
        names.c.folded == bindparam("folded")
    )


def identified(owner: Table, text: str) -> Select | None:
    """The rows of ``owner`` that ``text`` identifies when it is written as a CURIE of another
    resource (``CL:0000134``, ``NCBITaxon:10116``, a bare ``MIMAT0000076``), else None."""
    from exodb.names.identifiers import BadCurie, normal_curie, split_curie

    if split_curie(text) is None:
        return None
    identifiers = t.metadata.tables.get(f"{owner.name}_identifier")
    if identifiers is None:
        return None
    try:
        curie = normal_curie(text)
    except BadCurie as exc:
        raise UnknownName(owner.name.replace("_", " "), f"{text} ({exc})", []) from None
    return select(identifiers.c[f"{owner.name}_id"].label("id")).where(identifiers.c.curie == curie)


def _named_subtree(
    session: Session, names: Table, owner: Table, kind: str, text: str
) -> list[int] | Select:
    """The rows ``text`` names (key, name or alias, folded, or an identifier of theirs) with
    every row below them."""
    by_identifier = identified(owner, text)
    if by_identifier is not None:
        return _with_descendants(
            session, owner, by_identifier, {}, lambda: UnknownName(kind, text, [])
        )
    return _with_descendants(
        session,
        owner,
        _name_roots(names, owner),
        {"folded": fold(text)},
        lambda: _unknown(session, names, owner, kind, text),
    )


def cell_source_subtree(session: Session, text: str) -> list[int] | Select:
    """Ids of the named source and all its descendants (``MSC`` -> UC-MSC, AD-MSC, BMSC, ...)."""
    check_arguments(text=text)
    return _named_subtree(session, t.cell_source_name, t.cell_source, "cell source", text)


# The optional parts of a parsed miRNA name, beside its stem and family.
MIRNA_DETAILS = ("letter", "paralog", "arm")


def molecule_set(session: Session, text: str) -> list[int] | Select:
    """Ids of the molecules a user's name stands for (a subquery when there are very many).

    A miRNA name is matched by its parsed parts (``miR-21`` -> miR-21a-3p, never miR-210;
    ``miR-199a/b`` -> both), as pasted text writes it too (``microRNA\u201321``); any other
    name by key, full name or alias (folded), together with the molecules below it
    (``MAPK`` -> ERK, JNK, p38; ``NF-κB`` -> NF-κB p65).
    """
    check_arguments(text=text)
    molecule = t.molecule
    names = mirna_names(text)
    if not names:
        return _named_subtree(session, t.molecule_name, molecule, "molecule", text)

    def unknown() -> UnknownName:
        known = session.scalars(select(molecule.c.key).where(molecule.c.kind == "mirna")).all()
        return UnknownName("miRNA", text, difflib.get_close_matches(text, known, n=3, cutoff=0.5))

    found: list[list[int] | Select] = []
    for name in names:
        try:
            found.append(_mirna_members(session, name, unknown))
        except UnknownName:
            continue
    if not found:
        raise unknown()
    if len(found) == 1:
        return found[0]
    if all(isinstance(ids, list) for ids in found):
        return sorted({i for ids in found for i in ids})  # type: ignore[union-attr]
    return union(
        *(
            ids if isinstance(ids, Select) else select(molecule.c.id).where(molecule.c.id.in_(ids))
            for ids in found
        )
    )


def _mirna_members(
    session: Session, name: MirnaName, unknown: Callable[[], Exception]
) -> list[int] | Select:
    given = {"stem": name.stem, "family": name.family}
    given |= {a: getattr(name, a) for a in MIRNA_DETAILS if getattr(name, a) is not None}
    roots = _mirna_roots(tuple(given))
    return _with_descendants(session, t.molecule, roots, given, unknown)


@functools.cache
def _mirna_roots(parts: tuple[str, ...]) -> Select:
    """The molecules whose parsed miRNA name has the ``parts`` given (bound by name)."""
    molecule = t.molecule
    return select(molecule.c.id).where(
        *(molecule.c[f"mirna_{part}"] == bindparam(part) for part in parts)
    )


# Each node of a chain is one more join, nested in the last: SQLite joins at most 64 tables,
# SQLAlchemy compiles the nesting recursively, and the review's longest pathway has 6 nodes.
MAX_CHAIN_NODES = 32


def pathways_matching(session: Session, text: str) -> Select:
    """Ids of the pathways that contain ``text`` as a node or a contiguous chain of nodes.

    ``NF-κB`` finds every axis with NF-κB (or a member such as NF-κB p65); ``PI3K/Akt`` finds
    PI3K/Akt/mTOR and PTEN/PI3K/Akt/mTOR, but not Akt/PI3K. A KEGG or Reactome identifier
    (``kegg.pathway:hsa04151``) finds the pathways curated with it.
    """
    check_arguments(text=text)
    by_identifier = identified(t.pathway, text)
    if by_identifier is not None:
        return by_identifier
    nodes = [n for n in split_pathway(text) if n]
    if not nodes:
        raise ValueError("a pathway needs at least one node, e.g. PI3K/Akt")
    if len(nodes) > MAX_CHAIN_NODES:
        raise ValueError(
            f"a pathway chain to look for has at most {MAX_CHAIN_NODES} nodes; this one has "
            f"{len(nodes)}"
        )
    # The first node needs no alias (building one costs more than the look-up it serves).
    node_table = t.pathway_node
    steps = [node_table] + [node_table.alias(f"node_{i}") for i in range(1, len(nodes))]
    first = steps[0]
    stmt = select(first.c.pathway_id).distinct()
    for i, (step, node) in enumerate(zip(steps, nodes, strict=True)):
        members = molecule_set(session, node)
        if i:
            previous = steps[i - 1]
            stmt = stmt.join(
                step,
                (step.c.pathway_id == first.c.pathway_id)
                & (step.c.position == previous.c.position + 1),
            )
        stmt = stmt.where(step.c.molecule_id.in_(members))
    return stmt


def vocabulary_ids(session: Session, table: Table, kind: str, text: str) -> list[int]:
    """Id of a row of a small vocabulary (species, route) named by key or name, folded, then the
    ids of the rows below it where the vocabulary has a hierarchy. The vocabulary is read whole:
    it is small, and one round trip answers both."""
    hierarchy = "parent_id" in table.c
    columns = [table.c.id, table.c.key, table.c.name]
    if hierarchy:
        columns.append(table.c.parent_id)
    rows = session.connection().execute(select(*columns)).all()
    folded = fold(text)
    root = next((r[0] for r in rows if folded in (fold(r[1]), fold(r[2]))), None)
    by_identifier = identified(table, text) if root is None else None
    if by_identifier is not None:
        root = session.scalars(by_identifier).first()
        if root is None:
            raise UnknownName(kind, text, [])
    if root is None:
        names = {fold(r[1]): r[1] for r in rows} | {fold(r[2]): r[1] for r in rows}
        close = difflib.get_close_matches(folded, list(names), n=5, cutoff=0.5)
        raise UnknownName(kind, text, list(dict.fromkeys(names[c] for c in close))[:3])
    ids = [root]
    if hierarchy:
        for row_id in ids:  # grows as children are found: breadth first
            ids.extend(r[0] for r in rows if r[3] == row_id)
    return ids


def vocabulary_id(session: Session, table: Table, kind: str, text: str) -> int:
    return vocabulary_ids(session, table, kind, text)[0]


def material_set(session: Session, text: str) -> list[int] | Select:
    """Ids of the materials ``text`` names (key, name or alias, folded) and, when it is a
    category's name (``hydrogel``), of every material in that category: a writer who asks for
    hydrogels means the hyaluronic acid hydrogel patch too."""
    material = t.material
    folded = fold(text)
    category = next((c for c in v.MATERIAL_CATEGORIES if fold(c) == folded), None)
    if category is None:
        return named(session, t.material_name, material, "material", text)
    roots = _name_roots(t.material_name, material).params(folded=folded)
    return select(material.c.id).where((material.c.category == category) | material.c.id.in_(roots))


def resolve_disease(session: Session, text: str) -> int:
    """The id of the disease ``text`` names by key or name, folded (``glioma``, ``SCI``)."""
    disease = t.disease
    folded = fold(text)
    known = session.execute(select(disease.c.id, disease.c.key, disease.c.name)).all()
    for disease_id, key, name in known:
        if folded in (fold(key), fold(name)):
            return disease_id
    names = {fold(k): k for _, k, _ in known}
    close = difflib.get_close_matches(folded, list(names), n=3, cutoff=0.5)
    raise UnknownName("indication", text, [names[c] for c in close])
