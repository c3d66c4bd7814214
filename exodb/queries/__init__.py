"""The library API: typed query functions over a Session, returning plain dataclasses.

Every CLI listing is one of these functions; nothing here prints or formats.

>>> import exodb
>>> from exodb import queries
>>> with exodb.connect() as session:                                    # doctest: +SKIP
...     [d.key for d in queries.delivery_systems(session, indication="glioma")]
['exosome_polymer_nanoparticle', 'exosome_inorganic_nanoparticle', ...]

The functions read the tables with SQLAlchemy Core (:mod:`exodb.schema.tables`), never the ORM
models, so a query pays for no mapper set-up. The modules, one concern each:

- :mod:`~exodb.queries.records`: the dataclasses the functions return;
- :mod:`~exodb.queries.arguments`: the checks of the functions' arguments;
- :mod:`~exodb.queries.resolve`: names to ids (families, subtrees, pathway chains);
- :mod:`~exodb.queries.filters`: the study filters, as the SELECT :func:`study_ids`;
- :mod:`~exodb.queries.rows`: study listings (:func:`studies`, :func:`study_keys`);
- :mod:`~exodb.queries.details`: one study in full (:func:`study_details`);
- :mod:`~exodb.queries.listings`: cell sources, mechanisms, delivery systems, trials,
  molecules, pathways, curation notes, exosome components, epidemiology;
- :mod:`~exodb.queries.related`: rows that hang from others, read for many parents at once;
- :mod:`~exodb.queries.preparations`: the studies' EV preparations with their separation,
  markers and not-applicable reporting items (:func:`ev_preparations`).
"""

from __future__ import annotations

from exodb.errors import UnknownName
from exodb.queries.arguments import MAX_REFERENCE_NUMBER, check_arguments
from exodb.queries.comparisons import ComparisonRow, GroupSummary, comparisons
from exodb.queries.details import study_details, study_details_by_id
from exodb.queries.filters import STUDY_FILTERS, among, study_ids
from exodb.queries.listings import (
    cell_sources,
    curation_notes,
    delivery_systems,
    epidemiology,
    exosome_components,
    mechanisms,
    molecules,
    pathways,
    trials,
)
from exodb.queries.preparations import EvPreparationRow, Marker, ev_preparations
from exodb.queries.records import (
    CellSourceRow,
    ComponentRow,
    CurationNoteRow,
    DeliverySystemRow,
    EpidemiologyRow,
    MechanismRow,
    MoleculeRow,
    PathwayRow,
    StudyDetail,
    StudyOutcome,
    StudyRow,
    TrialRow,
)
from exodb.queries.resolve import (
    MAX_CHAIN_NODES,
    MAX_LISTED_IDS,
    MIRNA_DETAILS,
    cell_source_subtree,
    molecule_set,
    pathways_matching,
    resolve_cell_source,
    resolve_molecule,
)
from exodb.queries.rows import studies, study_keys, study_rows

__all__ = [
    "MAX_CHAIN_NODES",
    "MAX_LISTED_IDS",
    "MAX_REFERENCE_NUMBER",
    "MIRNA_DETAILS",
    "STUDY_FILTERS",
    "CellSourceRow",
    "ComparisonRow",
    "ComponentRow",
    "CurationNoteRow",
    "DeliverySystemRow",
    "EpidemiologyRow",
    "EvPreparationRow",
    "GroupSummary",
    "Marker",
    "MechanismRow",
    "MoleculeRow",
    "PathwayRow",
    "StudyDetail",
    "StudyOutcome",
    "StudyRow",
    "TrialRow",
    "UnknownName",
    "among",
    "cell_source_subtree",
    "cell_sources",
    "comparisons",
    "check_arguments",
    "curation_notes",
    "delivery_systems",
    "epidemiology",
    "ev_preparations",
    "exosome_components",
    "mechanisms",
    "molecule_set",
    "molecules",
    "pathways",
    "pathways_matching",
    "resolve_cell_source",
    "resolve_molecule",
    "studies",
    "study_details",
    "study_details_by_id",
    "study_ids",
    "study_keys",
    "study_rows",
    "trials",
]
