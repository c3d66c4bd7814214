"""``exodb meta-analysis FILE.csv``: pool a CSV in metafor's column names, with the options
that ``exodb report meta-analysis`` shares (measure, estimator, Knapp-Hartung, level, plots)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from exodb.cli.common import Context, _user_errors, emit_report, output_options, pass_context

MEASURE_CHOICES = ("MD", "SMD", "ROM", "NMD", "RR", "OR")
METHOD_CHOICES = ("EE", "DL", "REML", "ML", "PM")


class Level(click.ParamType):
    """A confidence level: a share (0.95) or a percentage (95)."""

    name = "level"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"'{value}' is not a number", param, ctx)
        share = number / 100 if number >= 1 else number
        if not 0.5 <= share < 1:
            self.fail(f"{value}: a confidence level is at least 50 and below 100 (95)", param, ctx)
        return share


def pooling_options(func: Callable) -> Callable:
    """--method, --knha, --level, --forest and --funnel."""
    options = [
        click.option(
            "--method",
            type=click.Choice(METHOD_CHOICES, case_sensitive=False),
            default="REML",
            show_default=True,
            help="EE: equal effects; DL, REML, ML, PM: random effects with that tau² estimator.",
        ),
        click.option(
            "--knha", is_flag=True, help="Knapp-Hartung t tests and intervals (metafor's)."
        ),
        click.option(
            "--level", type=Level(), default="95", show_default=True, help="Confidence level."
        ),
        click.option(
            "--forest",
            type=click.Path(dir_okay=False),
            metavar="FILE.png|svg|pdf",
            help="Also draw a forest plot (needs matplotlib).",
        ),
        click.option(
            "--funnel",
            type=click.Path(dir_okay=False),
            metavar="FILE.png|svg|pdf",
            help="Also draw a funnel plot (needs matplotlib).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def outcome_options(func: Callable) -> Callable:
    """--outcome (repeatable), --measure, --by, --dose-breaks and --shared-control: which
    comparisons of the extraction a meta-analysis takes, and how."""
    options = [
        click.option(
            "--outcome",
            "outcomes",
            multiple=True,
            required=True,
            metavar="SCALE",
            help="The outcome scale, by key, name or alias (BBB); repeat for several "
            "(pooled as SMD or NMD).",
        ),
        click.option(
            "--measure",
            type=click.Choice(MEASURE_CHOICES[:4], case_sensitive=False),
            help="Effect size (default: MD on one scale, SMD on several).",
        ),
        click.option(
            "--by",
            type=click.Choice(BY_CHOICES),
            help="Subgroups by this study dimension (cell sources rolled up to Table 1's).",
        ),
        click.option(
            "--dose-breaks",
            metavar="N,N",
            help="With --by dose: the doses where bands begin, in each arm's unit (100,200).",
        ),
        click.option(
            "--shared-control",
            type=click.Choice(("split", "flag")),
            default="split",
            show_default=True,
            help="A control arm several treated arms share: split its n among them, or use it "
            "in full and say so.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


BY_CHOICES = ("cell-source", "species", "route", "dose", "timepoint", "injury-model")


def breaks(text: str | None) -> list[float]:
    if not text:
        return []
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(
            f"'{text}' is not a list of numbers (100,200)", param_hint="--dose-breaks"
        ) from None


def draw_plots(report: Any, forest: str | None, funnel: str | None) -> None:
    """Draw the plots asked for, saying where each went; without matplotlib, say how to get it."""
    from exodb.cli.common import protected_files
    from exodb.reports import forest as plots
    from exodb.reports.figures import FigureUnavailable

    for path, draw in ((forest, plots.forest_plot), (funnel, plots.funnel_plot)):
        if not path:
            continue
        try:
            draw(report, path, protect=protected_files())
        except FigureUnavailable as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"exodb: wrote {path}", err=True)


@click.command("meta-analysis")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--measure",
    type=click.Choice(MEASURE_CHOICES, case_sensitive=False),
    help="Compute this effect size from the arm columns (default: yi/vi as given, else SMD).",
)
@pooling_options
@click.option("--by", metavar="COLUMN", help="Subgroups by the values of COLUMN.")
@click.option(
    "--moderator",
    metavar="COLUMN",
    help="Meta-regression on COLUMN (numbers: continuous; text: categorical).",
)
@output_options
@pass_context
@_user_errors
def meta_analysis_command(
    ctx: Context,
    file: str,
    measure: str | None,
    method: str,
    knha: bool,
    level: float,
    forest: str | None,
    funnel: str | None,
    by: str | None,
    moderator: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """Meta-analysis of a CSV of comparisons, in metafor's column names.

    FILE has a study column, then either
    m1i,sd1i,n1i,m2i,sd2i,n2i (group 1 treated, 2 control; m0i the normal value for NMD) or
    yi,vi (or sei); RR and OR take ai,bi,ci,di or ai,n1i,ci,n2i.

    Prints the comparisons with their weights, the pooled effect with its confidence and
    prediction intervals, tau², I², H² and Q, leave-one-out and Egger's test; subgroups
    with --by, a meta-regression with --moderator. Needs no database.
    """
    from exodb.reports.pooled import meta_analysis_of_file

    report = meta_analysis_of_file(
        file,
        measure=measure.upper() if measure else None,
        method=method.upper(),
        knha=knha,
        by=by,
        level=level,
        moderator=moderator,
    )
    draw_plots(report, forest, funnel)
    emit_report(report, fmt, output)
