"""The curated content says what the review says (Tables 1-3, section 1, 2 and 5)."""

from __future__ import annotations

from sqlalchemy import select

from exodb import queries
from exodb.schema.models import CellSourceProfile, Reference


def profile(session, key):
    return {row.key: row for row in queries.cell_sources(session, profiled=True)}[key]


def test_table1_has_nine_profiled_sources_in_table_order(session):
    keys = [row.key for row in queries.cell_sources(session, profiled=True)]
    assert keys == [
        "uc_msc",
        "ad_msc",
        "bmsc",
        "nsc",
        "microglia",
        "schwann_cell",
        "endothelial_cell",
        "macrophage",
        "ipsc",
    ]


def test_ipsc_profile(session):
    ipsc = profile(session, "ipsc")
    assert ipsc.immunogenicity == "low"
    assert ipsc.clinical_potential == "high"
    assert ipsc.refs == [176, 177, 178]
    assert "4" in ipsc.limitations and "6 weeks" in ipsc.limitations


def test_table1_ordinal_columns(session):
    rows = {r.key: r for r in queries.cell_sources(session, profiled=True)}
    assert {k: r.immunogenicity for k, r in rows.items()} == {
        "uc_msc": "low",
        "ad_msc": "low",
        "bmsc": "low",
        "nsc": "moderate",
        "microglia": "moderate",
        "schwann_cell": "low",
        "endothelial_cell": "moderate",
        "macrophage": "moderate",
        "ipsc": "low",
    }
    assert {k: r.clinical_potential for k, r in rows.items()} == {
        "uc_msc": "relatively_high",
        "ad_msc": "relatively_high",
        "bmsc": "relatively_high",
        "nsc": "moderate",
        "microglia": "moderate",
        "schwann_cell": "relatively_high",
        "endothelial_cell": "moderate",
        "macrophage": "moderate",
        "ipsc": "high",
    }
    assert rows["uc_msc"].acquisition == "easy"
    assert rows["nsc"].acquisition == "difficult"
    assert rows["bmsc"].expansion == "moderate"


def test_table1_references_as_printed(session):
    rows = {r.key: r.refs for r in queries.cell_sources(session, profiled=True)}
    assert rows == {
        "uc_msc": [111, 155, 156, 157],
        "ad_msc": [157, 158, 159, 160],
        "bmsc": [72, 157, 161, 162],
        "nsc": [163, 164, 165],
        "microglia": [166, 167, 168],
        "schwann_cell": [169, 170, 171, 172],
        "endothelial_cell": [71, 101, 173],
        "macrophage": [94, 174, 175],
        "ipsc": [176, 177, 178],
    }


def test_every_profile_attribute_is_filled(session):
    for p in session.scalars(select(CellSourceProfile)):
        for field in (
            "main_functions",
            "acquisition_note",
            "expansion_note",
            "advantages",
            "limitations",
        ):
            assert getattr(p, field).strip(), (p.position, field)


def test_table2_five_mechanisms_with_their_functions(session):
    rows = queries.mechanisms(session)
    assert [r.key for r in rows] == [
        "neuroprotection",
        "axon_regeneration",
        "immune_regulation",
        "angiogenesis_bscb",
        "ecm_regulation",
    ]
    assert [len(r.functions) for r in rows] == [4, 4, 4, 3, 4]


def test_table2_key_molecules_and_pathways(session):
    rows = {r.key: r for r in queries.mechanisms(session)}
    neuro = rows["neuroprotection"]
    assert {
        "BDNF",
        "NGF",
        "GDNF",
        "Bcl-2",
        "Bcl-xL",
        "HSP70",
        "HSP90",
        "miR-21a-3p",
        "miR-27a-3p",
        "PINK1",
        "Parkin",
        "Nrf2",
        "GCH1",
        "BH4",
        "MaR1",
        "Nrg1",
    } <= set(neuro.molecules)
    assert {"PI3K/Akt/mTOR", "TLR4/MyD88/NF-κB", "Nrf2/ARE/GCH1/BH4"} <= set(neuro.pathways)
    assert {"miR-26a", "miR-199-5p", "miR-431-3p", "NEDD4"} <= set(
        rows["axon_regeneration"].molecules
    )
    assert {
        "miR-23a-3p",
        "miR-222-3p",
        "miR-216a-5p",
        "miR-2861",
        "miR-709",
        "SOCS3",
        "BTK",
    } <= set(rows["immune_regulation"].molecules)
    assert {"miR-210", "miR-501-5p", "OTULIN", "VEGF", "HIF-1α"} <= set(
        rows["angiogenesis_bscb"].molecules
    )
    assert "Wnt/β-catenin/VEGF" in rows["angiogenesis_bscb"].pathways
    assert {"miR-467b-3p", "MMP-2", "MMP-9", "TIMP-1", "ADAMTS", "Rab27a", "PTEN"} <= set(
        rows["ecm_regulation"].molecules
    )


