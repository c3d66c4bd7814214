"""The evidence gap map: what no study covers (source x mechanism, source x species), which
sources have primate or human evidence, and which mechanisms rest on in vitro work only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.names import vocabulary as v
from exodb.reports import postings as p
from exodb.reports.dimensions import (
    _column_postings,
    _profiled_ancestors,
    _reference_numbers,
    _row_postings,
    _source_postings,
    _species_ancestors,
)
from exodb.reports.report import Report, cite
from exodb.schema import tables as t

GAP_SPECIES = ("mouse", "rat", "monkey", "human")


def gaps(session: Session, **filters: Any) -> list[Report]:
    """The evidence gap map: what no study covers, as four small reports."""
    ids = queries.study_ids(session, **filters)
    profiled = [s.key for s in queries.cell_sources(session, profiled=True)]
    by_source = p.merged(_source_postings(session, ids), _profiled_ancestors(session))
    by_mechanism = _column_postings(session, "mechanism", ids)
    by_species = _row_postings(session, "species", ids, rollup=False)
    reference_of = _reference_numbers(session, ids)
    # A study in a species counts for every broader species too (macaque for monkey).
    species_tree = _species_ancestors(session)
    under: p.Postings = defaultdict(set)
    for key, studies in by_species.items():
        for broader in species_tree[key]:
            under[broader] |= studies
    sources = profiled + sorted((s for s in by_source if s not in profiled), key=str.casefold)

    missing_mechanisms = []
    missing_species = []
    primate_human = []
    for source in sources:
        studies = by_source.get(source, set())
        absent = [m for m in v.MECHANISM_KEYS if by_mechanism.get(m, set()).isdisjoint(studies)]
        missing_mechanisms.append(
            {"source": source, "studies": len(studies), "no_study_for": absent}
        )
        missing_species.append(
            {
                "source": source,
                "studies": len(studies),
                "no_study_in": [sp for sp in GAP_SPECIES if under[sp].isdisjoint(studies)],
            }
        )
        primate = studies & under["monkey"]
        human = studies & under["human"]
        if primate or human:
            primate_human.append(
                {
                    "source": source,
                    "primate": bool(primate),
                    "human": bool(human),
                    "refs": cite(p.values_of(primate | human, reference_of)),
                }
            )
    study = t.study.c
    by_design = p.postings(session, select(study.design), study.id, ids)
    by_mechanism_design = []
    for mechanism in v.MECHANISM_KEYS:
        studies = by_mechanism.get(mechanism, set())
        counted = {d: len(studies & by_design.get(d, set())) for d in v.STUDY_DESIGNS}
        whole_organism = counted["in_vivo"] + counted["clinical"] + counted["mixed"]
        by_mechanism_design.append(
            {
                "mechanism": mechanism,
                "studies": len(studies),
                "in_vivo": counted["in_vivo"],
                "mixed": counted["mixed"],
                "clinical": counted["clinical"],
                "in_vitro": counted["in_vitro"],
                "not_stated": counted["not_stated"],
                "in_vitro_only": bool(studies) and whole_organism == 0,
            }
        )
    return [
        Report(
            "Sources x mechanisms with no study",
            ["source", "studies", "no_study_for"],
            {"no_study_for": "mechanisms without a study"},
            missing_mechanisms,
            notes=["Subtypes count under the Table 1 source above them."],
            key="gaps-mechanisms",
        ),
        Report(
            "Sources x species with no study",
            ["source", "studies", "no_study_in"],
            {"no_study_in": "species without a study"},
            missing_species,
            key="gaps-species",
        ),
        Report(
            "Sources with primate or human evidence",
            ["source", "primate", "human", "refs"],
            {},
            primate_human,
            key="gaps-primate-human",
        ),
        Report(
            "Mechanisms by study design",
            [
                "mechanism",
                "studies",
                "in_vivo",
                "mixed",
                "clinical",
                "in_vitro",
                "not_stated",
                "in_vitro_only",
            ],
            {"in_vitro_only": "in vitro only"},
            by_mechanism_design,
            key="gaps-designs",
        ),
    ]
