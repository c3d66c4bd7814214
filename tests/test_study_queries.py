"""Realistic questions about the studies, each with the exact reference numbers expected.

The expected sets were read off the review by hand; a change in the curation or in the query
logic that alters an answer fails here with the difference.
"""

from __future__ import annotations

import pytest

from exodb import queries

QUESTIONS = [
    # (question, filters, expected (ref, study key) pairs)
    (
        "miR-21 family as cargo (not miR-210)",
        {"cargo": "miR-21"},
        [(54, "fu_54"), (129, "liu_129")],
    ),
    ("miR-199 family as cargo", {"cargo": "miR-199"}, [(45, "ref45"), (71, "huang_71")]),
    ("miR-210 exactly", {"cargo": "miR-210"}, [(110, "gao_110")]),
    ("BDNF carried or expressed", {"cargo": "BDNF"}, [(46, "huang_46"), (77, "cheng_77")]),
    (
        "PI3K/Akt chain anywhere in the axis",
        {"pathway": "PI3K/Akt"},
        [
            (54, "fu_54"),
            (56, "wei_56"),
            (57, "ding_57"),
            (58, "ref58"),
            (71, "huang_71"),
            (73, "fan_73"),
            (94, "ref94"),
            (100, "peng_100"),
            (109, "li_109"),
        ],
    ),
    (
        "PTEN upstream of PI3K (order matters)",
        {"pathway": "PTEN/PI3K"},
        [(73, "fan_73"), (94, "ref94")],
    ),
    (
        "NF-kB node, typed in ASCII",
        {"pathway": "NF-kB"},
        [(47, "liang_47"), (55, "zhu_55"), (73, "fan_73"), (99, "liu_99"), (102, "kong_102")],
    ),
    ("STAT3 node", {"pathway": "STAT3"}, [(98, "ren_98"), (101, "yuan_101"), (110, "gao_110")]),
    (
        "MAPK family node (ERK counts)",
        {"pathway": "MAPK"},
        [(55, "zhu_55"), (74, "ref74"), (77, "cheng_77"), (99, "liu_99")],
    ),
    (
        "MSC and every MSC subtype",
        {"cell_source": "MSC"},
        [
            (24, "liu_24"),
            (46, "huang_46"),
            (46, "ref46_hypoxia"),
            (47, "liang_47"),
            (54, "fu_54"),
            (59, "sun_59"),
            (65, "chen_65"),
            (72, "sun_72"),
            (73, "fan_73"),
            (74, "ref74"),
            (75, "zhang_75"),
            (111, "xie_111"),
            (121, "liu_121"),
            (122, "cheng_122"),
            (127, "li_127"),
            (130, "zhang_130"),
            (146, "akhlaghpasand_146"),
        ],
    ),
    (
        "macrophages including M2 and CD163+",
        {"cell_source": "macrophage"},
        [(36, "luo_36"), (94, "ref94"), (124, "ref124"), (126, "guan_126"), (139, "gao_139")],
    ),
    ("regulatory T cells", {"cell_source": "Treg"}, [(102, "kong_102"), (103, "xiong_103")]),
    ("non-human primates", {"species": "monkey"}, [(46, "huang_46"), (77, "ref77_macaque")]),
    (
        "rat studies",
        {"species": "rat"},
        [
            (46, "huang_46"),
            (57, "ding_57"),
            (75, "zhang_75"),
            (105, "yu_105"),
            (126, "guan_126"),
            (127, "li_127"),
            (137, "guo_137"),
        ],
    ),
    (
        # The category: the hyaluronic acid hydrogel patch of ref 55 is a hydrogel too.
        "hydrogel combinations",
        {"material": "hydrogel"},
        [
            (55, "zhu_55"),
            (72, "sun_72"),
            (73, "fan_73"),
            (125, "han_125"),
            (126, "guan_126"),
            (127, "li_127"),
        ],
    ),
    (
        "collagen scaffolds",
        {"material": "collagen scaffold"},
        [(129, "liu_129"), (130, "zhang_130")],
    ),
    (
        "hypoxic preconditioning",
        {"modification": "hypoxic_preconditioning"},
        [(23, "li_23"), (24, "liu_24"), (46, "ref46_hypoxia"), (47, "liang_47")],
    ),
    ("engineered to carry BDNF", {"modification": "BDNF"}, [(46, "huang_46"), (77, "cheng_77")]),
    ("PTEN as a target", {"target": "PTEN"}, [(88, "ref88"), (100, "peng_100"), (137, "guo_137")]),
    ("intranasal delivery", {"route": "intranasal"}, [(46, "huang_46"), (59, "sun_59")]),
    (
        "findings proposed for combination, not exosome studies",
        {"exosome_based": False},
        [
            (56, "wei_56"),
            (57, "ding_57"),
            (58, "ref58"),
            (79, "kochan_79"),
            (82, "ref82"),
            (83, "ref83"),
            (84, "ding_84"),
            (85, "fimiani_85"),
            (86, "sullivan_86"),
            (87, "shi_87"),
            (88, "ref88"),
            (104, "torabi_104"),
            (105, "yu_105"),
        ],
    ),
    (
        "studies with a number in their results",
        {"quantitative": True},
        [(46, "huang_46"), (75, "zhang_75"), (77, "cheng_77"), (77, "ref77_macaque")],
    ),
    (
        "angiogenesis and BSCB work in mice",
        {"mechanism": "angiogenesis_bscb", "species": "mouse"},
        [(23, "li_23"), (36, "luo_36"), (102, "kong_102"), (110, "gao_110")],
    ),
    (
        "motor outcomes",
        {"has_outcome": "motor"},
        [
            (46, "huang_46"),
            (103, "xiong_103"),
            (104, "torabi_104"),
            (109, "li_109"),
            (110, "gao_110"),
            (137, "guo_137"),
            (139, "gao_139"),
        ],
    ),
    ("fewer M1 macrophages", {"has_outcome": "M1"}, [(98, "ren_98"), (99, "liu_99")]),
    ("the clinical trial", {"design": "clinical"}, [(146, "akhlaghpasand_146")]),
    (
        "axon regeneration with hydrogels",
        {"mechanism": "axon_regeneration", "material": "hydrogel"},
        [(72, "sun_72"), (73, "fan_73"), (126, "guan_126"), (127, "li_127")],
    ),
    (
        "ECM regulation",
        {"mechanism": "ecm_regulation"},
        [
            (100, "peng_100"),
            (121, "liu_121"),
            (122, "cheng_122"),
            (123, "singh_123"),
            (124, "ref124"),
        ],
    ),
    ("by reference number", {"ref": 77}, [(77, "cheng_77"), (77, "ref77_macaque")]),
]