def test_neurotrophic_factor_group(session):
    from exodb.schema.models import Mechanism, MechanismMolecule, Molecule

    stmt = (
        select(Molecule.key)
        .join(MechanismMolecule, MechanismMolecule.molecule_id == Molecule.id)
        .join(Mechanism, Mechanism.id == MechanismMolecule.mechanism_id)
        .where(Mechanism.key == "neuroprotection", MechanismMolecule.group_position == 1)
    )
    assert sorted(session.scalars(stmt)) == ["BDNF", "GDNF", "NGF"]


def test_table3_glioma_indications(session):
    rows = queries.delivery_systems(session, indication="glioma")
    assert [r.key for r in rows] == [
        "exosome_polymer_nanoparticle",
        "exosome_inorganic_nanoparticle",
        "exosome_micelle",
        "exosome_mof",
    ]
    assert len(queries.delivery_systems(session)) == 7


def test_table3_sci_and_refs(session):
    rows = queries.delivery_systems(session, indication="SCI")
    assert [r.key for r in rows] == ["exosome_polymer_nanoparticle", "exosome_hydrogel"]
    hydrogel = rows[1]
    assert hydrogel.refs == [132, 189, 190]
    assert hydrogel.indications == ["stroke", "sci"]


def test_trial(session):
    (trial,) = queries.trials(session)
    assert trial.registry_id == "IRCT20200502047277N1"
    assert trial.phase == "I"
    assert trial.source == "uc_msc"
    assert trial.route == "intradermal"  # as the review states it; see the curation note
    assert trial.ref == 146


def test_trial_route_contradiction_is_recorded_with_its_source(session):
    notes = queries.curation_notes(session, subject="clinical_trials:IRCT20200502047277N1")
    (note,) = [n for n in notes if n.kind == "contradicts_source"]
    assert "intrathecal" in note.problem
    assert "10.1186/s13287-024-03868-0" in note.problem
    assert note.source.startswith("https://")
    assert note.ref == 146


def test_incidence_figures(session):
    rows = {r.key: r for r in queries.epidemiology(session)}
    assert rows["tsci_incidence"].value == 26.48
    assert rows["ntsci_incidence"].value == 17.93
    assert rows["tsci_incidence"].unit == "per million people"
    assert rows["tsci_incidence"].refs == [7, 8]


def test_exosome_markers_and_contents(session):
    markers = {r.molecule: r for r in queries.exosome_components(session, markers_only=True)}
    assert {"ALIX", "TSG101", "HSP70", "HSP90"} <= set(markers)
    assert markers["TSG101"].refs == [39, 43, 44]
    everything = {r.molecule: r for r in queries.exosome_components(session)}
    tetraspanins = {k for k, r in everything.items() if r.group == "tetraspanin"}
    assert tetraspanins == {"CD9", "CD37", "CD53", "CD63", "CD81", "CD82"}
    lipids = {k for k, r in everything.items() if r.component_class == "lipid"}
    assert lipids == {"cholesterol", "sphingomyelin", "phosphatidylserine"}


def test_known_review_errors_are_curation_notes(session):
    notes = queries.curation_notes(session)
    texts = {n.review_text for n in notes}
    assert any("Huatong" in t for t in texts)
    kinds = {n.key: n.kind for n in notes}
    duplicated = [n for n in notes if n.kind == "duplicated_cell"]
    assert [n.subject for n in duplicated] == ["delivery_systems:exosome_hydrogel"]
    assert "contradicts_source" in kinds.values()


def test_every_cited_reference_number_exists(session):
    import re

    from exodb.io.resources import seeds_dir

    review = seeds_dir().parent.parent / "shared" / "review" / "review.txt"
    numbers = set(session.scalars(select(Reference.number)))
    assert numbers == set(range(1, 195))
    if review.exists():  # the review text sits beside a checkout, not inside a wheel
        cited = set()
        for group in re.findall(r"\((\d[\d,–\- ]*)\)", review.read_text(encoding="utf-8")):
            for part in group.split(","):
                bounds = [int(x) for x in re.split(r"[–-]", part.strip()) if x]
                cited.update(range(bounds[0], bounds[-1] + 1))
        assert cited <= numbers
