"""Propose ontology identifiers for exodb's cell sources, species and compounds, for a curator
to confirm: a curation aid, not part of exodb (it needs the offline ontologies of
cellxgene-ontology-guide, which exodb does not depend on).

    python -m venv /tmp/onto && /tmp/onto/bin/pip install cellxgene-ontology-guide
    /tmp/onto/bin/python scripts/propose_identifiers.py > proposals.csv

For each seed row it looks up the name, the abbreviation and every alias, exactly and then
case-folded, among the labels and the exact synonyms of the ontologies that suit the entity
(Cell Ontology, UBERON and EFO for cell sources and fluids; NCBI Taxonomy for species; ChEBI
for drugs, natural products and lipids), and prints each match with the ontology's version.
A curator copies a confirmed proposal into seeds/*_identifiers.csv, with the ontology and
version as its source; nothing here writes to the seeds.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
ONTOLOGIES = {
    "cell_source": ("CL", "UBERON", "EFO"),
    "species": ("NCBITaxon",),
    "molecule": ("CHEBI",),
}
COMPOUND_KINDS = {"drug", "natural_product", "lipid", "metabolite"}


def names(row: dict[str, str], *columns: str) -> list[str]:
    found = [row[c] for c in columns if row.get(c)]
    found += [a for a in (row.get("aliases") or "").split(";") if a]
    return list(dict.fromkeys(n.strip() for n in found if n.strip()))


def main() -> None:
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    parser = OntologyParser()
    versions = parser.cxg_schema.supported_ontologies
    index: dict[str, dict[str, set[str]]] = {}
    for ontology in {o for group in ONTOLOGIES.values() for o in group}:
        table: dict[str, set[str]] = {}
        for label, term in parser.get_term_label_to_id_map(ontology).items():
            table.setdefault(label.casefold(), set()).add(term)
        for term, synonyms in parser.map_term_synonyms(list(_terms(parser, ontology))).items():
            for synonym in synonyms or ():
                table.setdefault(synonym.casefold(), set()).add(term)
        index[ontology] = table
    rows = {
        "cell_source": (_rows("cell_sources.csv"), ("name", "abbreviation")),
        "species": (_rows("species.csv"), ("name",)),
        "molecule": (_rows("molecules.csv"), ("key", "full_name")),
    }
    out = csv.writer(sys.stdout)
    out.writerow(["entity", "key", "matched_name", "curie", "label", "ontology", "version"])
    for entity, (reader, columns) in rows.items():
        for row in reader:
            if entity == "molecule" and row["kind"] not in COMPOUND_KINDS:
                continue
            for name in names(row, *columns):
                for ontology in ONTOLOGIES[entity]:
                    for term in sorted(index[ontology].get(name.casefold(), ())):
                        label = parser.get_term_label(term)
                        version = versions[ontology]["version"]
                        out.writerow([entity, row["key"], name, term, label, ontology, version])


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _terms(parser: object, ontology: str) -> set[str]:
    return set(parser.get_term_label_to_id_map(ontology).values())


if __name__ == "__main__":
    main()
