"""The results of the query functions: plain, frozen dataclasses, one per kind of row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CellSourceRow:
    key: str
    name: str
    abbreviation: str | None
    parent: str | None
    category: str
    immunogenicity: str | None = None
    clinical_potential: str | None = None
    acquisition: str | None = None
    expansion: str | None = None
    refs: list[int] = field(default_factory=list)
    main_functions: str | None = None
    advantages: str | None = None
    limitations: str | None = None
    aliases: list[str] = field(default_factory=list)
    acquisition_note: str | None = None
    expansion_note: str | None = None
    immunogenicity_note: str | None = None
    clinical_potential_note: str | None = None
    position: int | None = None
    # CURIEs of other resources (Cell Ontology, UBERON, EFO), each checked and sourced.
    identifiers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DeliverySystemRow:
    key: str
    name: str
    payloads: list[str]
    indications: list[str]
    advantages: str
    disadvantages: str
    refs: list[int]


@dataclass(frozen=True)
class TrialRow:
    registry_id: str
    registry: str
    phase: str
    source: str
    route: str | None
    population: str
    summary: str
    ref: int


@dataclass(frozen=True)
class MechanismRow:
    key: str
    name: str
    functions: list[str]
    molecules: list[str]
    pathways: list[str]
    section: str
    function_details: list[dict[str, Any]] = field(default_factory=list)
    molecule_groups: list[dict[str, Any]] = field(default_factory=list)
    pathway_groups: list[dict[str, Any]] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)  # GO biological processes


@dataclass(frozen=True)
class MoleculeRow:
    key: str
    kind: str
    full_name: str | None
    parent: str | None
    aliases: list[str]
    studies: int
    identifiers: list[str] = field(default_factory=list)  # ChEBI, miRBase, HGNC, NCBI Gene


@dataclass(frozen=True)
class PathwayRow:
    key: str
    nodes: list[str]
    studies: int
    identifiers: list[str] = field(default_factory=list)  # KEGG, Reactome


@dataclass(frozen=True)
class StudyOutcome:
    """One outcome of a study: a table cell shows its measure, JSON every field."""

    measure: str
    direction: str
    value: float | None
    unit: str | None
    relative_to: str | None
    species: str | None

    @classmethod
    def of(cls, outcome: Any) -> StudyOutcome:
        """From a row of the outcome table's columns, its species by key (``species``)."""
        return cls(**{f: getattr(outcome, f) for f in cls.__dataclass_fields__})

    def __str__(self) -> str:
        return self.measure

    def as_json(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


@dataclass(frozen=True)
class StudyRow:
    key: str
    ref: int | None
    first_author: str | None
    cell_source: str | None
    cargo: list[str]
    # Molecules given beside the exosomes (methylprednisolone in one patch), and those studied
    # without exosomes (the findings proposed for combination).
    co_administered: list[str]
    agents: list[str]
    targets: list[str]
    pathways: list[str]
    mechanisms: list[str]
    species: list[str]
    route: str | None
    materials: list[str]
    modifications: list[str]
    outcomes: list[StudyOutcome]
    section: str | None
    design: str
    exosome_based: bool
    summary: str


@dataclass(frozen=True)
class CurationNoteRow:
    key: str
    kind: str
    section: str
    subject: str | None
    review_text: str
    problem: str
    source: str | None
    ref: int | None


@dataclass(frozen=True)
class ComponentRow:
    molecule: str
    component_class: str
    group: str | None
    is_marker: bool
    refs: list[int]


@dataclass(frozen=True)
class EpidemiologyRow:
    key: str
    measure: str
    condition: str
    value: float | None
    unit: str | None
    region: str | None
    note: str | None
    refs: list[int]


@dataclass(frozen=True)
class StudyDetail:
    """One study in full: every link, the reference's bibliography and the curation notes."""

    key: str
    ref: int | None
    first_author: str | None
    section: str | None
    design: str
    exosome_based: bool
    theme: str | None
    cell_source: str | None
    cell_source_lineage: list[str]
    route: str | None
    summary: str
    cargo: list[dict[str, Any]]
    interactions: list[dict[str, Any]]
    pathways: list[dict[str, Any]]
    mechanisms: list[str]
    models: list[dict[str, Any]]
    materials: list[str]
    modifications: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    reference: dict[str, Any] | None
    curation_notes: list[dict[str, Any]]
    # The paper's own identifiers, and its extraction: arms and arm-level measurements.
    doi: str | None = None
    pmid: str | None = None
    arms: list[dict[str, Any]] = field(default_factory=list)
    measurements: list[dict[str, Any]] = field(default_factory=list)
    # The identifiers in other resources of what the study names (its cell source, species,
    # molecules, mechanisms), by exodb key: {"msc": ["CL:0000134"], ...}
    identifiers: dict[str, list[str]] = field(default_factory=dict)
