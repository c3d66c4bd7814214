"""The exodb command, driven through click's CliRunner and once as the installed executable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exodb.cli import main
from exodb.queries import StudyRow

# The JSON fields of `exodb studies`, as the foundation issue pins them.
STUDY_CONTRACT = {
    "key",
    "ref",
    "first_author",
    "cell_source",
    "cargo",
    "targets",
    "pathways",
    "mechanisms",
    "species",
    "route",
    "materials",
    "modifications",
    "outcomes",
}


def run(runner, url, *args):
    result = runner.invoke(main, ["--db", url, *args])
    assert "Traceback" not in result.output
    return result


def as_json(runner, url, *args):
    result = run(runner, url, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cell_sources_json_contract(runner, seeded_url):
    rows = as_json(runner, seeded_url, "cell-sources")
    ipsc = next(r for r in rows if r["key"] == "ipsc")
    assert {
        "key",
        "name",
        "abbreviation",
        "parent",
        "category",
        "immunogenicity",
        "clinical_potential",
        "acquisition",
        "expansion",
        "refs",
    } <= set(ipsc)
    assert ipsc["immunogenicity"] == "low"
    assert ipsc["clinical_potential"] == "high"
    assert ipsc["refs"] == [176, 177, 178]
    assert ipsc["parent"] == "stem_cell"
    msc = next(r for r in rows if r["key"] == "msc")
    assert msc["immunogenicity"] is None and msc["refs"] == []


def test_delivery_systems_json_contract(runner, seeded_url):
    rows = as_json(runner, seeded_url, "delivery-systems", "--indication", "glioma")
    assert [r["key"] for r in rows] == [
        "exosome_polymer_nanoparticle",
        "exosome_inorganic_nanoparticle",
        "exosome_micelle",
        "exosome_mof",
    ]
    assert {"key", "name", "payloads", "indications", "refs"} <= set(rows[0])
    assert rows[3]["indications"] == ["glioma"]
    assert rows[3]["refs"] == [132, 191, 192]


def test_trials_json_contract(runner, seeded_url):
    (trial,) = as_json(runner, seeded_url, "trials")
    assert {k: trial[k] for k in ("registry_id", "phase", "source", "route", "ref")} == {
        "registry_id": "IRCT20200502047277N1",
        "phase": "I",
        "source": "uc_msc",
        "route": "intradermal",
        "ref": 146,
    }


def test_mechanisms_json_contract(runner, seeded_url):
    rows = as_json(runner, seeded_url, "mechanisms")
    assert [r["key"] for r in rows][0] == "neuroprotection"
    assert {"key", "name", "functions", "molecules", "pathways"} <= set(rows[0])
    assert "BDNF" in rows[0]["molecules"]


def test_studies_json_contract_fields():
    contract = STUDY_CONTRACT
    assert contract <= set(StudyRow.__dataclass_fields__)


def test_table_markdown_latex_csv(runner, seeded_url):
    table = run(runner, seeded_url, "trials").stdout
    assert table.splitlines()[0].split() == [
        "registry_id",
        "phase",
        "source",
        "route",
        "population",
        "ref",
    ]
    assert "IRCT20200502047277N1" in table
    markdown = run(runner, seeded_url, "trials", "--format", "markdown").stdout
    assert markdown.startswith("| registry_id")
    assert markdown.splitlines()[1].startswith("|---")
    latex = run(runner, seeded_url, "trials", "--format", "latex").stdout
    assert latex.startswith("\\begin{tabular}") and "\\toprule" in latex
    assert "registry\\_id" in latex
    csv_text = run(runner, seeded_url, "cell-sources", "--profiled", "--format", "csv").stdout
    assert csv_text.splitlines()[1].startswith("uc_msc,")
    assert "111;155;156;157" in csv_text


def test_filters_on_the_command_line(runner, seeded_url):
    rows = as_json(
        runner,
        seeded_url,
        "cell-sources",
        "--immunogenicity",
        "low",
        "--min-clinical-potential",
        "relatively_high",
    )
    assert [r["key"] for r in rows] == ["uc_msc", "ad_msc", "bmsc", "schwann_cell", "ipsc"]
    nodes = as_json(runner, seeded_url, "pathways", "--node", "NF-kB")
    assert "TLR4/MyD88/NF-κB" in [r["key"] for r in nodes]


def test_unknown_name_is_one_clear_line(runner, seeded_url):
    result = run(runner, seeded_url, "cell-sources", "--within", "BMCS")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: unknown cell source 'BMCS'; did you mean:")


def test_bad_choice_is_a_usage_error(runner, seeded_url):
    result = run(runner, seeded_url, "cell-sources", "--immunogenicity", "none")
    assert result.exit_code == 2
    assert "'none' is not one of 'low', 'moderate', 'high'" in result.stderr


def test_missing_explicit_database_names_the_fix(runner, tmp_path):
    target = tmp_path / "nothing.sqlite"
    result = run(runner, str(target), "trials")
    assert result.exit_code == 1
    assert f"no database at {target}; run `exodb --db {target} init` to create it" in (
        result.stderr
    )
    assert not target.exists()


def test_uninitialised_database_names_the_fix(runner, tmp_path):
    target = tmp_path / "empty.sqlite"
    target.touch()
    result = run(runner, str(target), "trials")
    assert result.exit_code == 1
    assert "has no exodb schema; run `exodb --db" in result.stderr


def test_default_database_is_built_on_first_use(runner, monkeypatch, tmp_path):
    monkeypatch.setenv("EXODB_HOME", str(tmp_path / "home"))
    first = runner.invoke(main, ["trials", "--format", "json"])
    assert first.exit_code == 0, first.output
    default = tmp_path / "home" / "exodb.sqlite"
    assert first.stderr.startswith(f"exodb: created the default database at {default} (")
    assert first.stderr.endswith(" database rows from seeds)\n")  # what init counts, too
    assert len(first.stderr.splitlines()) == 1
    assert json.loads(first.stdout)[0]["registry_id"] == "IRCT20200502047277N1"
    second = runner.invoke(main, ["trials"])
    assert second.exit_code == 0 and second.stderr == ""


def test_exodb_url_environment_variable(runner, monkeypatch, seeded_url):
    monkeypatch.setenv("EXODB_URL", seeded_url)
    result = runner.invoke(main, ["trials", "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].startswith("IRCT20200502047277N1,")


def _installed_exodb() -> str:
    candidate = Path(sys.executable).parent / "exodb"
    found = str(candidate) if candidate.exists() else shutil.which("exodb")
    if not found:
        pytest.skip("the exodb executable is not installed in this environment")
    return found


def test_installed_executable(seeded_url, tmp_path):
    env = {**os.environ, "EXODB_HOME": str(tmp_path)}
    env.pop("EXODB_URL", None)
    result = subprocess.run(
        [
            _installed_exodb(),
            "--db",
            seeded_url,
            "delivery-systems",
            "--indication",
            "stroke",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert [r["key"] for r in json.loads(result.stdout)] == ["exosome_liposome", "exosome_hydrogel"]


def test_help_does_not_import_sqlalchemy():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from exodb.cli import main\n"
        "result = CliRunner().invoke(main, ['--help'])\n"
        "assert result.exit_code == 0\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'tabulate') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_studies_on_the_command_line(runner, seeded_url):
    rows = as_json(runner, seeded_url, "studies", "--cargo", "miR-21")
    assert [(r["key"], r["ref"], r["cargo"]) for r in rows] == [
        ("fu_54", 54, ["miR-21a-3p"]),
        ("liu_129", 129, ["miR-21"]),
    ]
    contract = STUDY_CONTRACT
    assert contract <= set(rows[0])
    agents = as_json(runner, seeded_url, "studies", "--not-exosome-based", "--species", "rat")
    assert [r["key"] for r in agents] == ["ding_57", "yu_105"]


def test_show_prints_the_card(runner, seeded_url):
    result = run(runner, seeded_url, "show", "46")
    assert result.exit_code == 0
    assert "motor function recovery: increase 67 % [rhesus_monkey]" in result.stdout
    assert "neurotrophic factor concentration: increase 8 fold (relative to natural secretion)" in (
        result.stdout
    )
    assert "doi:10.1002/jev2.70066" in result.stdout
    missing = run(runner, seeded_url, "show", "nobody_1")
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error: unknown study 'nobody_1'")


def test_unknown_study_filter_name_is_an_error_not_an_empty_table(runner, seeded_url):
    result = run(runner, seeded_url, "studies", "--cargo", "miR-12")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("Error: unknown miRNA 'miR-12'; did you mean:")


def test_cached_help_is_what_click_renders(monkeypatch):
    """`exodb --help` is served from exodb/helptext.py; it must match click's own rendering.

    After changing a command, refresh it with: EXODB_UPDATE_GOLDEN=1 pytest tests/test_cli.py
    """
    import shutil

    from exodb.cli import helptext

    # The cached text is served on terminals of 80 columns or more, where click renders at its
    # own width (80 - 2): render it as click does there, not at CliRunner's forced width.
    monkeypatch.setattr(shutil, "get_terminal_size", lambda *_: os.terminal_size((120, 40)))
    with main.make_context("exodb", [], resilient_parsing=True) as ctx:
        rendered = main.get_help(ctx) + "\n"
    if os.environ.get("EXODB_UPDATE_GOLDEN"):
        path = Path(helptext.__file__)
        path.write_text(
            '"""`exodb --help`, as click renders it (kept current by tests/test_cli.py)."""\n\n'
            "# ruff: noqa: E501\n\nMAIN_HELP = " + repr(rendered) + "\n",
            encoding="utf-8",
        )
        helptext.MAIN_HELP = rendered
    assert rendered == helptext.MAIN_HELP


def test_executable_help_without_click(tmp_path):
    env = {**os.environ, "COLUMNS": "100"}
    code = (
        "import sys\n"
        "sys.argv = ['exodb', '--help']\n"
        "from exodb.entry import run\n"
        "run()\n"
        "print('click' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    from exodb.cli.helptext import MAIN_HELP

    assert result.stdout == MAIN_HELP
    assert result.stderr.strip() == "False"


def test_every_command_is_loaded_from_the_module_that_defines_it():
    """The group loads a command's module only when the command runs; its table of commands
    must name every command the modules define, and nothing else."""
    import importlib

    import click

    from exodb.cli.app import COMMANDS

    defined = {}
    subcommands = set()
    for module in sorted({module for module, _ in COMMANDS.values()}):
        loaded = importlib.import_module(f"exodb.cli.{module}")
        for attribute, value in vars(loaded).items():
            if isinstance(value, click.Command) and value.callback.__module__ == loaded.__name__:
                defined[value.name] = (module, attribute)
                if isinstance(value, click.Group):
                    subcommands |= {id(c) for c in value.commands.values()}
        for value in vars(loaded).values():
            if isinstance(value, click.Command) and id(value) in subcommands:
                defined.pop(value.name, None)
    assert defined == COMMANDS
    assert main.list_commands(None) == sorted(COMMANDS)


def test_the_collector_is_held_back_only_until_the_database_is_open(seeded_url):
    """Start-up collects rarely; once a command has its database, the collector runs with
    Python's own thresholds again, and start-up's objects are frozen."""
    script = (
        "import gc, sys\n"
        "usual = gc.get_threshold()\n"
        "from exodb.cli import startup\n"
        "from exodb.cli.common import Context\n"
        "startup.begin()\n"
        "held = gc.get_threshold()\n"
        "context = Context(sys.argv[1])\n"
        "context.session()\n"
        "print(held[0] > usual[0], gc.get_threshold() == usual, gc.get_freeze_count() > 0)\n"
        "context.close()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, seeded_url], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["True", "True", "True"], result.stderr


def test_a_mistyped_command_is_answered_with_the_close_ones(runner):
    result = runner.invoke(main, ["repor"])
    assert result.exit_code == 2
    assert "No such command 'repor'. (Did you mean one of: 'export', 'report'?)" in result.output
