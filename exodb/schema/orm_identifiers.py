"""ORM classes of the identifiers of other resources (one class per kind of row identified).
Import them from :mod:`exodb.schema.models`."""

from __future__ import annotations

from sqlalchemy.orm import Mapped

from exodb.schema import tables as t
from exodb.schema.orm_base import Base


class CellSourceIdentifier(Base):
    __table__ = t.cell_source_identifier

    id: Mapped[int]
    cell_source_id: Mapped[int]
    curie: Mapped[str]
    label: Mapped[str | None]
    source: Mapped[str]
    match: Mapped[str]
    note: Mapped[str | None]


class SpeciesIdentifier(Base):
    __table__ = t.species_identifier

    id: Mapped[int]
    species_id: Mapped[int]
    curie: Mapped[str]
    label: Mapped[str | None]
    source: Mapped[str]
    match: Mapped[str]
    note: Mapped[str | None]


class MoleculeIdentifier(Base):
    __table__ = t.molecule_identifier

    id: Mapped[int]
    molecule_id: Mapped[int]
    curie: Mapped[str]
    label: Mapped[str | None]
    source: Mapped[str]
    match: Mapped[str]
    species_id: Mapped[int | None]
    note: Mapped[str | None]


class PathwayIdentifier(Base):
    __table__ = t.pathway_identifier

    id: Mapped[int]
    pathway_id: Mapped[int]
    curie: Mapped[str]
    label: Mapped[str | None]
    source: Mapped[str]
    match: Mapped[str]
    note: Mapped[str | None]


class MechanismIdentifier(Base):
    __table__ = t.mechanism_identifier

    id: Mapped[int]
    mechanism_id: Mapped[int]
    curie: Mapped[str]
    label: Mapped[str | None]
    source: Mapped[str]
    match: Mapped[str]
    note: Mapped[str | None]
