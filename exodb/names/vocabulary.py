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

# --- a primary study as a systematic reviewer extracts it -------------------------------------
ANIMAL_SEXES = ("male", "female", "mixed")
INJURY_MODELS = (
    "contusion",
    "compression",
    "crush",
    "transection",
    "hemisection",
    "distraction",
    "dislocation",
    "ischemia",
    "other",
)
# As the paper grades its own injury; no grading is inferred from forces or heights.
INJURY_SEVERITIES = ("mild", "moderate", "severe")
# How an identifier's record matches the exodb row it is given to: its label is the row's name,
# or one of the row's names is the record's synonym, or the record is a broader or only an
# approximate term (a curator's judgement, said in the note).
IDENTIFIER_MATCHES = ("exact", "synonym", "broader", "approximate")
# ug: micrograms of EV protein; particles: a particle count; ul: a volume of suspension.
DOSE_UNITS = ("ug", "ug_per_kg", "particles", "particles_per_kg", "ul", "mg_per_kg")
ARM_ROLES = ("treatment", "control")
CONTROL_KINDS = ("vehicle", "sham", "untreated", "other_preparation")
CENTRAL_KINDS = ("mean", "median")
# sd and sem are one number (dispersion); ci95, iqr and range are two (lower, upper).
DISPERSION_KINDS = ("sd", "sem", "ci95", "iqr", "range")
SPREAD_KINDS = ("sd", "sem")
INTERVAL_KINDS = ("ci95", "iqr", "range")
# MISEV's three kinds of EV marker: transmembrane or GPI-anchored, cytosolic, and the non-EV
# (co-isolated or contaminant) proteins a preparation should be shown to lack.
MARKER_CATEGORIES = ("transmembrane", "cytosolic", "non_ev")
BIAS_TOOLS = ("syrcle", "camarades")
# SYRCLE's judgements are risks; the CAMARADES checklist asks whether an item was reported.
BIAS_JUDGEMENTS = {"syrcle": ("low", "high", "unclear"), "camarades": ("yes", "no")}
ALL_BIAS_JUDGEMENTS = ("low", "high", "unclear", "yes", "no")
BIAS_TYPES = ("selection", "performance", "detection", "attrition", "reporting", "other")

# Each Greek letter folds to its own Latin letter, as the Symbol font encodes it (α a, β b,
# θ q, ψ y, ω w, ...): "NF-κB", "NF-kB" and "NF-kappaB" meet, as do "TNF-α" and "TNF-alpha", and
# no two Greek letters collide ("PKCθ" is not "PKC", nor "PKCτ"). The micro sign is μ.
GREEK_LETTERS = {
    "α": ("a", "alpha"),
    "β": ("b", "beta"),
    "γ": ("g", "gamma"),
    "δ": ("d", "delta"),
    "ε": ("e", "epsilon"),
    "ζ": ("z", "zeta"),
    "η": ("h", "eta"),
    "θ": ("q", "theta"),
    "ι": ("i", "iota"),
    "κ": ("k", "kappa"),
    "λ": ("l", "lambda"),
    "μ": ("m", "mu"),
    "ν": ("n", "nu"),
    "ξ": ("x", "xi"),
    "ο": ("o", "omicron"),
    "π": ("p", "pi"),
    "ρ": ("r", "rho"),
    "σ": ("s", "sigma"),
    "τ": ("t", "tau"),
    "υ": ("u", "upsilon"),
    "φ": ("f", "phi"),
    "χ": ("c", "chi"),
    "ψ": ("y", "psi"),
    "ω": ("w", "omega"),
}
# Variant forms: final sigma and the symbol forms of theta, phi, pi, rho, kappa and epsilon.
_VARIANTS = {"ς": "σ", "ϑ": "θ", "ϕ": "φ", "ϖ": "π", "ϱ": "ρ", "ϰ": "κ", "ϵ": "ε"}
_LATIN = {ord(g): latin for g, (latin, _) in GREEK_LETTERS.items()}
_LATIN |= {ord(v): GREEK_LETTERS[g][0] for v, g in _VARIANTS.items()}
_SPELLED = {ord(g): name for g, (_, name) in GREEK_LETTERS.items()}
_SPELLED |= {ord(v): GREEK_LETTERS[g][1] for v, g in _VARIANTS.items()}
# Spelled-out names fold to their letter too. The short ones (mu, nu, xi, pi, rho, tau, phi,
# chi, psi, eta, and the four letters of zeta and iota) are left alone: they occur inside
# ordinary words and protein names (Tau, microbiota).
_SPELLED_GREEK = re.compile(
    "alpha|beta|gamma|delta|epsilon|theta|kappa|lambda|omicron|sigma|upsilon|omega"
)
_SPELLED_LETTER = {name: latin for latin, name in GREEK_LETTERS.values()}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
# What text pasted from papers and PDFs carries in place of a hyphen or a space: every dash
# and the minus sign, and characters that print as nothing (NFKC turns the other Unicode
# spaces into plain ones).
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\ufe58\ufe63\uff0d"), "-"
)
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)


# The ASCII characters str.isspace() counts as spaces. ASCII text needs no normalization, and
# most text is ASCII: this path spares loads and searches the Unicode work.
_ASCII_SPACES = dict.fromkeys(map(ord, "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"), " ")


def normalize_text(text: str) -> str:
    """``text`` with compatibility forms, dashes and Unicode spaces written the plain way.

    >>> normalize_text("miR\u201321\u00a0and\u2009TNF\u2212\u03b1")
    'miR-21 and TNF-α'
    """
    if text.isascii():
        return text.translate(_ASCII_SPACES)
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_INVISIBLE)
    return "".join(" " if ch.isspace() else ch for ch in text)


def _plain(text: str) -> str:
    # Accents go (naïve -> naive); Greek letters stay for the caller to spell or transliterate.
    if text.isascii():
        return text.translate(_ASCII_SPACES).lower()
    decomposed = unicodedata.normalize("NFKD", normalize_text(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def transliterate(word: str) -> str:
    """A word in lower-case ASCII letters and digits, each Greek letter its Latin letter.

    >>> transliterate("κB"), transliterate("Naïve")
    ('kb', 'naive')
    """
    return _NOT_ALNUM.sub("", _plain(word).translate(_LATIN))


def spell_out(word: str) -> str:
    """A word in lower-case ASCII letters and digits, each Greek letter spelled out.

    >>> spell_out("κB")
    'kappab'
    """
    return _NOT_ALNUM.sub("", _plain(word).translate(_SPELLED))


def fold(name: str) -> str:
    """Fold a name to the form used for look-ups.

    Case, accents, Greek letters, hyphens and dashes, spaces and other punctuation do not
    matter, so the ASCII spellings people type find the names the review prints, and so does
    text pasted from a PDF.

    >>> fold("NF-κB") == fold("NF-kB") == fold("NFKB") == fold("NF-kappaB")
    True
    >>> fold("TNF-α") == fold("TNF-alpha")
    True
    >>> fold("PKCθ") == fold("PKC-theta") != fold("PKC")
    True
    >>> fold("10 µg") == fold("10 μg")
    True
    """
    text = _plain(name).translate(_LATIN)
    text = _SPELLED_GREEK.sub(lambda m: _SPELLED_LETTER[m.group(0)], text)
    return _NOT_ALNUM.sub("", text)


def rank(ordinal: str, value: str) -> int:
    """Position of ``value`` in the ordinal enumeration named ``ordinal`` (0 = lowest)."""
    return ORDINALS[ordinal].index(value)
