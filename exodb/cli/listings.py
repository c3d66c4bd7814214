"""The listings: one command per library query, each printing its rows in any format."""

from __future__ import annotations

from typing import Any

import click

from exodb.cli.common import (
    Context,
    _study_cards,
    _user_errors,
    card_options,
    emit,
    output_options,
    pass_context,
    study_filter_options,
)
from exodb.names import vocabulary as v


def _ordinal(name: str) -> click.Choice:
    return click.Choice(v.ORDINALS[name])


# CSV listings also carry the identifiers of other resources (CURIEs, ';'-separated).
IDENTIFIERS = ("identifiers",)


@click.command("cell-sources")
@click.option("--immunogenicity", type=_ordinal("immunogenicity"), help="Exactly this level.")
@click.option("--max-immunogenicity", type=_ordinal("immunogenicity"), help="At most this level.")
@click.option("--clinical-potential", type=_ordinal("clinical_potential"), help="Exactly this.")
@click.option(
    "--min-clinical-potential", type=_ordinal("clinical_potential"), help="At least this level."
)
@click.option(
    "--max-acquisition", type=_ordinal("acquisition"), help="At most this hard to obtain."
)
@click.option("--min-expansion", type=_ordinal("expansion"), help="At least this expandable.")
@click.option(
    "--category", type=click.Choice(v.CELL_SOURCE_CATEGORIES), help="What kind of source it is."
)
@click.option("--within", metavar="SOURCE", help="A source and everything below it (e.g. MSC).")
@click.option("--profiled", is_flag=True, help="Only the nine sources compared in Table 1.")
@output_options
@pass_context
@_user_errors
def cell_sources_command(ctx: Context, fmt: str | None, output: str | None, **filters: Any) -> None:
    """Exosome cell sources, with Table 1's comparison where the review gives one."""
    from exodb import queries

    rows = queries.cell_sources(ctx.session(), **filters)
    columns = ["key", "name", "abbreviation", "parent", "immunogenicity", "clinical_potential"]
    emit(rows, fmt, columns + ["acquisition", "expansion", "refs"], output, IDENTIFIERS)


@click.command()
@click.option("--key", type=click.Choice(v.MECHANISM_KEYS), help="One mechanism only.")
@output_options
@pass_context
@_user_errors
def mechanisms(ctx: Context, fmt: str | None, output: str | None, key: str | None) -> None:
    """Table 2: mechanisms of exosome therapy, with core functions, molecules and pathways."""
    from exodb import queries

    rows = queries.mechanisms(ctx.session(), key=key)
    emit(rows, fmt, ["key", "name", "section", "functions", "pathways"], output, IDENTIFIERS)


@click.command("delivery-systems")
@click.option("--indication", metavar="DISEASE", help="e.g. glioma, SCI, stroke.")
@click.option("--payload", metavar="TEXT", help="Loaded drug type contains TEXT (e.g. siRNA).")
@output_options
@pass_context
@_user_errors
def delivery_systems_command(
    ctx: Context, fmt: str | None, output: str | None, indication: str | None, payload: str | None
) -> None:
    """Table 3: exosome-based nano-delivery systems."""
    from exodb import queries

    rows = queries.delivery_systems(ctx.session(), indication=indication, payload=payload)
    emit(rows, fmt, ["key", "name", "payloads", "indications", "refs"], output)


@click.command()
@output_options
@pass_context
@_user_errors
def trials(ctx: Context, fmt: str | None, output: str | None) -> None:
    """Clinical trials of exosomes in SCI (as the review reports them)."""
    from exodb import queries

    rows = queries.trials(ctx.session())
    emit(rows, fmt, ["registry_id", "phase", "source", "route", "population", "ref"], output)


@click.command()
@click.option("--kind", type=click.Choice(v.MOLECULE_KINDS), help="One kind of molecule.")
@click.option("--name", metavar="NAME", help="One molecule, by any name or alias.")
@output_options
@pass_context
@_user_errors
def molecules(
    ctx: Context, fmt: str | None, output: str | None, kind: str | None, name: str | None
) -> None:
    """Molecules (cargo, targets, pathway nodes) and how many studies involve each."""
    from exodb import queries

    rows = queries.molecules(ctx.session(), kind=kind, name=name)
    emit(rows, fmt, ["key", "kind", "full_name", "parent", "studies"], output, IDENTIFIERS)


@click.command()
@click.option("--node", metavar="NODES", help="Containing a node (NF-kB) or chain (PI3K/Akt).")
@output_options
@pass_context
@_user_errors
def pathways(ctx: Context, fmt: str | None, output: str | None, node: str | None) -> None:
    """Signalling pathways as written, their nodes, and how many studies cite each."""
    from exodb import queries

    rows = queries.pathways(ctx.session(), node=node)
    emit(rows, fmt, ["key", "nodes", "studies"], output, IDENTIFIERS)


@click.command()
@study_filter_options
@output_options
@pass_context
@_user_errors
def studies(ctx: Context, fmt: str | None, output: str | None, **filters: Any) -> None:
    """Primary studies the review describes; all filters combine with AND."""
    from exodb import queries

    rows = queries.studies(ctx.session(), **filters)
    columns = ["key", "ref", "first_author", "cell_source", "cargo", "pathways", "mechanisms"]
    emit(rows, fmt, [*columns, "species"], output)


@click.command()
@card_options
@pass_context
@_user_errors
def show(ctx: Context, key_or_ref: str, fmt: str | None, output: str | None) -> None:
    """Everything about one study (KEY), or about each study of a reference number (N)."""
    _study_cards(ctx, key_or_ref, fmt, output)


@click.command()
@click.option("--kind", type=click.Choice(v.CURATION_KINDS), help="One kind of problem.")
@click.option("--subject", metavar="FILE:KEY", help="e.g. cell_sources:uc_msc, references:146")
@output_options
@pass_context
@_user_errors
def notes(
    ctx: Context, fmt: str | None, output: str | None, kind: str | None, subject: str | None
) -> None:
    """Curation notes: the review's typos, inconsistencies and contradictions."""
    from exodb import queries

    rows = queries.curation_notes(ctx.session(), kind=kind, subject=subject)
    emit(rows, fmt, ["key", "kind", "section", "subject", "review_text"], output)


@click.command()
@click.option("--markers", is_flag=True, help="Only the contents the review names as markers.")
@output_options
@pass_context
@_user_errors
def components(ctx: Context, fmt: str | None, output: str | None, markers: bool) -> None:
    """Section 2: what exosomes contain, and their markers."""
    from exodb import queries

    rows = queries.exosome_components(ctx.session(), markers_only=markers)
    emit(rows, fmt, ["molecule", "component_class", "group", "is_marker", "refs"], output)


@click.command()
@output_options
@pass_context
@_user_errors
def epidemiology(ctx: Context, fmt: str | None, output: str | None) -> None:
    """Section 1: incidence of spinal cord injury.

    The same table holds the review's other figures that belong to no study: section 2's
    typical exosome diameter (30 to 150 nm).
    """
    from exodb import queries

    rows = queries.epidemiology(ctx.session())
    emit(
        rows,
        fmt,
        ["key", "measure", "condition", "value", "unit", "region", "note", "refs"],
        output,
    )
