"""The comment of every column: PostgreSQL keeps them in its catalogue and `exodb schema`
prints them. Columns that mean the same everywhere get theirs from _GENERIC; the rest are
listed by ``table.column`` in _SPECIFIC.
"""

from __future__ import annotations

from sqlalchemy import MetaData

_GENERIC = {
    "id": "Surrogate key; stable only within one load, so join on it but cite natural keys.",
    "key": "Natural key, unique: the identifier used in seeds/ and on the command line.",
    "name": "Name for people to read.",
    "note": "Curator's note, in exodb's own words.",
    "section_id": "Where the review states this: a section, table or figure (section.id).",
    "reference_id": "The review's reference number cited for this (reference.id).",
    "parent_id": "The broader entry this one belongs under (same table), or NULL at the top.",
    "position": "Order in the review's table or cell, from 1.",
    "folded": "The name folded for look-up (case, Greek letters, punctuation); unique.",
    "is_alias": "True for curated aliases; false for the key, name or abbreviation.",
    "group_position": "Number of the group within the Table 2 cell.",
    "group_name": "Heading of the group as Table 2 prints it.",
    "study_id": "The study this row belongs to (study.id).",
    "molecule_id": "The molecule (molecule.id).",
    "pathway_id": "The pathway (pathway.id).",
    "mechanism_id": "The mechanism category (mechanism.id).",
    "species_id": "The species (species.id).",
    "cell_source_id": "The exosome source (cell_source.id).",
    "route_id": "The administration route (route.id).",
    "material_id": "The material or co-therapy (material.id).",
    "disease_id": "The disease (disease.id).",
    "delivery_system_id": "The nano-delivery system (delivery_system.id).",
    "cell_source_profile_id": "The Table 1 profile (cell_source_profile.id).",
    "exosome_component_id": "The exosome component (exosome_component.id).",
    "epidemiology_id": "The epidemiology row (epidemiology.id).",
    "summary": "One or two sentences in exodb's words.",
    "design": "Study design: in_vivo, in_vitro, clinical, mixed, or not_stated.",
    "value": "The number the review gives; NULL where it gives none.",
    "unit": "Unit of value (%, fold, per million people); required with a value.",
    "effect": "Direction the review states for this link.",
    "advantages": "Advantages, paraphrased.",
    "disadvantages": "Disadvantages, paraphrased.",
    "category": "Kind of entry (a fixed vocabulary, enforced by a CHECK constraint).",
    "kind": "Kind of entry (a fixed vocabulary, enforced by a CHECK constraint).",
    "measure": "What is measured.",
}

