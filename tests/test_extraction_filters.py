"""The study filters on what a systematic reviewer extracts: the injury model of the animals,
the outcome scale and time point of a measurement, the separation method of an EV preparation,
and the routes of the arms. Each answer is asserted as exact study keys, through the library and
through the command line, on a database holding the worked example of examples/extraction."""

from __future__ import annotations

import inspect
import json
import re

import click
import pytest
from sqlalchemy import event, select

from exodb import exports, queries, reports
from exodb.cli import main
from exodb.schema import tables as t
from exodb.storage.connection import make_engine, session_factory

RAT, MOUSE = "example_rat_contusion", "example_mouse_compression"
NEW_FILTERS = ("injury_model", "scale", "timepoint", "separation")


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    return result


def keys_of(runner, url, *args) -> list[str]:
    result = run(runner, url, "studies", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [row["key"] for row in json.loads(result.stdout)]


# (options of `exodb studies`, the same filters as library arguments, the study keys expected)
QUESTIONS = [
    (["--injury-model", "contusion"], {"injury_model": "contusion"}, [RAT]),
    (["--injury-model", "compression"], {"injury_model": "compression"}, [MOUSE]),
    (["--injury-model", "transection"], {"injury_model": "transection"}, []),
    (["--scale", "BBB"], {"scale": "BBB"}, [RAT]),
    (["--scale", "bbb"], {"scale": "bbb"}, [RAT]),
    (["--scale", "bbb score"], {"scale": "bbb score"}, [RAT]),
    (["--scale", "Basso Mouse Scale"], {"scale": "Basso Mouse Scale"}, [MOUSE]),
    (["--scale", "lesion volume"], {"scale": "lesion volume"}, [MOUSE]),
    (["--scale", "BMS_subscore"], {"scale": "BMS_subscore"}, []),
    (["--timepoint", "28"], {"timepoint": 28}, [MOUSE, RAT]),
    (["--timepoint", "28.0"], {"timepoint": 28.0}, [MOUSE, RAT]),
    (["--timepoint", "2.8e1"], {"timepoint": 28}, [MOUSE, RAT]),
    (["--timepoint", "7"], {"timepoint": 7}, [MOUSE, RAT]),
    (["--timepoint", "1"], {"timepoint": 1}, [RAT]),
    (["--timepoint", "0"], {"timepoint": 0}, []),
    (["--timepoint", "0.5"], {"timepoint": 0.5}, []),
    (["--scale", "BMS", "--timepoint", "28"], {"scale": "BMS", "timepoint": 28}, [MOUSE]),
    (["--scale", "BMS", "--timepoint", "14"], {"scale": "BMS", "timepoint": 14}, []),
    (["--scale", "BBB", "--timepoint", "14"], {"scale": "BBB", "timepoint": 14}, [RAT]),
    # One measurement on both: the mouse study has a lesion volume (day 28) and a day-7
    # measurement (BMS), but no lesion volume on day 7.
    (
        ["--scale", "lesion_volume", "--timepoint", "7"],
        {"scale": "lesion_volume", "timepoint": 7},
        [],
    ),
    (["--separation", "sec"], {"separation": "sec"}, [MOUSE]),
    (["--separation", "size-exclusion chromatography"], {"separation": "SEC"}, [MOUSE]),
    (["--separation", "ultrafiltration"], {"separation": "UF"}, [MOUSE]),
    (["--separation", "UC"], {"separation": "UC"}, [RAT]),
    (["--separation", "duc"], {"separation": "differential ultracentrifugation"}, [RAT]),
    (["--separation", "precipitation"], {"separation": "precipitation"}, []),
    (
        ["--injury-model", "contusion", "--scale", "BMS"],
        {"injury_model": "contusion", "scale": "BMS"},
        [],
    ),
    (
        ["--species", "mouse", "--separation", "sec", "--timepoint", "28"],
        {"species": "mouse", "separation": "sec", "timepoint": 28},
        [MOUSE],
    ),
    (["--route", "intravenous", "--scale", "BBB"], {"route": "intravenous", "scale": "BBB"}, [RAT]),
]
IDS = [" ".join(q[0]) for q in QUESTIONS]


@pytest.mark.parametrize(("options", "filters", "expected"), QUESTIONS, ids=IDS)
def test_the_library_answers(example_extraction_session, options, filters, expected):
    assert [key for key, _ in queries.study_keys(example_extraction_session, **filters)] == expected
    assert [row.key for row in queries.studies(example_extraction_session, **filters)] == expected


@pytest.mark.parametrize(("options", "filters", "expected"), QUESTIONS, ids=IDS)
def test_the_command_line_answers(runner, example_extraction_url, options, filters, expected):
    assert keys_of(runner, example_extraction_url, *options) == expected


def test_the_bundled_studies_have_no_extraction_to_filter_on(session):
    # The bundled seeds hold the vocabularies only: a known name finds no study, rather than
    # being an unknown one.
    for filters in ({"scale": "BBB"}, {"separation": "sec"}, {"injury_model": "contusion"}):
        assert queries.study_keys(session, **filters) == []
    assert queries.study_keys(session, timepoint=28) == []


# --- names and numbers that mean nothing -----------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--scale", "BBX"], "Error: unknown outcome scale 'BBX'; did you mean: BBB?\n"),
        (
            ["--scale", "BMS score 2"],
            "Error: unknown outcome scale 'BMS score 2'; did you mean: BMS, BMS_subscore, BBB?\n",
        ),
        (["--scale", "tarlov"], "Error: unknown outcome scale 'tarlov'\n"),
        (["--separation", "sek"], "Error: unknown separation method 'sek'; did you mean: sec?\n"),
        (
            ["--separation", "ultracentrifugaton"],
            "Error: unknown separation method 'ultracentrifugaton'; did you mean: duc, "
            "density_gradient, ultrafiltration?\n",
        ),
        (["--separation", "magic"], "Error: unknown separation method 'magic'\n"),
    ],
)
def test_an_unknown_name_is_one_line_with_the_close_ones(
    runner, example_extraction_url, options, message
):
    result = run(runner, example_extraction_url, "studies", *options)
    assert result.exit_code == 1
    assert result.stderr == message
    assert result.stdout == ""


