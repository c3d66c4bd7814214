"""The canonical queries of the benchmark: each library call beside the same question written
by hand in SQL, as an analyst would type it into sqlite3."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb import queries, reports
from exodb.schema import tables as t

ORDER = "ORDER BY r.number NULLS LAST, s.key"
KEYS = "SELECT s.key, r.number FROM study s LEFT JOIN reference r ON r.id = s.reference_id"


def _first_chain(session: Session) -> tuple[str, str]:
    """The first two nodes of the most used pathway: a chain that certainly occurs."""
    pathway = session.scalar(select(t.pathway.c.id).order_by(t.pathway.c.id).limit(1))
    nodes = session.scalars(
        select(t.molecule.c.key)
        .join(t.pathway_node, t.pathway_node.c.molecule_id == t.molecule.c.id)
        .where(t.pathway_node.c.pathway_id == pathway)
        .order_by(t.pathway_node.c.position)
    ).all()
    return nodes[0], nodes[1]


@dataclass
class Case:
    """One canonical question: the library call, the same question in hand-written SQL, and the
    time limit the issue sets (None: only the ratio to the hand-written SQL is a target)."""

    name: str
    call: Callable
    hand_sql: list[str]
    limit_ms: int | None


def cases(session: Session) -> Iterator[Case]:
    """The canonical queries. The cross-tab reports appear twice: computed (``cache=False``)
    and served from the kept copy (which the import prepared)."""
    yield Case(
        "studies by cargo family (miR-1010)",
        lambda s: queries.study_keys(s, cargo="miR-1010"),
        [
            f"{KEYS} WHERE s.id IN (SELECT sm.study_id FROM study_molecule sm JOIN molecule m "
            "ON m.id = sm.molecule_id WHERE m.mirna_family = 1010 AND sm.role IN "
            f"('cargo', 'loaded')) {ORDER}"
        ],
        100,
    )
    yield Case(
        "studies by pathway node (SYN5)",
        lambda s: queries.study_keys(s, pathway="SYN5"),
        [
            f"{KEYS} WHERE s.id IN (SELECT sp.study_id FROM study_pathway sp JOIN pathway_node pn "
            "ON pn.pathway_id = sp.pathway_id JOIN molecule m ON m.id = pn.molecule_id "
            f"WHERE m.key = 'SYN5') {ORDER}"
        ],
        100,
    )
    a, b = _first_chain(session)
    yield Case(
        f"studies by sub-chain ({a}/{b})",
        lambda s: queries.study_keys(s, pathway=f"{a}/{b}"),
        [
            f"{KEYS} WHERE s.id IN (SELECT sp.study_id FROM study_pathway sp "
            "JOIN pathway_node p1 ON p1.pathway_id = sp.pathway_id "
            "JOIN molecule m1 ON m1.id = p1.molecule_id "
            "JOIN pathway_node p2 ON p2.pathway_id = p1.pathway_id "
            "AND p2.position = p1.position + 1 JOIN molecule m2 ON m2.id = p2.molecule_id "
            f"WHERE m1.key = '{a}' AND m2.key = '{b}') {ORDER}"
        ],
        100,
    )
    yield Case(
        "studies by source subtree (src_3)",
        lambda s: queries.study_keys(s, cell_source="src_3"),
        [
            "WITH RECURSIVE tree(id) AS (SELECT id FROM cell_source WHERE key = 'src_3' UNION ALL "
            "SELECT c.id FROM cell_source c JOIN tree ON c.parent_id = tree.id) "
            f"{KEYS} WHERE s.cell_source_id IN (SELECT id FROM tree) {ORDER}"
        ],
        100,
    )
    yield Case(
        "studies by species and mechanism (monkey, ecm_regulation)",
        lambda s: queries.study_keys(s, species="monkey", mechanism="ecm_regulation"),
        [
            "WITH RECURSIVE sp(id) AS (SELECT id FROM species WHERE key = 'monkey' UNION ALL "
            "SELECT x.id FROM species x JOIN sp ON x.parent_id = sp.id) "
            f"{KEYS} WHERE s.id IN (SELECT study_id FROM study_model WHERE species_id IN "
            "(SELECT id FROM sp)) AND s.id IN (SELECT sm.study_id FROM study_mechanism sm "
            "JOIN mechanism m ON m.id = sm.mechanism_id WHERE m.key = 'ecm_regulation') "
            f"{ORDER}"
        ],
        100,
    )
    matrix_sql = [
        "SELECT c.key, m.key, count(DISTINCT s.id), json_group_array(DISTINCT r.number) "
        "FROM study s JOIN cell_source c ON c.id = s.cell_source_id "
        "JOIN study_mechanism sm ON sm.study_id = s.id JOIN mechanism m "
        "ON m.id = sm.mechanism_id LEFT JOIN reference r ON r.id = s.reference_id "
        "GROUP BY c.key, m.key",
        "SELECT c.key, count(DISTINCT s.id), json_group_array(DISTINCT r.number) "
        "FROM study s JOIN cell_source c ON c.id = s.cell_source_id LEFT JOIN reference r "
        "ON r.id = s.reference_id GROUP BY c.key",
    ]
    yield from _report_cases(
        "evidence matrix (cell source x mechanism)", reports.evidence_matrix, matrix_sql
    )
    units = (
        "WITH RECURSIVE up(molecule_id, ancestor_id) AS (SELECT id, id FROM molecule "
        "UNION ALL SELECT up.molecule_id, p.id FROM up JOIN molecule m ON m.id = up.ancestor_id "
        "JOIN molecule p ON p.id = m.parent_id WHERE p.kind <> 'nucleic_acid'), "
        "units AS (SELECT sp.study_id, sp.effect, n.key AS unit FROM study_pathway sp "
        "JOIN pathway_node pn ON pn.pathway_id = sp.pathway_id "
        "JOIN up ON up.molecule_id = pn.molecule_id JOIN molecule n ON n.id = up.ancestor_id) "
    )
    convergence_sql = [
        f"{units} SELECT u.unit, count(DISTINCT u.study_id), "
        "json_group_array(DISTINCT r.number) FROM units u JOIN study s ON s.id = u.study_id "
        "LEFT JOIN reference r ON r.id = s.reference_id GROUP BY u.unit",
        f"{units} SELECT u.unit, u.effect, count(DISTINCT u.study_id), "
        "json_group_array(DISTINCT r.number) FROM units u JOIN study s ON s.id = u.study_id "
        "LEFT JOIN reference r ON r.id = s.reference_id GROUP BY u.unit, u.effect",
        f"{units} SELECT u.unit, json_group_array(DISTINCT c.key) FROM units u "
        "JOIN study s ON s.id = u.study_id JOIN cell_source c ON c.id = s.cell_source_id "
        "GROUP BY u.unit",
        f"{units} SELECT u.unit, json_group_array(DISTINCT m.key) FROM units u "
        "JOIN study_molecule x ON x.study_id = u.study_id JOIN molecule m "
        "ON m.id = x.molecule_id WHERE x.role IN ('cargo', 'loaded') GROUP BY u.unit",
    ]
    yield from _report_cases(
        "convergence report (pathway nodes)", reports.convergence, convergence_sql
    )


def _report_cases(name: str, report: Callable, hand_sql: list[str]) -> Iterator[Case]:
    yield Case(f"{name}, computed", lambda s: report(s, cache=False), hand_sql, None)
    yield Case(f"{name}, kept copy", lambda s: report(s), hand_sql, 500)