@pytest.mark.parametrize(
    ("question", "filters", "expected"), QUESTIONS, ids=[q[0] for q in QUESTIONS]
)
def test_question(session, question, filters, expected):
    rows = queries.studies(session, **filters)
    assert [(r.ref, r.key) for r in rows] == expected


def test_at_least_twenty_questions():
    assert len(QUESTIONS) >= 20


@pytest.mark.parametrize("typed", ["NF-κB", "NF-kB", "NFKB", "nf-kappaB", "NF-κβ"])
def test_spellings_of_one_node_give_one_answer(session, typed):
    assert [r.key for r in queries.studies(session, pathway=typed)] == [
        "liang_47",
        "zhu_55",
        "fan_73",
        "liu_99",
        "kong_102",
    ]


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("TNF-alpha", "TNF-α"),
        ("beta-catenin", "β-catenin"),
        ("AKT", "Akt"),
        ("NRF2", "Nrf2"),
        ("nfkb", "NF-κB"),
    ],
)
def test_molecule_aliases(session, typed, canonical):
    assert [m.key for m in queries.molecules(session, name=typed)] == [canonical]


def test_family_never_matches_a_longer_number(session):
    keys = {r.key for r in queries.studies(session, cargo="miR-21")}
    assert "gao_110" not in keys  # miR-210
    assert "liu_24" not in keys  # miR-216a-5p


def test_filters_combine_with_and(session):
    assert [r.key for r in queries.studies(session, cell_source="MSC", species="monkey")] == [
        "huang_46"
    ]
    assert queries.studies(session, cell_source="Treg", species="monkey") == []


