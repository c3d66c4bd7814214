"""Exports for other tools, read with SQLAlchemy Core:

- :mod:`~exodb.exports.bibliography`: the checked references as BibTeX, RIS or CSL-JSON;
- :mod:`~exodb.exports.network`: the evidence network as GraphML, DOT or JSON, for Cytoscape
  and Gephi.

Every export is importable from here.
"""

from exodb.exports.bibliography import (
    REFERENCE_FORMATS,
    REVIEW,
    BibRecord,
    bibliography,
    export_references,
    to_bibtex,
    to_csl_json,
    to_ris,
)
from exodb.exports.crosswalk import CROSSWALK_FORMATS, export_crosswalk
from exodb.exports.network import (
    NETWORK_FORMATS,
    Network,
    evidence_network,
    export_network,
    to_dot,
    to_graphml,
    to_network_json,
)

__all__ = [
    "CROSSWALK_FORMATS",
    "NETWORK_FORMATS",
    "REFERENCE_FORMATS",
    "REVIEW",
    "BibRecord",
    "Network",
    "bibliography",
    "evidence_network",
    "export_crosswalk",
    "export_network",
    "export_references",
    "to_bibtex",
    "to_csl_json",
    "to_dot",
    "to_graphml",
    "to_network_json",
    "to_ris",
]
