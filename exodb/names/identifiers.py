"""Identifiers that link exodb's names to other resources, as CURIEs (``CL:0000134``,
``mirbase.mature:MIMAT0000076``): which prefixes exodb records, each one's local-ID pattern
and IRI template, and the parsing, checking and expansion of a CURIE a user or a curator writes.

The patterns and IRI templates are bioregistry's (version :data:`BIOREGISTRY_VERSION`, whose
prefixes are matched case-insensitively); tests/test_identifiers.py checks them against the
installed bioregistry, so the two cannot drift apart unnoticed. exodb writes each prefix in the
spelling the resource itself uses (``NCBITaxon``, ``HGNC``), which is :attr:`Prefix.name`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BIOREGISTRY_VERSION = "0.15.6"


@dataclass(frozen=True)
class Prefix:
    name: str  # as exodb writes it
    registry: str  # bioregistry's own prefix
    title: str
    pattern: str  # of the local ID
    uri_format: str  # $1 stands for the local ID
    kinds: tuple[str, ...]  # the exodb entities it may identify


PREFIXES = (
    Prefix("CL", "cl", "Cell Ontology", r"^\d{7}$", "http://purl.obolibrary.org/obo/CL_$1",
           ("cell_source",)),
    Prefix("UBERON", "uberon", "Uber Anatomy Ontology", r"^\d+$",
           "http://purl.obolibrary.org/obo/UBERON_$1", ("cell_source",)),
    Prefix("EFO", "efo", "Experimental Factor Ontology", r"^\d{7}$",
           "http://www.ebi.ac.uk/efo/EFO_$1", ("cell_source",)),
    Prefix("CLO", "clo", "Cell Line Ontology", r"^\d{7}$", "http://purl.obolibrary.org/obo/CLO_$1",
           ("cell_source",)),
    Prefix("NCBITaxon", "ncbitaxon", "NCBI Taxonomy", r"^(\d+)|([a-zA-Z_]+)$",
           "http://purl.obolibrary.org/obo/NCBITaxon_$1", ("species",)),
    Prefix("CHEBI", "chebi", "Chemical Entities of Biological Interest", r"^\d+$",
           "http://purl.obolibrary.org/obo/CHEBI_$1", ("molecule",)),
    Prefix("mirbase.mature", "mirbase.mature", "miRBase mature miRNA", r"^MIMAT\d{7}$",
           "http://mirbase.org/cgi-bin/mature.pl?mature_acc=$1", ("molecule",)),
    Prefix("HGNC", "hgnc", "HUGO Gene Nomenclature Committee", r"^\d{1,5}$",
           "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/$1", ("molecule",)),
    Prefix("NCBIGene", "ncbigene", "NCBI Gene", r"^\d+$", "https://www.ncbi.nlm.nih.gov/gene/$1",
           ("molecule",)),
    Prefix("kegg.pathway", "kegg.pathway", "KEGG pathway", r"^\w{2,4}\d{5}$",
           "https://www.kegg.jp/pathway/$1", ("pathway",)),
    Prefix("reactome", "reactome", "Reactome", r"^R-[A-Z]{3}-\d+(-\d+)?(\.\d+)?$",
           "https://reactome.org/content/detail/$1", ("pathway",)),
    Prefix("GO", "go", "Gene Ontology", r"^\d{7}$", "http://purl.obolibrary.org/obo/GO_$1",
           ("mechanism",)),
)  # fmt: skip
BY_NAME = {p.name.casefold(): p for p in PREFIXES}
ENTITIES = ("cell_source", "species", "molecule", "pathway", "mechanism")
# A bare miRBase accession (MIMAT0000076) is a CURIE without its prefix: it names one thing.
_BARE_MIRBASE = re.compile(r"^MIMAT\d{7}$")


class BadCurie(ValueError):
    """Text that is not a CURIE of a prefix exodb records, or whose local ID has the wrong form."""


def split_curie(text: str) -> tuple[Prefix, str] | None:
    """(prefix, local ID) of ``text`` if it is written as a CURIE exodb knows (``CL:0000134``,
    ``ncbitaxon:10116``, or a bare ``MIMAT0000076``), else None. The local ID is not checked."""
    text = text.strip()
    if _BARE_MIRBASE.match(text):
        return BY_NAME["mirbase.mature"], text
    head, colon, local = text.partition(":")
    if not colon:
        return None
    prefix = BY_NAME.get(head.casefold())
    return (prefix, local) if prefix else None


def parse_curie(text: str) -> tuple[Prefix, str]:
    """(prefix, local ID) of a CURIE, checked against the prefix's pattern, or BadCurie."""
    found = split_curie(text)
    if found is None:
        known = ", ".join(p.name for p in PREFIXES)
        raise BadCurie(f"'{text}' is not a CURIE of a known prefix ({known})")
    prefix, local = found
    if not re.match(prefix.pattern, local):
        raise BadCurie(f"'{local}' is not a {prefix.title} identifier (pattern {prefix.pattern})")
    return prefix, local


def normal_curie(text: str) -> str:
    """``text`` as exodb writes it: the resource's own prefix spelling, then the local ID."""
    prefix, local = parse_curie(text)
    return f"{prefix.name}:{local}"


def iri(curie: str) -> str:
    """The IRI of a CURIE (``CL:0000134`` -> http://purl.obolibrary.org/obo/CL_0000134)."""
    prefix, local = parse_curie(curie)
    return prefix.uri_format.replace("$1", local)