_SPECIFIC = {
    "section.title": "Heading as the review gives it.",
    "reference.number": "The review's in-text reference number.",
    "reference.first_author": "First author's surname, as the review's text or a checked record "
    "names it.",
    "reference.year": "Publication year, only from a checked record.",
    "reference.title": "Title, only from a checked record.",
    "reference.journal": "Journal, only from a checked record.",
    "reference.doi": "DOI, only from a checked record.",
    "reference.pmid": "PubMed id, only from a checked record.",
    "reference.check_status": "confirmed, title_only or number_inferred; NULL when unchecked.",
    "reference.checked_at": "Where the bibliographic fields were seen (URL).",
    "species.is_primate": "True for primates, human included.",
    "cell_source.abbreviation": "Common abbreviation (UC-MSC).",
    "molecule.full_name": "Name spelled out.",
    "molecule.mirna_stem": "miRNA names: mir or let.",
    "molecule.mirna_family": "miRNA names: the family number (21 in miR-21a-3p).",
    "molecule.mirna_letter": "miRNA names: the letter (a in miR-21a-3p).",
    "molecule.mirna_paralog": "miRNA names: the paralog number (1 in miR-199a-1).",
    "molecule.mirna_arm": "miRNA names: the arm (3p in miR-21a-3p).",
    "pathway.key": "The axis as the review writes it, nodes separated by /.",
    "pathway_node.position": "Place of the node in the axis, from 1.",
    "mechanism.key": "One of neuroprotection, axon_regeneration, immune_regulation, "
    "angiogenesis_bscb, ecm_regulation.",
    "mechanism_function.description": "The core function, paraphrased.",
    "cell_source_profile.main_functions": "Main functions / research directions (paraphrase).",
    "cell_source_profile.acquisition": "Ease of obtaining the source: easy < relatively_easy < "
    "moderate < difficult.",
    "cell_source_profile.acquisition_note": "Where the cells come from and how (paraphrase).",
    "cell_source_profile.expansion": "In-vitro preparation and expansion: limited < moderate < "
    "high.",
    "cell_source_profile.expansion_note": "Table 1's wording on preparation, paraphrased.",
    "cell_source_profile.immunogenicity": "low < moderate < high.",
    "cell_source_profile.immunogenicity_note": "The reason Table 1 gives, paraphrased.",
    "cell_source_profile.limitations": "Main limitations, paraphrased.",
    "cell_source_profile.clinical_potential": "Clinical translation potential: moderate < "
    "relatively_high < high.",
    "cell_source_profile.clinical_potential_note": "Table 1's qualifier, paraphrased.",
    "delivery_system_payload.payload": "A type of loaded drug, paraphrased.",
    "exosome_component.component_class": "protein, lipid or nucleic_acid.",
    "exosome_component.is_marker": "True where the review names it as an exosome marker.",
    "clinical_trial.registry_id": "Trial registration number.",
    "clinical_trial.registry": "Registry that holds the registration.",
    "clinical_trial.phase": "Trial phase as the review states it.",
    "clinical_trial.population": "Patients as the review describes them.",
    "epidemiology.condition": "What the figure is about (traumatic SCI, ...).",
    "epidemiology.region": "Region the figure or observation concerns.",
    "curation_note.subject": "What the note concerns, as file:key (cell_sources:uc_msc).",
    "curation_note.review_text": "The few words of the review in question, quoted.",
    "curation_note.problem": "What is wrong, and how exodb records it.",
    "curation_note.source": "Where the contradicting reading was seen (URL).",
    "study.first_author": "First author as the review's text names it.",
    "study.exosome_based": "False for findings the review proposes to combine with exosomes.",
    "study.theme": "biomaterial_combination, nanocarrier or clinical (sections 4 and 5).",
    "study_molecule.role": "cargo, loaded, co_administered or agent.",
    "study_interaction.regulator_id": "The regulating molecule (molecule.id).",
    "study_interaction.target_id": "The molecule acted on (molecule.id).",
    "study_model.model": "Injury model as the review describes it.",
    "study_modification.kind": "How the exosomes or their donor cells were modified.",
    "outcome.direction": "increase, decrease or no_change.",
    "outcome.relative_to": "What the value is relative to (normal level, natural secretion).",
    "search_document.entity": "Kind of entity the text belongs to (study, molecule, ...).",
    "search_document.key": "Natural key of that entity.",
    "search_document.ref": "Reference number the entity cites, where it has one.",
    "search_document.field": "Which field the text comes from.",
    "search_document.text": "The searchable text.",
    "search_document.terms": "The words the text is filed under for search (names folded).",
    "cell_source_alias.alias": "An alias as the curator wrote it.",
    "molecule_alias.alias": "An alias as the curator wrote it.",
    "material_alias.alias": "An alias as the curator wrote it.",
    "import_log.imported_at": "When the import was committed (UTC).",
    "import_log.source": "The file or folder imported.",
    "import_log.files": "The seed files it contained, ';'-separated.",
    "import_log.rows": "Rows it added.",
    "import_log.digest": "SHA-256 over the names and bytes of the files imported, in seed order.",
    "data_version.id": "Always 1: the table has one row.",
    "data_version.generation": "Increased by one in every load's transaction.",
    "report_cache.digest": "SHA-256 of the report's name, options and exodb version.",
    "report_cache.generation": "data_version.generation of the data it was computed from.",
    "report_cache.report": "Which report (evidence-matrix, convergence).",
    "report_cache.options": "The options it was computed with, as JSON.",
    "report_cache.exodb_version": "The exodb version that computed it.",
    "report_cache.computed_at": "When it was computed (UTC).",
    "report_cache.payload": "The report itself, as JSON.",
}


def comment_columns(metadata: MetaData) -> None:
    """Give every column of ``metadata`` its comment (None for a column neither list names)."""
    for table in metadata.tables.values():
        for column in table.columns:
            column.comment = _SPECIFIC.get(f"{table.name}.{column.name}") or _GENERIC.get(
                column.name
            )