def test_an_unknown_name_in_the_library_suggests_the_same(example_extraction_session):
    with pytest.raises(queries.UnknownName) as raised:
        queries.studies(example_extraction_session, scale="BBX")
    assert (raised.value.kind, raised.value.suggestions) == ("outcome scale", ["BBB"])
    with pytest.raises(queries.UnknownName) as raised:
        queries.study_keys(example_extraction_session, separation="sek")
    assert str(raised.value) == "unknown separation method 'sek'; did you mean: sec?"


BAD_DAYS = "is not a number of days after injury: 0 or more, such as 28 or 0.5\n"


@pytest.mark.parametrize("typed", ["-1", "-0.5", "abc", "", "28d", "nan", "inf", "1e400", "٢٨"])
def test_a_time_point_that_is_no_number_of_days_is_a_usage_error(
    runner, example_extraction_url, typed
):
    result = run(runner, example_extraction_url, "studies", "--timepoint", typed)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '--timepoint': {typed!r} {BAD_DAYS}")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("filters", "error", "message"),
    [
        (
            {"timepoint": -1},
            ValueError,
            "timepoint must be a number of days after injury, 0 or more, got -1",
        ),
        (
            {"timepoint": float("nan")},
            ValueError,
            "timepoint must be a number of days after injury, 0 or more, got nan",
        ),
        (
            {"timepoint": 10**400},
            ValueError,
            "timepoint must be a number of days after injury, 0 or more, got inf",
        ),
        ({"timepoint": "28"}, TypeError, "timepoint must be a number of days, not str"),
        ({"timepoint": True}, TypeError, "timepoint must be a number of days, not bool"),
        ({"scale": 7}, TypeError, "scale must be a string, not int"),
        ({"separation": "sec\0"}, ValueError, "separation must not contain a NUL character"),
        (
            {"injury_model": "Contusion"},
            ValueError,
            "injury_model must be one of contusion, compression, crush, transection, "
            "hemisection, distraction, dislocation, ischemia, other",
        ),
    ],
)
def test_a_wrong_argument_in_the_library_names_itself(
    example_extraction_session, filters, error, message
):
    with pytest.raises(error) as raised:
        queries.study_keys(example_extraction_session, **filters)
    assert str(raised.value) == message


def test_a_mistyped_injury_model_is_a_usage_error(runner, example_extraction_url):
    result = run(runner, example_extraction_url, "studies", "--injury-model", "contsion")
    assert result.exit_code == 2
    assert "Error: Invalid value for '--injury-model': 'contsion' is not one of 'contusion'," in (
        result.stderr
    )


# --- the route of a study and of its arms ----------------------------------------------------


