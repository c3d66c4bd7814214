"""Controlled vocabularies: the enumerations stored in the database, and name folding.

Enumerations are plain tuples so that models, the seed loader, the CLI's choices and the tests
share one definition. Ordinal enumerations are listed from lowest to highest; their position is
their rank, which is what makes "at least relatively high" a comparison.
"""

from __future__ import annotations

import re
import unicodedata

# Table 1's ordinal attributes (lowest first).
ACQUISITION = ("easy", "relatively_easy", "moderate", "difficult")
EXPANSION = ("limited", "moderate", "high")
IMMUNOGENICITY = ("low", "moderate", "high")
CLINICAL_POTENTIAL = ("moderate", "relatively_high", "high")

ORDINALS: dict[str, tuple[str, ...]] = {
    "acquisition": ACQUISITION,
    "expansion": EXPANSION,
    "immunogenicity": IMMUNOGENICITY,
    "clinical_potential": CLINICAL_POTENTIAL,
}

MECHANISM_KEYS = (
    "neuroprotection",
    "axon_regeneration",
    "immune_regulation",
    "angiogenesis_bscb",
    "ecm_regulation",
)

CELL_SOURCE_CATEGORIES = (
    "stem_cell",
    "progenitor_cell",
    "neural_cell",
    "glial_cell",
    "immune_cell",
    "endothelial_cell",
    "body_fluid",
    "tissue",
    "group",
    "unspecified",
)

MOLECULE_KINDS = (
    "mirna",
    "protein",
    "protein_family",
    "gene",
    "sirna",
    "drug",
    "natural_product",
    "marker",
    "lipid",
    "nucleic_acid",
    "metabolite",
    "peptide",
    "process",
)

MATERIAL_CATEGORIES = ("hydrogel", "scaffold", "nanomaterial", "physical_therapy")
COMPONENT_CLASSES = ("protein", "lipid", "nucleic_acid")
STUDY_DESIGNS = ("in_vivo", "in_vitro", "clinical", "mixed", "not_stated")
STUDY_THEMES = ("biomaterial_combination", "nanocarrier", "clinical")
MOLECULE_ROLES = ("cargo", "loaded", "co_administered", "agent")
# "regulates": the review names the target but not the direction.
INTERACTION_EFFECTS = ("inhibits", "activates", "regulates")
PATHWAY_EFFECTS = ("activates", "inhibits", "modulates")
MODIFICATION_KINDS = (
    "hypoxic_preconditioning",
    "gene_overexpression",
    "donor_gene_deletion",
    "surface_peptide",
    "drug_loading",
    "nucleic_acid_loading",
)
OUTCOME_DIRECTIONS = ("increase", "decrease", "no_change")
CHECK_STATUSES = ("confirmed", "title_only", "number_inferred")
CURATION_KINDS = (
    "typo",
    "inconsistency",
    "garbled_text",
    "duplicated_cell",
    "contradicts_source",
    "coding_choice",
)

# Greek letters and their spelled-out names fold to one Latin letter, so "NF-κB", "NF-kB" and
# "NF-kappaB" meet, as do "TNF-α" and "TNF-alpha". Short names (mu, tau, nu, pi) are left alone:
# they occur inside ordinary words and protein names (Tau).
_GREEK = {
    "α": "a",
    "β": "b",
    "γ": "g",
    "δ": "d",
    "ε": "e",
    "κ": "k",
    "λ": "l",
    "σ": "s",
    "ω": "o",
}
_SPELLED_GREEK = re.compile(r"alpha|beta|gamma|delta|epsilon|kappa|lambda|sigma|omega")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(name: str) -> str:
    """Fold a name to the form used for look-ups.

    Case, Greek letters, hyphens, spaces and other punctuation do not matter, so the ASCII
    spellings people type find the names the review prints.

    >>> fold("NF-κB") == fold("NF-kB") == fold("NFKB") == fold("NF-kappaB")
    True
    >>> fold("TNF-α") == fold("TNF-alpha")
    True
    """
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(_GREEK.get(ch, ch) for ch in text)
    text = _SPELLED_GREEK.sub(lambda m: m.group(0)[0], text)
    return _NOT_ALNUM.sub("", text)


def rank(ordinal: str, value: str) -> int:
    """Position of ``value`` in the ordinal enumeration named ``ordinal`` (0 = lowest)."""
    return ORDINALS[ordinal].index(value)
