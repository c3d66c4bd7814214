"""The review's three tables regenerated from the database: cell sources (Table 1), mechanisms
(Table 2) and nano-delivery systems (Table 3)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.reports.report import Report, cite
from exodb.schema import tables as t


def _words(code: str | None) -> str:
    return (code or "").replace("_", " ").capitalize()


def _with_note(code: str | None, note: str | None) -> str:
    label = _words(code)
    return f"{label}: {note}" if note else label


def table1_cell_sources(session: Session) -> Report:
    """Table 1 regenerated: the nine compared sources and their seven attributes."""
    rows = []
    for s in queries.cell_sources(session, profiled=True):
        abbreviation = f" ({s.abbreviation})" if s.abbreviation else ""
        rows.append(
            {
                "source": f"{s.name}{abbreviation} ({cite(s.refs)})",
                "main_functions": s.main_functions,
                "acquisition": _with_note(s.acquisition, s.acquisition_note),
                "expansion": _with_note(s.expansion, s.expansion_note),
                "immunogenicity": _with_note(s.immunogenicity, s.immunogenicity_note),
                "advantages": s.advantages,
                "limitations": s.limitations,
                "clinical_potential": _with_note(s.clinical_potential, s.clinical_potential_note),
            }
        )
    headers = {
        "source": "Cell source",
        "main_functions": "Main functions / research directions",
        "acquisition": "Source and acquisition difficulty",
        "expansion": "In vitro preparation and expansion",
        "immunogenicity": "Immunogenicity",
        "advantages": "Primary advantages",
        "limitations": "Main limitations",
        "clinical_potential": "Clinical translational potential",
    }
    return Report(
        "Table 1. Exosome cell sources compared",
        list(headers),
        headers,
        rows,
        notes=[
            "Ordinal grades (easy ... difficult, limited ... high, low ... high) are exodb's "
            "reading of the review's wording; the text after each grade paraphrases the table."
        ],
        key="cell-sources",
    )


def _numbered(groups: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{g['position']}. {g['group']}: {', '.join(i['key'] for i in g['items'])}" for g in groups
    )


def table2_mechanisms(session: Session) -> Report:
    """Table 2 regenerated: mechanisms, core functions, key molecules, pathways."""
    rows = []
    for m in queries.mechanisms(session):
        rows.append(
            {
                "mechanism": m.name,
                "functions": "; ".join(
                    f"{f['position']}. {f['name']}: {f['description']}" for f in m.function_details
                ),
                "molecules": _numbered(m.molecule_groups),
                "pathways": _numbered(m.pathway_groups),
            }
        )
    headers = {
        "mechanism": "Mechanism of action",
        "functions": "Core function",
        "molecules": "Key molecules / components",
        "pathways": "Signalling pathways",
    }
    return Report(
        "Table 2. Mechanisms of exosome therapy for spinal cord injury",
        list(headers),
        headers,
        rows,
        key="mechanisms",
    )


def table3_delivery_systems(session: Session) -> Report:
    """Table 3 regenerated: the seven nano-delivery systems."""
    diseases = _disease_names(session)
    rows = [
        {
            "system": f"{d.name} ({cite(d.refs)})",
            "payloads": ", ".join(d.payloads),
            "indications": ", ".join(diseases[i] for i in d.indications),
            "advantages": d.advantages,
            "disadvantages": d.disadvantages,
        }
        for d in queries.delivery_systems(session)
    ]
    headers = {
        "system": "Nano-delivery system",
        "payloads": "Loaded drug types",
        "indications": "Therapeutic goal",
        "advantages": "Advantages",
        "disadvantages": "Disadvantages",
    }
    return Report(
        "Table 3. Exosome-based nano-delivery systems",
        list(headers),
        headers,
        rows,
        notes=[
            "Row 5's disadvantages repeat row 4's in the review (curation note "
            "t3_hydrogel_disadvantages_duplicated)."
        ],
        key="delivery-systems",
    )


def _disease_names(session: Session) -> dict[str, str]:
    """Disease key -> its name."""
    disease = t.disease.c
    return dict(session.execute(select(disease.key, disease.name)).all())