def test_the_bundled_routes_answer_as_the_studies_route_alone(session):
    """The bundled arms carry their study's route, so looking at arms changes no answer."""
    study, arm, route = t.study, t.arm, t.route
    differing = session.execute(
        select(arm.c.id)
        .join(study, study.c.id == arm.c.study_id)
        .where(arm.c.route_id.is_not(None), arm.c.route_id != study.c.route_id)
    ).all()
    assert differing == []
    answered = 0
    for route_id, key in session.execute(select(route.c.id, route.c.key)).all():
        by_study = session.scalars(
            select(study.c.key).where(study.c.route_id == route_id).order_by(study.c.key)
        ).all()
        found = sorted(k for k, _ in queries.study_keys(session, route=key))
        assert found == by_study, key
        answered += bool(found)
    assert answered >= 5  # most routes have studies: the comparison is not of empty lists


def test_intranasal_is_still_refs_46_and_59(session):
    assert [(r.ref, r.key) for r in queries.studies(session, route="intranasal")] == [
        (46, "huang_46"),
        (59, "sun_59"),
    ]


STUDIES_CSV = (
    "key,ref,first_author,section,design,exosome_based,cell_source,route,theme,summary,doi,pmid\n"
    "arm_route_only,,,,in_vivo,true,bmsc,,,A study whose route only its arm gives.,,\n"
)
ARMS_CSV = (
    "study,arm,role,control_kind,preparation,model,dose_amount,dose_unit,first_dose_hours,"
    "doses,interval_hours,route,control_arm,n_allocated,note\n"
    "arm_route_only,treated,treatment,,,,,,,,,intrathecal,,,\n"
)


def test_a_route_that_only_an_arm_names_finds_the_study(runner, fresh_url, tmp_path):
    (tmp_path / "studies.csv").write_text(STUDIES_CSV, encoding="utf-8")
    (tmp_path / "arms.csv").write_text(ARMS_CSV, encoding="utf-8")
    assert run(runner, fresh_url, "import", str(tmp_path)).exit_code == 0
    assert keys_of(runner, fresh_url, "--route", "intrathecal") == ["arm_route_only"]
    assert keys_of(runner, fresh_url, "--route", "intrathecal injection") == ["arm_route_only"]
    engine = make_engine(fresh_url)
    try:
        with session_factory(engine)() as session:
            assert queries.study_keys(session, route="intrathecal") == [("arm_route_only", None)]
            assert "arm_route_only" not in {
                k for k, _ in queries.study_keys(session, route="intravenous")
            }
    finally:
        engine.dispose()


# --- every command that selects studies takes every filter -----------------------------------


def _commands(group: click.Group, context: click.Context, path: tuple[str, ...] = ()):
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            yield from _commands(command, context, (*path, name))
        else:
            yield (*path, name), command


def test_every_command_that_selects_studies_takes_the_filters():
    context = click.Context(main)
    selecting = {}
    for path, command in _commands(main, context):
        names = {p.name for p in command.params}
        if "cell_source" in names and "cargo" in names:
            selecting[" ".join(path)] = names
    assert sorted(selecting) == [
        "export crosswalk",
        "export meta",
        "export network",
        "report convergence",
        "report evidence-matrix",
        "report gaps",
        "report meta-analysis",
        "report outcomes",
        "report reporting-quality",
        "studies",
    ]
    for name, params in selecting.items():
        assert set(queries.STUDY_FILTERS) <= params, name


def test_the_filters_are_the_arguments_of_study_ids():
    arguments = list(inspect.signature(queries.study_ids).parameters)[1:]
    assert list(queries.STUDY_FILTERS) == arguments
    assert set(NEW_FILTERS) <= set(arguments)


def test_the_new_filters_have_their_help(runner, example_extraction_url):
    text = " ".join(run(runner, example_extraction_url, "studies", "--help").stdout.split())
    for expected in (
        "--injury-model MODEL The injury of any animal model: contusion, compression,",
        "--scale SCALE An outcome measured on SCALE, by name or alias (BBB, BMS).",
        "--timepoint DAYS An outcome measured DAYS after injury (with --scale, the same "
        "measurement).",
        "--separation METHOD An EV preparation separated by METHOD, by name or alias (sec, UC).",
        "--route ROUTE The study's or any arm's, e.g. intranasal, intravenous.",
    ):
        assert expected in text


# --- reports and exports honour them ---------------------------------------------------------


