"""The evidence network export: source -> cargo -> target -> pathway node -> mechanism, with the
studies and references behind each edge, as GraphML, DOT or node-link JSON for Cytoscape, Gephi,
networkx and d3."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from sqlalchemy.orm import Session

from exodb import queries
from exodb.io.escape import xml_text

NETWORK_FORMATS = ("graphml", "dot", "json")


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
    _identify(session, net)
    return net


def _identify(session: Session, net: Network) -> None:
    """Give each node its identifiers in other resources (CURIEs, ';'-separated) and the IRI of
    the first, so that Cytoscape can map nodes to ontologies and databases."""
    from exodb.names.identifiers import iri
    from exodb.queries.identifiers import identifiers_by_key

    for kind in ("cell_source", "molecule", "mechanism"):
        found = identifiers_by_key(session, kind)
        for attrs in net.nodes.values():
            if attrs["type"] == kind:
                curies = found.get(attrs["label"], [])
                attrs["identifiers"] = ";".join(curies)
                attrs["iri"] = iri(curies[0]) if curies else ""


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
        ("n_identifiers", "node", "identifiers"),
        ("n_iri", "node", "iri"),
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
        for key_id, name in (
            ("n_type", "type"),
            ("n_label", "label"),
            ("n_identifiers", "identifiers"),
            ("n_iri", "iri"),
        ):
            ET.SubElement(node, f"{{{ns}}}data", {"key": key_id}).text = xml_text(
                attrs.get(name, "")
            )
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
