"""Cargo and miRNA-target evidence by the identifiers other exosome and miRNA databases use, in
the shape of their downloads, so that exodb's evidence can be joined with theirs:

- ``exocarta``: one row per study and cargo gene, in the columns of ExoCarta's protein/mRNA
  download, read in this order by pypath (``saezlab/pypath``, ``pypath/inputs/exocarta.py``):
  content ID, content type, Entrez gene ID, gene symbol, species, experiment ID. The content
  ID is exodb's row number and the experiment ID the exodb study key.
- ``mirtarbase``: one row per study and miRNA -> target interaction, in the nine columns of
  miRTarBase's download (``miRTarBase ID``, ``miRNA``, ``Species (miRNA)``, ``Target Gene``,
  ``Target Gene (Entrez ID)``, ``Species (Target Gene)``, ``Experiments``, ``Support Type``,
  ``References (PMID)``), as code that reads that file names them. The ID is ``exodb:`` and the
  study key; the support type says the interaction is the review's report, not an experiment
  exodb checked.

Both are tab-separated. Identifiers come only from the curated identifier tables; a molecule
without one is left out of the cross-walk (it has no key to join on) and counted in no row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.schema import tables as t

CROSSWALK_FORMATS = ("exocarta", "mirtarbase")
EXOCARTA_COLUMNS = (
    "CONTENT ID",
    "CONTENT TYPE",
    "ENTREZ GENE ID",
    "GENE SYMBOL",
    "SPECIES",
    "EXPERIMENT ID",
)
MIRTARBASE_COLUMNS = (
    "miRTarBase ID",
    "miRNA",
    "Species (miRNA)",
    "Target Gene",
    "Target Gene (Entrez ID)",
    "Species (Target Gene)",
    "Experiments",
    "Support Type",
    "References (PMID)",
)
SUPPORT = "reported by the source review (exodb)"
HUMAN = "Homo sapiens"


def _tsv(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> str:
    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")

    lines = ["\t".join(header)] + ["\t".join(cell(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def _genes(session: Session) -> dict[str, dict[str, str]]:
    """molecule key -> its human gene's symbol and Entrez ID (from HGNC and NCBI Gene rows)."""
    ident, molecule = t.molecule_identifier, t.molecule
    stmt = (
        select(molecule.c.key, ident.c.curie, ident.c.label)
        .join(molecule, molecule.c.id == ident.c.molecule_id)
        .where(ident.c.species_id.is_(None))
        .order_by(molecule.c.key, ident.c.curie)
    )
    genes: dict[str, dict[str, str]] = {}
    for key, curie, label in session.execute(stmt):
        prefix, _, local = curie.partition(":")
        gene = genes.setdefault(key, {})
        if prefix == "HGNC" and label:
            gene.setdefault("symbol", label.split(":")[0].strip())
        elif prefix == "NCBIGene":
            gene["entrez"] = local
            if label:  # the current symbol, where the HGNC record seen had an older one
                gene["symbol"] = label
    return {key: gene for key, gene in genes.items() if gene}


def _mirnas(session: Session) -> dict[str, dict[str | None, str]]:
    """miRNA key -> species key (None: human) -> the mature name on its miRBase record."""
    ident, molecule, species = t.molecule_identifier, t.molecule, t.species
    stmt = (
        select(molecule.c.key, species.c.key, ident.c.label)
        .join(molecule, molecule.c.id == ident.c.molecule_id)
        .outerjoin(species, species.c.id == ident.c.species_id)
        .where(ident.c.curie.like("mirbase.mature:%"))
        .order_by(molecule.c.key, ident.c.curie)
    )
    found: dict[str, dict[str | None, str]] = {}
    for key, species_key, label in session.execute(stmt):
        found.setdefault(key, {}).setdefault(species_key, label or key)
    return found


def _taxon_names(session: Session) -> dict[str, str]:
    """species key -> the scientific name on its NCBI Taxonomy record."""
    ident, species = t.species_identifier, t.species
    stmt = select(species.c.key, ident.c.label).join(species, species.c.id == ident.c.species_id)
    return {key: label for key, label in session.execute(stmt) if label}


def exocarta(session: Session, **filters: Any) -> str:
    """The cargo genes of the studies passing ``filters``, in ExoCarta's protein columns."""
    genes, taxa = _genes(session), _taxon_names(session)
    rows = []
    for study in queries.study_details_by_id(session, queries.study_ids(session, **filters)):
        species = " | ".join(taxa.get(m["species"], m["species"]) for m in study.models)
        for cargo in study.cargo:
            gene = genes.get(cargo["molecule"])
            if gene is None or cargo["role"] not in ("cargo", "loaded"):
                continue
            rows.append(
                ["protein", gene.get("entrez"), gene.get("symbol"), species or None, study.key]
            )
    rows.sort(key=lambda r: (r[4], r[2] or ""))
    return _tsv(EXOCARTA_COLUMNS, ([n, *r] for n, r in enumerate(rows, start=1)))


def mirtarbase(session: Session, **filters: Any) -> str:
    """The miRNA -> target interactions of the studies passing ``filters``, in miRTarBase's
    columns: the miRNA named as on its miRBase record (the study species' form where one is
    curated, else the human one), the target by HGNC symbol and Entrez ID."""
    genes, mirnas, taxa = _genes(session), _mirnas(session), _taxon_names(session)
    rows = []
    for study in queries.study_details_by_id(session, queries.study_ids(session, **filters)):
        species_keys = [m["species"] for m in study.models]
        pmid = (study.reference or {}).get("pmid") or study.pmid
        for interaction in study.interactions:
            forms = mirnas.get(interaction["regulator"])
            gene = genes.get(interaction["target"])
            if not forms or gene is None:
                continue
            # The study species' form where one is curated, else the human one, else the only
            # one there is (a miRNA only mice have).
            form_species = next((s for s in species_keys if s in forms), None)
            if form_species is None and None not in forms:
                form_species = next(iter(forms))
            name = forms[form_species]
            mirna_species = taxa.get(form_species, form_species) if form_species else HUMAN
            target_species = " | ".join(taxa.get(s, s) for s in species_keys) or None
            rows.append(
                [
                    f"exodb:{study.key}",
                    name,
                    mirna_species,
                    gene.get("symbol"),
                    gene.get("entrez"),
                    target_species,
                    None,
                    SUPPORT,
                    pmid,
                ]
            )
    rows.sort(key=lambda r: (r[0], r[1], r[3] or ""))
    return _tsv(MIRTARBASE_COLUMNS, rows)


def export_crosswalk(session: Session, fmt: str, **filters: Any) -> str:
    if fmt not in CROSSWALK_FORMATS:
        raise ValueError(
            f"unknown cross-walk format '{fmt}'; choose {', '.join(CROSSWALK_FORMATS)}"
        )
    return (exocarta if fmt == "exocarta" else mirtarbase)(session, **filters)
