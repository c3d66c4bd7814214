"""The exodb schema, defined once: SQLAlchemy Core tables on one MetaData.

Every table is a module-level name equal to its SQL name (``tables.study``,
``tables.study_molecule``, ``tables.cell_source_alias``); ``metadata`` holds them all. The
ORM classes of :mod:`exodb.schema.models` are mapped onto these same tables and add nothing to
the schema; Alembic compares the database with this ``metadata``.

Why Core: the read paths (queries, reports, exports) select from these tables directly, so a
query command imports only this package. Importing the models would also build the declarative
classes and configure their mappers, some 200 ms before the first row is read; the writers
(loader, import, curation) that want objects pay for them.

Integrity lives in the database: foreign keys, unique natural keys, CHECK constraints for every
enumeration and NOT NULL for what a fact cannot lack. Every constraint and index is named
through one naming convention (:data:`NAMING_CONVENTION`), so that Alembic can alter them on
SQLite (batch mode) and PostgreSQL alike. Tables and columns carry comments, which PostgreSQL
keeps and ``exodb schema`` prints.

The definitions live in modules by concern: ``_review`` (the review's sections, references,
vocabularies and tables), ``_studies`` (studies and their links), ``_extraction`` (a study as
a systematic reviewer extracts it: animals, EV preparations, arms, measurements, risk of
bias), ``_identifiers`` (identifiers of other resources, each with its source),
``_bookkeeping`` (search index, import log, data generation, kept reports), ``_comments``
(column comments).
"""

from __future__ import annotations

from exodb.schema.tables._comments import comment_columns
from exodb.schema.tables._common import NAMING_CONVENTION, metadata

# The tables join the metadata in the order of these imports (the review's, the studies', exodb's
# own), which is the order of metadata.tables.
# isort: off
from exodb.schema.tables._review import (
    cell_source,
    cell_source_alias,
    cell_source_name,
    cell_source_profile,
    cell_source_profile_reference,
    clinical_trial,
    curation_note,
    delivery_system,
    delivery_system_indication,
    delivery_system_payload,
    delivery_system_reference,
    disease,
    epidemiology,
    epidemiology_reference,
    exosome_component,
    exosome_component_reference,
    material,
    material_alias,
    material_name,
    material_reference,
    mechanism,
    mechanism_function,
    mechanism_molecule,
    mechanism_pathway,
    molecule,
    molecule_alias,
    molecule_name,
    pathway,
    pathway_node,
    reference,
    route,
    section,
    species,
)
from exodb.schema.tables._studies import (
    outcome,
    study,
    study_interaction,
    study_material,
    study_mechanism,
    study_model,
    study_modification,
    study_molecule,
    study_pathway,
)
from exodb.schema.tables._extraction import (
    animal_model,
    arm,
    bias_domain,
    ev_marker,
    ev_preparation,
    ev_preparation_exemption,
    ev_preparation_separation,
    outcome_measurement,
    outcome_scale,
    outcome_scale_alias,
    outcome_scale_name,
    risk_of_bias,
    separation_method,
    separation_method_alias,
    separation_method_name,
)
from exodb.schema.tables._identifiers import (
    cell_source_identifier,
    mechanism_identifier,
    molecule_identifier,
    pathway_identifier,
    species_identifier,
)
from exodb.schema.tables._bookkeeping import data_version, import_log, report_cache, search_document

# isort: on

comment_columns(metadata)

__all__ = [
    "NAMING_CONVENTION",
    "metadata",
    # the tables, each by its SQL name
    "animal_model",
    "arm",
    "bias_domain",
    "cell_source",
    "cell_source_alias",
    "cell_source_identifier",
    "cell_source_name",
    "cell_source_profile",
    "cell_source_profile_reference",
    "clinical_trial",
    "curation_note",
    "data_version",
    "delivery_system",
    "delivery_system_indication",
    "delivery_system_payload",
    "delivery_system_reference",
    "disease",
    "epidemiology",
    "epidemiology_reference",
    "ev_marker",
    "ev_preparation",
    "ev_preparation_exemption",
    "ev_preparation_separation",
    "exosome_component",
    "exosome_component_reference",
    "import_log",
    "material",
    "material_alias",
    "material_name",
    "material_reference",
    "mechanism",
    "mechanism_function",
    "mechanism_identifier",
    "mechanism_molecule",
    "mechanism_pathway",
    "molecule",
    "molecule_alias",
    "molecule_identifier",
    "molecule_name",
    "outcome",
    "outcome_measurement",
    "outcome_scale",
    "outcome_scale_alias",
    "outcome_scale_name",
    "pathway",
    "pathway_identifier",
    "pathway_node",
    "reference",
    "report_cache",
    "risk_of_bias",
    "route",
    "search_document",
    "section",
    "separation_method",
    "separation_method_alias",
    "separation_method_name",
    "species",
    "species_identifier",
    "study",
    "study_interaction",
    "study_material",
    "study_mechanism",
    "study_model",
    "study_modification",
    "study_molecule",
    "study_pathway",
]
