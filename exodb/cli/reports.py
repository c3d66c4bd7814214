"""``exodb report``: the review's tables regenerated, cross-tabs and study cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from exodb.cli.common import (
    Context,
    _study_cards,
    _user_errors,
    cache_option,
    card_options,
    emit_report,
    output_options,
    output_options_with,
    pass_context,
    protected_files,
    study_filter_options,
)
from exodb.cli.synthesis import BY_CHOICES, breaks, outcome_options, pooling_options


@click.group()
def report() -> None:
    """Reports for review writing: the review's tables, cross-tabs, gaps, outcomes, reporting
    quality, meta-analysis, summary.

    Every report takes --format table|markdown|latex|csv|json and -o FILE.
    """


def _table_report(name: str, builder: str, doc: str) -> None:
    @report.command(name, help=doc)
    @output_options
    @pass_context
    @_user_errors
    def command(ctx: Context, fmt: str | None, output: str | None) -> None:
        from exodb import reports

        emit_report(getattr(reports, builder)(ctx.session()), fmt, output)


_table_report("cell-sources", "table1_cell_sources", "Table 1 regenerated from the database.")
_table_report("mechanisms", "table2_mechanisms", "Table 2 regenerated from the database.")
_table_report(
    "delivery-systems", "table3_delivery_systems", "Table 3 regenerated from the database."
)


def figure_option(formats: str, drawing: str) -> Callable[[Callable], Callable]:
    """--figure FILE, for a report that can also be drawn (``drawing`` says as what)."""
    return click.option(
        "--figure",
        type=click.Path(dir_okay=False),
        metavar=f"FILE.{formats}",
        help=f"Also draw {drawing} (needs matplotlib).",
    )


@report.command("evidence-matrix")
@click.option(
    "--rows",
    "row_dim",
    type=click.Choice(("cell-source", "species", "cargo-kind")),
    default="cell-source",
    show_default=True,
)
@click.option(
    "--cols",
    "col_dim",
    type=click.Choice(("mechanism", "pathway-node")),
    default="mechanism",
    show_default=True,
)
@click.option("--rollup", is_flag=True, help="Count subtypes under their Table 1 source.")
@cache_option
@figure_option("png|svg", "the matrix as an annotated heatmap")
@study_filter_options
@output_options
@pass_context
@_user_errors
def evidence_matrix_command(
    ctx: Context,
    fmt: str | None,
    output: str | None,
    row_dim: str,
    col_dim: str,
    rollup: bool,
    cache: bool,
    figure: str | None,
    **filters: Any,
) -> None:
    """Cross-tab of study counts, with the reference numbers behind each cell."""
    from exodb import reports

    matrix = reports.evidence_matrix(
        ctx.session(), rows=row_dim, cols=col_dim, rollup=rollup, cache=cache, **filters
    )
    if figure:
        _draw("heatmap", matrix, figure)
    emit_report(matrix, fmt, output)


def _draw(drawing: str, report: Any, figure: str) -> None:
    """Draw ``report`` to ``figure`` with the function ``drawing`` of the figures module, and
    say so; without matplotlib, one line that says how to install it."""
    from exodb.reports import figures

    try:
        getattr(figures, drawing)(report, figure, protect=protected_files())
    except figures.FigureUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"exodb: wrote {figure}", err=True)


@report.command("convergence")
@click.option("--chains", is_flag=True, help="Two-node chains (PI3K/Akt) instead of nodes.")
@cache_option
@study_filter_options
@output_options
@pass_context
@_user_errors
def convergence_command(
    ctx: Context, fmt: str | None, output: str | None, chains: bool, cache: bool, **filters: Any
) -> None:
    """How many studies converge on each pathway node, from which sources and cargo."""
    from exodb import reports

    report = reports.convergence(ctx.session(), chains=chains, cache=cache, **filters)
    emit_report(report, fmt, output)


def _filtered_report(name: str, builder: str, doc: str) -> None:
    """A report over the studies that pass the filters of ``exodb studies``."""

    @report.command(name, help=doc)
    @study_filter_options
    @output_options
    @pass_context
    @_user_errors
    def command(ctx: Context, fmt: str | None, output: str | None, **filters: Any) -> None:
        from exodb import reports

        emit_report(getattr(reports, builder)(ctx.session(), **filters), fmt, output)


_filtered_report("gaps", "gaps", "The evidence gap map: combinations no study covers.")
_filtered_report("outcomes", "outcomes", "Every quantitative outcome in one table.")


@report.command("reporting-quality")
@figure_option("png|svg|pdf", "the items by preparation as a heatmap")
@study_filter_options
@output_options
@pass_context
@_user_errors
def reporting_quality_command(
    ctx: Context, fmt: str | None, output: str | None, figure: str | None, **filters: Any
) -> None:
    """Which MISEV reporting items each extracted EV preparation reports, and its score: the
    share of the items that apply to it."""
    from exodb import reports

    quality = reports.misev_reporting(ctx.session(), **filters)
    if figure and quality.rows:
        _draw("reporting_heatmap", quality, figure)
    elif figure:
        click.echo(f"exodb: no EV preparation in the selection; {figure} not drawn", err=True)
    emit_report(quality, fmt, output)


@report.command("meta-analysis")
@outcome_options
@click.option(
    "--moderator",
    type=click.Choice(BY_CHOICES),
    help="Meta-regression on this study dimension (dose and timepoint as numbers).",
)
@pooling_options
@study_filter_options
@output_options
@pass_context
@_user_errors
def meta_analysis_command(
    ctx: Context,
    fmt: str | None,
    output: str | None,
    outcomes: tuple[str, ...],
    measure: str | None,
    by: str | None,
    dose_breaks: str | None,
    shared_control: str,
    moderator: str | None,
    method: str,
    knha: bool,
    level: float,
    forest: str | None,
    funnel: str | None,
    **filters: Any,
) -> None:
    """Pool the extraction's comparisons (each treated arm against the control arm it names)
    on an outcome scale, at --timepoint DAYS (default: each comparison's last), in the
    studies the filters select: effect sizes, weights, the pooled effect with confidence and
    prediction intervals, heterogeneity, subgroups, leave-one-out and Egger's test."""
    from exodb import reports
    from exodb.cli.synthesis import draw_plots

    result = reports.meta_analysis(
        ctx.session(),
        outcomes,
        measure=measure.upper() if measure else None,
        method=method.upper(),
        knha=knha,
        by=by,
        dose_breaks=breaks(dose_breaks),
        shared_control=shared_control,
        level=level,
        moderator=moderator,
        **filters,
    )
    draw_plots(result, forest, funnel)
    emit_report(result, fmt, output)


@report.command("summary")
@output_options_with("markdown")
@pass_context
@_user_errors
def summary_command(ctx: Context, fmt: str | None, output: str | None) -> None:
    """One page for the whole database, in Markdown unless --format or -o's extension asks for
    another format."""
    from exodb import reports

    emit_report(reports.summary(ctx.session()), fmt or ("markdown" if not output else None), output)


@report.command("study")
@card_options
@pass_context
@_user_errors
def study_report(ctx: Context, key_or_ref: str, fmt: str | None, output: str | None) -> None:
    """A citation-ready card for one study (or each study of a reference number)."""
    _study_cards(ctx, key_or_ref, fmt, output)
