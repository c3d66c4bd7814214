"""Identifiers of other resources for exodb's named things: Cell Ontology, UBERON, EFO and CLO
terms for cell sources, NCBI Taxonomy for species, ChEBI, miRBase, HGNC and NCBI Gene for
molecules, KEGG and Reactome for pathways, GO for mechanisms. Each row says where its record
was seen (``source``: the ontology and its version, or the page), so that no identifier is
held without the check behind it."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Integer, String, Table, Text, UniqueConstraint

from exodb.names import vocabulary as v
from exodb.names.identifiers import PREFIXES
from exodb.schema.tables._common import enum, foreign_key, metadata


def _identifier_table(owner: str, *extra: Column, what: str) -> Table:
    prefixes = [p.name for p in PREFIXES if owner in p.kinds]
    # The prefix is checked here; the local ID's pattern by the loader (names.identifiers).
    allowed = " OR ".join(f"curie LIKE '{prefix}:_%'" for prefix in prefixes)
    return Table(
        f"{owner}_identifier",
        metadata,
        Column("id", Integer, primary_key=True),
        foreign_key(f"{owner}_id", f"{owner}.id", cascade=True, index=False),
        Column("curie", String(120), nullable=False),
        Column("label", String(300)),
        Column("source", Text, nullable=False),
        Column("match", enum(v.IDENTIFIER_MATCHES, "match"), nullable=False),
        *extra,
        Column("note", Text),
        UniqueConstraint(f"{owner}_id", "curie"),
        CheckConstraint(allowed, name="curie_prefix"),
        CheckConstraint("length(source) > 0", name="source_given"),
        comment=f"Identifiers of {what} in other resources, each with where it was seen.",
    )


cell_source_identifier = _identifier_table(
    "cell_source", what="cell sources (CL, UBERON, EFO, CLO)"
)
species_identifier = _identifier_table("species", what="species (NCBI Taxonomy)")
molecule_identifier = _identifier_table(
    "molecule",
    foreign_key("species_id", "species.id", nullable=True),
    what="molecules (ChEBI, miRBase, HGNC, NCBI Gene)",
)
pathway_identifier = _identifier_table("pathway", what="signalling pathways (KEGG, Reactome)")
mechanism_identifier = _identifier_table("mechanism", what="mechanisms (GO biological process)")
