"""Reports: the review's tables regenerated (golden files), cross-tabs, gaps, figures, exports."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from xml.etree import ElementTree as ET

import pytest

from exodb import exports, reports
from exodb.cli import main
from exodb.render import render_report

from .conftest import REPO
from .latex import compile_tables

GOLDEN = REPO / "tests" / "golden"
TABLES = {
    "table1": reports.table1_cell_sources,
    "table2": reports.table2_mechanisms,
    "table3": reports.table3_delivery_systems,
}


@pytest.mark.parametrize("fmt", ["markdown", "latex"])
@pytest.mark.parametrize("name", sorted(TABLES))
def test_regenerated_table_matches_golden_file(session, name, fmt):
    """A change in the data or the formatter shows here as a readable diff.

    After an intended change, refresh with: EXODB_UPDATE_GOLDEN=1 pytest tests/test_reports.py
    """
    text = render_report(TABLES[name](session), fmt)
    path = GOLDEN / f"{name}.{'md' if fmt == 'markdown' else 'tex'}"
    if os.environ.get("EXODB_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_table1_rows_and_citations(session):
    table = reports.table1_cell_sources(session)
    assert len(table.rows) == 9
    assert len(table.columns) == 8
    first = table.rows[0]
    assert first["source"] == ("umbilical cord mesenchymal stem cell (UC-MSC) (111, 155–157)")
    assert first["immunogenicity"].startswith("Low: ")
    assert table.rows[8]["clinical_potential"].startswith("High: ")


def test_table3_rows(session):
    table = reports.table3_delivery_systems(session)
    assert [r["system"] for r in table.rows][0] == (
        "Exosome-liposome complex system (132, 179–181)"
    )
    assert table.rows[5]["indications"] == "glioma"


def test_cite_compresses_runs_of_three():
    assert reports.cite([38, 39, 40]) == "38–40"
    assert reports.cite([5, 6]) == "5, 6"
    assert reports.cite([111, 157, 155, 156]) == "111, 155–157"
    assert reports.cite([]) == ""


def test_markdown_is_a_github_table(session):
    text = render_report(reports.table3_delivery_systems(session), "markdown")
    lines = text.splitlines()
    assert lines[0] == "### Table 3. Exosome-based nano-delivery systems"
    header, rule = lines[2], lines[3]
    assert header.startswith("| Nano-delivery system")
    assert re.fullmatch(r"\|(-+\|)+", rule)
    assert all(line.count("|") == header.count("|") for line in lines[2:11])


def _latex_structure_ok(text: str, columns: int) -> None:
    assert text.count(r"\begin{longtable}") == text.count(r"\end{longtable}") == 1
    assert r"\toprule" in text and r"\midrule" in text and r"\bottomrule" in text
    body = text.split(r"\endfoot", 1)[1].split(r"\end{longtable}", 1)[0]
    for row in [r for r in body.strip().splitlines() if r]:
        assert row.endswith(r"\\")
        assert len(re.findall(r"(?<!\\)&", row)) == columns - 1, row
    # Every special character is escaped; Greek letters are spelled as math.
    assert not re.search(r"(?<!\\)[%_#]", body)
    assert "κ" not in text and "β" not in text


@pytest.mark.parametrize("name", sorted(TABLES))
def test_latex_is_structurally_sound(session, name):
    table = TABLES[name](session)
    _latex_structure_ok(render_report(table, "latex"), len(table.columns))


@pytest.mark.skipif(not shutil.which("pdflatex"), reason="no LaTeX engine installed")
def test_latex_tables_compile(session, tmp_path):
    parts = [render_report(builder(session), "latex") for builder in TABLES.values()]
    parts.append(render_report(reports.evidence_matrix(session), "latex"))
    compile_tables(tmp_path, "tables", parts)


# --- cross-tabs -------------------------------------------------------------------------------


def _cell(report, row, column):
    (entry,) = [r for r in report.rows if r[report.columns[0]] == row]
    return entry[column]


def test_evidence_matrix_counts_and_references(session):
    matrix = reports.evidence_matrix(
        session, rows="cell-source", cols="mechanism", rollup=True, exosome_based=True
    )
    bmsc = _cell(matrix, "bmsc", "studies")
    assert (bmsc.count, bmsc.refs) == (5, (47, 72, 73, 74, 121))
    immune = _cell(matrix, "bmsc", "immune_regulation")
    assert (immune.count, immune.refs) == (3, (47, 73, 121))
    assert _cell(matrix, "bmsc", "neuroprotection").count == 0
    treg = _cell(matrix, "treg", "immune_regulation")
    assert (treg.count, treg.refs) == (2, (102, 103))
    assert str(_cell(matrix, "uc_msc", "studies")) == "5 (59, 111, 122, 130, 146)"


def test_evidence_matrix_without_rollup_keeps_subtypes(session):
    matrix = reports.evidence_matrix(session)
    sources = [r["cell_source"] for r in matrix.rows]
    assert "cd271_cd56_bmsc" in sources and "m2_macrophage" in sources


def test_evidence_matrix_species_and_filters(session):
    matrix = reports.evidence_matrix(session, rows="species", cols="mechanism", design="in_vivo")
    angio = _cell(matrix, "mouse", "angiogenesis_bscb")
    assert (angio.count, angio.refs) == (3, (23, 102, 110))  # luo_36 is a mixed design
    assert "Filters: design=in_vivo" in matrix.notes


def test_evidence_matrix_cargo_kind_by_pathway_node(session):
    matrix = reports.evidence_matrix(session, rows="cargo-kind", cols="pathway-node")
    cell = _cell(matrix, "mirna", "PI3K")
    assert (cell.count, cell.refs) == (5, (45, 54, 71, 94, 100))
    assert matrix.columns[:3] == ["cargo_kind", "studies", "PI3K"]


def test_evidence_matrix_json_has_counts_and_refs(session):
    payload = json.loads(render_report(reports.evidence_matrix(session, rollup=True), "json"))
    treg = next(r for r in payload["rows"] if r["cell_source"] == "treg")
    assert treg["immune_regulation"] == {"count": 2, "refs": [102, 103]}


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_figure_is_written(runner, seeded_url, tmp_path, suffix):
    pytest.importorskip("matplotlib")
    target = tmp_path / f"matrix{suffix}"
    result = runner.invoke(
        main,
        [
            "--db",
            seeded_url,
            "report",
            "evidence-matrix",
            "--rollup",
            "--figure",
            str(target),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")
        assert b"immune regulation" in data


def test_figure_without_matplotlib_says_how_to_install(runner, seeded_url, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = runner.invoke(
        main, ["--db", seeded_url, "report", "evidence-matrix", "--figure", str(tmp_path / "m.png")]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: the figure needs matplotlib: pip install 'exodb[figures]'"
    )
    assert not (tmp_path / "m.png").exists()


# --- convergence, gaps, outcomes, summary ---------------------------------------------------------


def test_convergence_on_nodes(session):
    report = reports.convergence(session, exosome_based=True)
    rows = {r["node"]: r for r in report.rows}
    assert report.rows[0]["node"] in ("Akt", "PI3K")
    nfkb = rows["NF-κB"]
    assert nfkb["studies"] == 5
    assert nfkb["refs"] == "47, 55, 73, 99, 102"  # 99 through NF-κB p65
    assert nfkb["sources"] == ["bmsc", "dpsc", "not_stated", "treg"]
    assert nfkb["cargo"] == ["miR-146a-5p", "miR-2861"]
    assert nfkb["effects"] == ["inhibits 2", "modulates 3"]
    counts = [r["studies"] for r in report.rows]
    assert counts == sorted(counts, reverse=True)


def test_convergence_on_chains(session):
    rows = {r["node"]: r for r in reports.convergence(session, chains=True).rows}
    assert rows["PI3K/Akt"]["studies"] == 9
    assert rows["PI3K/Akt"]["refs"] == "54, 56–58, 71, 73, 94, 100, 109"


def test_gaps(session):
    mechanisms, species, primates, designs = reports.gaps(session)
    by_source = {r["source"]: r for r in mechanisms.rows}
    assert by_source["microglia"]["studies"] == 0
    assert by_source["microglia"]["no_study_for"] == [
        "neuroprotection",
        "axon_regeneration",
        "immune_regulation",
        "angiogenesis_bscb",
        "ecm_regulation",
    ]
    assert by_source["uc_msc"]["no_study_for"] == []
    assert by_source["bmsc"]["no_study_for"] == ["neuroprotection", "angiogenesis_bscb"]
    assert [(r["source"], r["primate"], r["human"], r["refs"]) for r in primates.rows] == [
        ("uc_msc", False, True, "146"),
        ("msc", True, False, "46"),
        ("not_stated", True, False, "77"),
    ]
    assert {r["source"]: r["no_study_in"] for r in species.rows}["treg"] == [
        "rat",
        "monkey",
        "human",
    ]
    neuro = next(r for r in designs.rows if r["mechanism"] == "neuroprotection")
    assert (neuro["studies"], neuro["in_vitro"], neuro["in_vitro_only"]) == (10, 1, False)


def test_mechanism_on_in_vitro_work_only_is_flagged(session):
    designs = reports.gaps(session, design="in_vitro")[3]
    flagged = [r["mechanism"] for r in designs.rows if r["in_vitro_only"]]
    assert flagged == ["neuroprotection"]


def test_outcomes_report(session):
    rows = reports.outcomes(session).rows
    assert [(r["study"], r["measure"], r["value"], r["unit"]) for r in rows] == [
        ("huang_46", "motor function recovery", 67.0, "%"),
        ("huang_46", "neurotrophic factor concentration", 8.0, "fold"),
        ("zhang_75", "PSD volume", 2.1, "fold"),
        ("zhang_75", "synaptic transmission efficiency", 40.0, "%"),
        ("cheng_77", "synaptic density", 68.0, "%"),
        ("ref77_macaque", "axonal regeneration", 58.0, "%"),
    ]
    assert rows[1]["relative_to"] == "natural secretion"


def test_summary_is_one_markdown_page(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "report", "summary"])
    assert result.exit_code == 0
    text = result.stdout
    assert text.startswith("### exodb summary: what the database holds")
    assert "| studies                          | 57     |" in text
    assert "### Clinical trials" in text and "IRCT20200502047277N1" in text
    assert "### Curation notes" in text and "t1_huatong_gel" in text


def test_study_card(runner, seeded_url):
    result = runner.invoke(
        main, ["--db", seeded_url, "report", "study", "xie_111", "--format", "markdown"]
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("## xie_111 (reference 111, Xie et al.)")
    # The exosomes act through miR-501-5p: the axis is modulated, the interaction inhibits MLCK.
    assert "- miR-501-5p/MLCK (modulates)" in result.stdout
    assert "- miR-501-5p inhibits MLCK" in result.stdout


def test_output_file_picks_the_format(runner, seeded_url, tmp_path):
    for suffix, probe in (
        (".md", "| Nano-delivery system"),
        (".tex", r"\begin{longtable}"),
        (".csv", "system,payloads"),
        (".json", '"title": "Table 3.'),
    ):
        target = tmp_path / f"t3{suffix}"
        result = runner.invoke(
            main, ["--db", seeded_url, "report", "delivery-systems", "-o", str(target)]
        )
        assert result.exit_code == 0, result.output
        assert probe in target.read_text(encoding="utf-8")
        assert result.stderr == f"exodb: wrote {target}\n"
    bad = runner.invoke(
        main, ["--db", seeded_url, "report", "delivery-systems", "-o", str(tmp_path / "t3.docx")]
    )
    assert bad.exit_code == 2
    assert "cannot tell the format from" in bad.stderr


# --- exports ----------------------------------------------------------------------------------


def test_bibtex_export(runner, seeded_url):
    result = runner.invoke(main, ["--db", seeded_url, "export", "references"])
    assert result.exit_code == 0
    entries = re.findall(r"^@article\{([^,]+),", result.stdout, re.M)
    assert entries[0] == "cha2025exosome"
    assert len(entries) == len(set(entries)) == 31  # the review and 30 checked references
    assert "liang2024small" in entries
    assert "doi = {10.4103/1673-5374.391194}" in result.stdout


def test_ris_and_csl_json_exports(session):
    ris = exports.export_references(session, "ris")
    assert ris.count("TY  - JOUR") == ris.count("ER  - ") == 31
    items = json.loads(exports.export_references(session, "csl-json"))
    review = items[0]
    assert review["DOI"] == "10.3389/fneur.2025.1645457"
    assert review["issued"] == {"date-parts": [[2025]]}
    trial = next(i for i in items if i.get("DOI") == "10.1186/s13287-024-03868-0")
    assert "Reference 146" in trial["note"] and "checked at https://" in trial["note"]


def test_graphml_loads_with_a_standard_parser(session):
    text = exports.export_network(session, "graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(text.encode("utf-8"))
    graph = root.find("g:graph", ns)
    nodes = {n.get("id") for n in graph.findall("g:node", ns)}
    edges = graph.findall("g:edge", ns)
    net = exports.evidence_network(session)
    assert len(nodes) == len(net.nodes) and len(edges) == len(net.edges)
    assert {
        "cell_source:treg",
        "molecule:miR-2861",
        "molecule:IRAK1",
        "mechanism:immune_regulation",
    } <= nodes
    for edge in edges:
        assert edge.get("source") in nodes and edge.get("target") in nodes

    def data(edge):
        return {d.get("key"): d.text for d in edge.findall("g:data", ns)}

    found = {
        (
            e.get("source"),
            e.get("target"),
            data(e)["e_relation"],
            data(e)["e_effect"] or "",
            data(e)["e_refs"],
        )
        for e in edges
    }
    assert ("cell_source:treg", "molecule:miR-2861", "carries", "", "102") in found
    assert ("molecule:miR-2861", "molecule:IRAK1", "acts_on", "inhibits", "102") in found
    try:
        import networkx
    except ImportError:
        return
    graph = networkx.read_graphml(io.StringIO(text))
    assert graph.number_of_nodes() == len(nodes)


def test_dot_and_json_networks(session):
    dot = exports.export_network(session, "dot", cell_source="Treg")
    assert dot.startswith("digraph exodb {")
    assert '"cell_source:treg" -> "molecule:miR-2861"' in dot
    assert "cell_source:bmsc" not in dot
    payload = json.loads(exports.export_network(session, "json"))
    assert payload["directed"] is True
    assert {"id", "type", "label"} <= set(payload["nodes"][0])
    assert {"source", "target", "relation", "effect", "refs", "studies"} <= set(payload["links"][0])


def test_csv_report_reads_back(session):
    text = render_report(reports.outcomes(session), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["study"] == "huang_46" and rows[0]["value"] == "67"
