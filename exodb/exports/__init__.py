"""Exports for other tools: bibliographies (BibTeX, RIS, CSL-JSON) and the evidence network
(GraphML, DOT, JSON) for Cytoscape and Gephi.

Bibliographic records come only from checked sources: a reference without a checked title is
left out, and every exported record says where it was checked.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.io.escape import bibtex_name, latex_escape, one_line, xml_text
from exodb.schema.models import Reference

REFERENCE_FORMATS = ("bibtex", "ris", "csl-json")
NETWORK_FORMATS = ("graphml", "dot", "json")

# The review exodb is curated from, with the citation given in seeds/README.md; it is exported
# with the references so that a manuscript can cite it too.
REVIEW = {
    "key": "cha2025exosome",
    "authors": ["Cha, Z.", "Li, Y."],
    "et_al": True,
    "year": 2025,
    "title": (
        "Exosome-mediated repair of spinal cord injury: cellular sources, mechanisms of action, "
        "and combined therapeutic strategies"
    ),
    "journal": "Frontiers in Neurology",
    "doi": "10.3389/fneur.2025.1645457",
    "note": "Source review of exodb",
}


@dataclass
class BibRecord:
    key: str
    authors: list[str]
    et_al: bool
    year: int | None
    title: str
    journal: str | None
    doi: str | None
    pmid: str | None
    note: str
    number: int | None = None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _citation_key(ref: Reference, taken: set[str]) -> str:
    """``liu2020exosome``: first author, year, first title word; ``ref46`` without an author."""
    author = re.sub(r"[^a-z]", "", _ascii(ref.first_author or "").lower())
    word = next(
        (w for w in re.findall(r"[a-z]+", _ascii(ref.title or "").lower()) if len(w) > 3), ""
    )
    base = f"{author}{ref.year or ''}{word}" if author else f"ref{ref.number}"
    key, suffix = base, ord("a")
    while key in taken:
        key = f"{base}{chr(suffix)}"
        suffix += 1
    taken.add(key)
    return key


def bibliography(session: Session) -> list[BibRecord]:
    """The review and every reference with a checked title, keyed for citation."""
    records = [
        BibRecord(
            key=REVIEW["key"],
            authors=list(REVIEW["authors"]),
            et_al=True,
            year=REVIEW["year"],
            title=REVIEW["title"],
            journal=REVIEW["journal"],
            doi=REVIEW["doi"],
            pmid=None,
            note=REVIEW["note"],
        )
    ]
    taken = {REVIEW["key"]}
    stmt = select(Reference).where(Reference.title.is_not(None)).order_by(Reference.number)
    for ref in session.scalars(stmt):
        records.append(
            BibRecord(
                key=_citation_key(ref, taken),
                authors=[ref.first_author] if ref.first_author else [],
                et_al=bool(ref.first_author),
                year=ref.year,
                title=ref.title or "",
                journal=ref.journal,
                doi=ref.doi,
                pmid=ref.pmid,
                note=(
                    f"Reference {ref.number} of the source review; record {ref.check_status}, "
                    f"checked at {ref.checked_at}"
                ),
                number=ref.number,
            )
        )
    return records


def to_bibtex(records: list[BibRecord]) -> str:
    """The records as BibTeX. Every field is written with the LaTeX tables' escaping, so a file
    stays readable to BibTeX (and biber, pybtex, reference managers) whatever the records hold:
    balanced braces, no raw special character, every character outside ASCII spelled as LaTeX."""
    entries = []
    for r in records:
        fields = []
        if r.authors:
            names = " and ".join(bibtex_name(a) for a in r.authors)
            fields.append(("author", names + (" and others" if r.et_al else "")))
        # Double braces keep the title's capitals (NF-κB, PI3K) from a style's lowercasing.
        fields.append(("title", "{" + latex_escape(r.title) + "}"))
        if r.journal:
            fields.append(("journal", latex_escape(r.journal)))
        if r.year:
            fields.append(("year", str(r.year)))
        if r.doi:
            fields.append(("doi", latex_escape(r.doi)))
        if r.pmid:
            fields.append(("pmid", latex_escape(r.pmid)))
        fields.append(("note", latex_escape(r.note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@article{{{r.key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def to_ris(records: list[BibRecord]) -> str:
    """The records as RIS, one line a value: a line break in a value would begin a tag of its
    own (a forged ``ER  -`` ends the record), so line breaks and tabs become spaces."""
    blocks = []
    for r in records:
        lines = ["TY  - JOUR", f"ID  - {r.key}"]
        values = [("AU", a) for a in r.authors]
        values.append(("TI", r.title))
        if r.journal:
            values.append(("JO", r.journal))
        if r.year:
            values.append(("PY", str(r.year)))
        if r.doi:
            values.append(("DO", r.doi))
        if r.pmid:
            values.append(("AN", f"PMID:{r.pmid}"))
        values.append(("N1", r.note))
        lines += [f"{tag}  - {one_line(value).strip()}" for tag, value in values]
        lines.append("ER  - ")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_csl_json(records: list[BibRecord]) -> str:
    items = []
    for r in records:
        item: dict[str, Any] = {"id": r.key, "type": "article-journal", "title": r.title}
        if r.authors:
            item["author"] = [{"family": a.split(",")[0].strip(), **_given(a)} for a in r.authors]
        if r.journal:
            item["container-title"] = r.journal
        if r.year:
            item["issued"] = {"date-parts": [[r.year]]}
        if r.doi:
            item["DOI"] = r.doi
        if r.pmid:
            item["PMID"] = r.pmid
        item["note"] = r.note
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _given(name: str) -> dict[str, str]:
    _, _, given = name.partition(",")
    return {"given": given.strip()} if given.strip() else {}


def export_references(session: Session, fmt: str) -> str:
    """The bibliography in ``fmt``: bibtex, ris or csl-json."""
    records = bibliography(session)
    if fmt == "bibtex":
        return to_bibtex(records)
    if fmt == "ris":
        return to_ris(records)
    if fmt == "csl-json":
        return to_csl_json(records)
    raise ValueError(f"format must be one of {', '.join(REFERENCE_FORMATS)}")


# --- the evidence network ---------------------------------------------------------------------


@dataclass
class Network:
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str, str], dict[str, set]] = field(default_factory=dict)

    def node(self, kind: str, key: str) -> str:
        node_id = f"{kind}:{key}"
        self.nodes.setdefault(node_id, {"type": kind, "label": key})
        return node_id

    def edge(self, source: str, target: str, relation: str, effect: str, study: Any) -> None:
        entry = self.edges.setdefault(
            (source, target, relation, effect), {"refs": set(), "studies": set()}
        )
        entry["studies"].add(study.key)
        if study.ref is not None:
            entry["refs"].add(study.ref)


def evidence_network(session: Session, **filters: Any) -> Network:
    """source -> cargo -> target -> pathway node -> mechanism, each edge with its effect and the
    studies and references behind it. ``filters`` are those of :func:`queries.studies`."""
    ids = list(session.scalars(queries.study_ids(session, **filters)))
    net = Network()
    pathway_nodes = {p.key: p.nodes for p in queries.pathways(session)}
    for study in queries.study_details_by_id(session, ids):
        source = net.node("cell_source", study.cell_source) if study.cell_source else None
        cargo = [c["molecule"] for c in study.cargo if c["role"] in ("cargo", "loaded")]
        for molecule in cargo:
            if source:
                net.edge(source, net.node("molecule", molecule), "carries", "", study)
        for i in study.interactions:
            net.edge(
                net.node("molecule", i["regulator"]),
                net.node("molecule", i["target"]),
                "acts_on",
                i["effect"],
                study,
            )
        for p in study.pathways:
            nodes = [net.node("molecule", n) for n in pathway_nodes[p["pathway"]]]
            for a, b in zip(nodes, nodes[1:], strict=False):
                net.edge(a, b, "signals_to", p["effect"], study)
            for molecule in cargo:
                if nodes and net.node("molecule", molecule) != nodes[0]:
                    net.edge(
                        net.node("molecule", molecule), nodes[0], "acts_on", p["effect"], study
                    )
            for mechanism in study.mechanisms:
                if nodes:
                    net.edge(nodes[-1], net.node("mechanism", mechanism), "supports", "", study)
        if not study.pathways:
            for molecule in cargo:
                for mechanism in study.mechanisms:
                    net.edge(
                        net.node("molecule", molecule),
                        net.node("mechanism", mechanism),
                        "supports",
                        "",
                        study,
                    )
    return net


def _edge_rows(net: Network) -> list[dict[str, Any]]:
    rows = []
    for (source, target, relation, effect), evidence in sorted(net.edges.items()):
        rows.append(
            {
                "source": source,
                "target": target,
                "relation": relation,
                "effect": effect,
                "refs": sorted(evidence["refs"]),
                "studies": sorted(evidence["studies"]),
            }
        )
    return rows


def to_graphml(net: Network) -> str:
    ns = "http://graphml.graphdrawing.org/xmlns"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}graphml")
    keys = [
        ("n_type", "node", "type"),
        ("n_label", "node", "label"),
        ("e_relation", "edge", "relation"),
        ("e_effect", "edge", "effect"),
        ("e_refs", "edge", "refs"),
        ("e_studies", "edge", "studies"),
        ("e_weight", "edge", "weight"),
    ]
    for key_id, domain, name in keys:
        attr_type = "int" if name == "weight" else "string"
        ET.SubElement(
            root,
            f"{{{ns}}}key",
            {"id": key_id, "for": domain, "attr.name": name, "attr.type": attr_type},
        )
    graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "exodb", "edgedefault": "directed"})
    for node_id, attrs in sorted(net.nodes.items()):
        node = ET.SubElement(graph, f"{{{ns}}}node", {"id": xml_text(node_id)})
        for key_id, name in (("n_type", "type"), ("n_label", "label")):
            ET.SubElement(node, f"{{{ns}}}data", {"key": key_id}).text = xml_text(attrs[name])
    for number, row in enumerate(_edge_rows(net)):
        ends = {"source": xml_text(row["source"]), "target": xml_text(row["target"])}
        edge = ET.SubElement(graph, f"{{{ns}}}edge", {"id": f"e{number}", **ends})
        values = {
            "e_relation": row["relation"],
            "e_effect": row["effect"],
            "e_refs": ", ".join(str(r) for r in row["refs"]),
            "e_studies": ", ".join(row["studies"]),
            "e_weight": str(len(row["studies"])),
        }
        for key_id, value in values.items():
            ET.SubElement(edge, f"{{{ns}}}data", {"key": key_id}).text = xml_text(value)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(net: Network) -> str:
    shapes = {"cell_source": "box", "molecule": "ellipse", "mechanism": "hexagon"}
    lines = ["digraph exodb {", "  rankdir=LR;"]
    for node_id, attrs in sorted(net.nodes.items()):
        lines.append(
            f"  {_dot_id(node_id)} [label={_dot_id(attrs['label'])}, "
            f"shape={shapes.get(attrs['type'], 'ellipse')}];"
        )
    for row in _edge_rows(net):
        label = " ".join(x for x in (row["effect"] or row["relation"],) if x)
        refs = ", ".join(str(r) for r in row["refs"])
        lines.append(
            f"  {_dot_id(row['source'])} -> {_dot_id(row['target'])} "
            f"[label={_dot_id(f'{label} ({refs})' if refs else label)}, "
            f"weight={len(row['studies'])}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_network_json(net: Network) -> str:
    """Node-link JSON (as networkx and d3 read it)."""
    payload = {
        "directed": True,
        "nodes": [{"id": k, **v} for k, v in sorted(net.nodes.items())],
        "links": _edge_rows(net),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def export_network(session: Session, fmt: str, **filters: Any) -> str:
    """The evidence network in ``fmt``: graphml, dot or json."""
    net = evidence_network(session, **filters)
    writers = {"graphml": to_graphml, "dot": to_dot, "json": to_network_json}
    if fmt not in writers:
        raise ValueError(f"format must be one of {', '.join(NETWORK_FORMATS)}")
    return writers[fmt](net)