def _matrix(runner, url, *options):
    result = run(
        runner, url, "report", "evidence-matrix", "--rows", "species", *options, "--format", "json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return [(r["species"], r["studies"]["count"]) for r in report["rows"]], report["notes"]


@pytest.mark.parametrize(
    ("options", "expected", "note"),
    [
        (["--scale", "BBB"], [("rat", 1)], "Filters: scale=BBB"),
        (["--injury-model", "compression"], [("mouse", 1)], "Filters: injury_model=compression"),
        (["--timepoint", "28"], [("mouse", 1), ("rat", 1)], "Filters: timepoint=28"),
        (["--separation", "UC"], [("rat", 1)], "Filters: separation=UC"),
        (["--scale", "BMS", "--timepoint", "14"], [], "Filters: scale=BMS, timepoint=14"),
    ],
)
def test_the_evidence_matrix_honours_them(runner, example_extraction_url, options, expected, note):
    rows, notes = _matrix(runner, example_extraction_url, *options)
    assert rows == expected
    assert note in notes


def test_the_other_filtered_reports_and_the_network_honour_them(
    runner, example_extraction_url, example_extraction_session
):
    (gap_map, *_) = reports.gaps(example_extraction_session, scale="BBB")
    assert [r["source"] for r in gap_map.rows if r["studies"]] == ["bmsc"]
    convergence = run(
        runner,
        example_extraction_url,
        "report",
        "convergence",
        "--scale",
        "nothing",
        "--format",
        "json",
    )
    assert convergence.exit_code == 1
    assert convergence.stderr == "Error: unknown outcome scale 'nothing'\n"
    outcomes = run(runner, example_extraction_url, "report", "outcomes", "--timepoint", "-3")
    assert outcomes.exit_code == 2
    network = exports.evidence_network(example_extraction_session, separation="sec")
    assert list(network.nodes) == ["cell_source:uc_msc"]
    exported = run(
        runner, example_extraction_url, "export", "network", "--format", "json", "--scale", "BBB"
    )
    assert [n["id"] for n in json.loads(exported.stdout)["nodes"]] == ["cell_source:bmsc"]
    matrix = reports.evidence_matrix(
        example_extraction_session, rows="species", injury_model="contusion"
    )
    assert [(r["species"], r["studies"].count) for r in matrix.rows] == [("rat", 1)]


# --- each filter reads through an index (SQLite's plans) -------------------------------------

EXTRACTION_TABLES = (
    "study",
    "animal_model",
    "ev_preparation",
    "ev_preparation_separation",
    "arm",
    "outcome_measurement",
)
SCALE_TIME = "ix_outcome_measurement_outcome_scale_id_timepoint_days_study_id"

PLANS = [
    ({"injury_model": "contusion"}, ["ix_animal_model_injury_model_study_id (injury_model=?)"]),
    ({"scale": "BBB"}, [f"{SCALE_TIME} (outcome_scale_id=?)"]),
    # A time point alone still seeks the index, once for each scale of the vocabulary.
    ({"timepoint": 28}, [f"{SCALE_TIME} (outcome_scale_id=? AND timepoint_days=?)"]),
    (
        {"scale": "BBB", "timepoint": 28},
        [f"{SCALE_TIME} (outcome_scale_id=? AND timepoint_days=?)"],
    ),
    (
        {"separation": "sec"},
        ["ix_ev_preparation_separation_separation_method_id (separation_method_id=?)"],
    ),
    ({"route": "intravenous"}, ["ix_study_route_id (route_id=?)", "ix_arm_route_id (route_id=?)"]),
]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("filters", "indexes"), PLANS, ids=[" ".join(p[0]) for p in PLANS])
def test_each_filter_reads_through_its_index(example_extraction_url, filters, indexes):
    engine = make_engine(example_extraction_url)
    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    try:
        with session_factory(engine)() as session:
            event.listen(engine, "before_cursor_execute", capture)
            queries.study_keys(session, **filters)
            event.remove(engine, "before_cursor_execute", capture)
        statement, parameters = captured[-1]
        with engine.connect() as connection:
            plan = [
                row[3]
                for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
    finally:
        engine.dispose()
    scans = [
        line for line in plan if (m := re.match(r"SCAN (\w+)", line)) and m[1] in EXTRACTION_TABLES
    ]
    assert scans == [], "\n".join(plan)
    for index in indexes:
        assert any(index in line for line in plan), "\n".join(plan)


def test_a_filter_equal_to_false_or_zero_is_not_served_the_unfiltered_kept_report(
    runner, fresh_url
):
    """The kept copy of a cross-tab is keyed by the filters given: --not-exosome-based and
    --timepoint 0 are filters, not the defaults (0 == False, and False was once dropped)."""
    from exodb.cli import main

    def matrix(*args: str) -> str:
        result = runner.invoke(main, ["--db", fresh_url, "report", "evidence-matrix", *args])
        assert result.exit_code == 0, result.output
        return result.output

    everything = matrix()
    not_exosome = matrix("--not-exosome-based")
    assert not_exosome != everything
    assert "Filters: exosome_based=False" in not_exosome
    assert matrix() == everything
    at_zero = matrix("--timepoint", "0")
    assert "Filters: timepoint=0" in at_zero and at_zero != everything