@pytest.mark.parametrize(
    ("filters", "prefix", "suggested"),
    [
        ({"cargo": "miR-12"}, "unknown miRNA 'miR-12'", "miR-21"),
        ({"cell_source": "Tregs cell"}, "unknown cell source 'Tregs cell'", "treg"),
        ({"species": "monky"}, "unknown species 'monky'", "monkey"),
        ({"pathway": "PI3K/Atk"}, "unknown molecule 'Atk'", "Akt"),
        ({"material": "hydrogle"}, "unknown material 'hydrogle'", "hydrogel"),
        ({"route": "intranasl"}, "unknown route 'intranasl'", "intranasal"),
        ({"mechanism": "neuroprotect"}, "unknown mechanism 'neuroprotect'", "neuroprotection"),
    ],
)
def test_unknown_names_suggest_the_closest(session, filters, prefix, suggested):
    with pytest.raises(queries.UnknownName) as info:
        queries.studies(session, **filters)
    assert str(info.value).startswith(prefix + "; did you mean: ")
    assert suggested in info.value.suggestions


def test_pathway_list_counts_studies(session):
    counts = {p.key: p.studies for p in queries.pathways(session)}
    assert counts["PI3K/Akt/mTOR"] == 4  # Wei 56, Ding 57, natural compounds 58, Peng 100
    assert counts["IRAK1/TRAF6/NF-κB"] == 1
    chains = [p.key for p in queries.pathways(session, node="PI3K/Akt")]
    assert "PTEN/PI3K/Akt/mTOR" in chains and "Akt/mTOR" not in chains


def test_molecule_list_counts_studies(session):
    (bdnf,) = queries.molecules(session, name="BDNF")
    assert bdnf.studies == 2
    (ptens,) = queries.molecules(session, name="PTEN")
    assert ptens.studies == 3


def test_show_by_reference_number_gives_both_studies(session):
    details = queries.study_details(session, "46")
    assert [d.key for d in details] == ["huang_46", "ref46_hypoxia"]
    main = details[0]
    assert {(o["measure"], o["value"], o["unit"], o["species"]) for o in main.outcomes} >= {
        ("motor function recovery", 67.0, "%", "rhesus_monkey"),
        ("neurotrophic factor concentration", 8.0, "fold", None),
    }
    assert main.reference["doi"] == "10.1002/jev2.70066"
    assert "s3_1_pay_attribution" in [n["key"] for n in main.curation_notes]


def test_show_unknown_key(session):
    with pytest.raises(queries.UnknownName, match="unknown study 'fu_55'; did you mean"):
        queries.study_details(session, "fu_55")


def test_every_question_gives_the_same_answer_when_subtrees_stay_in_the_database(
    session, monkeypatch
):
    # A subtree longer than MAX_LISTED_IDS is filtered on as a subquery, not a list of ids.
    monkeypatch.setattr(queries.resolve, "MAX_LISTED_IDS", 0)
    assert not isinstance(queries.molecule_set(session, "MAPK"), list)
    assert not isinstance(queries.cell_source_subtree(session, "MSC"), list)
    for _question, filters, expected in QUESTIONS:
        found = [(s.ref, s.key) for s in queries.studies(session, **filters)]
        assert found == expected, filters


@pytest.mark.parametrize(
    ("question", "filters", "expected"), QUESTIONS, ids=[q[0] for q in QUESTIONS]
)
def test_study_keys_answer_as_studies_do(session, question, filters, expected):
    assert queries.study_keys(session, **filters) == [(key, ref) for ref, key in expected]


def test_study_keys_put_studies_without_a_reference_last(fresh_url, tmp_path):
    from exodb.storage.connection import make_engine, session_factory
    from exodb.workflows.load import import_path

    folder = tmp_path / "unpublished"
    folder.mkdir()
    (folder / "studies.csv").write_text(
        "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,summary\n"
        "aaa_unpublished,,Doe,3.1,in_vitro,true,bmsc,,,"
        "Unpublished BMSC exosome work with miR-21 cargo and no reference number yet.\n",
        encoding="utf-8",
    )
    (folder / "study_molecules.csv").write_text(
        "study,molecule,role,note\naaa_unpublished,miR-21a-3p,cargo,\n", encoding="utf-8"
    )
    engine = make_engine(fresh_url)
    import_path(engine, folder)
    with session_factory(engine)() as session:
        keys = queries.study_keys(session, cargo="miR-21")
        listed = [(s.key, s.ref) for s in queries.studies(session, cargo="miR-21")]
    engine.dispose()
    # "aaa" sorts first by key, but a study without a reference number comes after all others.
    assert keys == [("fu_54", 54), ("liu_129", 129), ("aaa_unpublished", None)]
    assert keys == listed
