"""``exodb report meta-analysis``: the extraction's comparisons on one outcome (or several, as
standardized or normalised effects) pooled, overall and by a study dimension.

What happens to the data on the way is said in the report's notes: which SDs were derived and
how, which comparisons were left out and why, which time point each study contributes, and
what was done about control groups that several treated arms share."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from exodb import queries
from exodb.queries.comparisons import ComparisonRow, GroupSummary
from exodb.queries.filters import given_filters
from exodb.reports.pooled import MetaAnalysisReport, meta_analysis_report
from exodb.reports.report import Report

# The study dimensions a subgroup analysis can split by (as --by spells them).
BY_DIMENSIONS = ("cell-source", "species", "route", "dose", "timepoint", "injury-model")
NOT_REPORTED = "not reported"


class _Excluded(Exception):
    """This comparison cannot give the chosen effect size; the message says why."""


@dataclass
class Selection:
    """The comparisons of the extraction that a meta-analysis pools, in metafor's columns,
    with what the report shows beside each one and the notes on how they were chosen."""

    measure: str
    scales: list[str]
    by: str | None
    labels: list[str] = field(default_factory=list)
    columns: dict[str, list[float]] = field(default_factory=dict)
    extra: list[dict[str, Any]] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    moderator: str | None = None
    moderated: list[Any] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def select_comparisons(
    session: Session,
    outcomes: Sequence[str],
    *,
    measure: str | None = None,
    by: str | None = None,
    dose_breaks: Sequence[float] = (),
    moderator: str | None = None,
    **filters: Any,
) -> Selection:
    """The comparisons :func:`meta_analysis` pools (see there for the arguments), before any
    shared control is split."""
    by, moderator = _dimension(by, "subgroup"), _dimension(moderator, "moderator")
    timepoint = filters.pop("timepoint", None)
    rows = queries.comparisons(session, outcomes, timepoint=timepoint, **filters)
    notes: list[str] = []
    if timepoint is None and by != "timepoint":
        rows = _last_timepoints(rows)
        if rows:
            notes.append(
                "No --timepoint: each comparison contributes its last time point "
                f"({_days(sorted({r.timepoint_days for r in rows}))})."
            )
    scales = sorted({r.scale for r in rows})
    chosen = measure or ("MD" if len(scales) <= 1 else "SMD")
    if chosen == "MD" and len(scales) > 1:
        raise ValueError(
            f"MD pools one scale, and these comparisons are on {', '.join(scales)}: use "
            "--measure SMD or NMD, or one --outcome"
        )
    selection = Selection(chosen, scales, by, moderator=moderator, notes=notes)
    ancestors = _rollup(session) if "cell-source" in (by, moderator) else {}
    units = {r.dose_unit for r in rows if r.dose_unit}
    if moderator == "dose" and len(units) > 1:
        raise ValueError(
            f"the doses are in {', '.join(sorted(units))}: a meta-regression on dose needs "
            "one unit (--by dose compares bands within each unit)"
        )
    for row in rows:
        label = _label(row, scales, by)
        try:
            numbers, derived = _numbers(row, chosen)
            if moderator == "dose" and row.dose_amount is None:
                raise _Excluded("no dose, for the meta-regression on dose")
        except _Excluded as why:
            selection.excluded.append(f"{label} ({why})")
            continue
        for name, value in numbers.items():
            selection.columns.setdefault(name, []).append(value)
        selection.labels.append(label)
        selection.extra.append(
            {
                "ref": row.ref,
                "scale": row.scale,
                "day": row.timepoint_days,
                "n1i": row.treated.n,
                "n2i": row.control.n,
                "derived": derived,
                "m0i": numbers.get("m0i", _normal(row)),
            }
        )
        selection.controls.append(
            f"{row.study} {row.control.arm} ({row.scale}, day {row.timepoint_days:g})"
        )
        selection.groups.append(_group(row, by, dose_breaks, ancestors))
        if moderator is not None:
            selection.moderated.append(_moderator_value(row, moderator, ancestors))
    if selection.excluded:
        notes.append(
            f"Left out ({len(selection.excluded)}): " + "; ".join(selection.excluded) + "."
        )
    if by == "timepoint":
        notes.append(
            "Subgroups by time point hold the same animals measured again: the test between "
            "them assumes independent subgroups, which these are not."
        )
    if any(e["derived"] for e in selection.extra):
        notes.append(_derived_note(selection.extra))
    active = given_filters({**filters, "timepoint": timepoint})
    if active:
        notes.append("Filters: " + ", ".join(f"{k}={v}" for k, v in active.items()))
    return selection


def _dimension(name: str | None, role: str) -> str | None:
    if name is None:
        return None
    spelled = name.replace("_", "-")
    if spelled not in BY_DIMENSIONS:
        raise ValueError(f"unknown {role} '{name}'; choose one of {', '.join(BY_DIMENSIONS)}")
    return spelled


def _moderator_value(row: ComparisonRow, moderator: str, ancestors: dict) -> Any:
    """Dose and time point as numbers (a continuous moderator); the others as categories."""
    if moderator == "dose":
        return float(row.dose_amount)
    if moderator == "timepoint":
        return float(row.timepoint_days)
    return _group(row, moderator, (), ancestors)


def _split_controls(selection: Selection, shared_control: str) -> None:
    """Give each comparison the control n it is pooled with (split among the comparisons
    that share the control, unless ``shared_control`` is ``flag``)."""
    from exodb.synthesis.sharedcontrol import shared_control_adjusted

    reported = [row["n2i"] for row in selection.extra]
    pooled, _ = shared_control_adjusted(selection.controls, reported, shared_control)
    for row, n in zip(selection.extra, pooled, strict=True):
        row["n2i"] = float(n) if n != int(n) else int(n)


def meta_analysis(
    session: Session,
    outcomes: Sequence[str],
    *,
    measure: str | None = None,
    method: str = "REML",
    knha: bool = False,
    by: str | None = None,
    dose_breaks: Sequence[float] = (),
    shared_control: str = "split",
    level: float = 0.95,
    moderator: str | None = None,
    **filters: Any,
) -> MetaAnalysisReport:
    """Pool the comparisons on ``outcomes`` of the studies passing ``filters`` (those of
    :func:`exodb.queries.studies`; ``timepoint`` also picks the measurements' day: without
    it, each comparison contributes its last time point, unless ``by="timepoint"``).

    ``measure`` defaults to MD for one scale and SMD for several; MD across scales is refused.
    ``by`` is one of :data:`BY_DIMENSIONS`; ``dose_breaks`` cut doses into bands (in each
    arm's own unit; without breaks each dose is its own band). Cell sources roll up to the
    source Table 1 profiles. ``shared_control`` is ``split`` or ``flag``
    (:mod:`exodb.synthesis.sharedcontrol`). ``moderator`` (one of :data:`BY_DIMENSIONS`;
    dose and time point continuous, the others categorical) adds a meta-regression."""
    from exodb.synthesis.analysis import analyse

    selection = select_comparisons(
        session,
        outcomes,
        measure=measure,
        by=by,
        dose_breaks=dose_breaks,
        moderator=moderator,
        **filters,
    )
    count = len(selection.labels)
    if count < 2:
        found = f"{count} comparison" + ("" if count == 1 else "s")
        left_out = selection.excluded
        raise ValueError(
            f"{found} on {', '.join(outcomes)} to pool; a meta-analysis needs at least two "
            "(a treated arm and the control arm it names, measured on the scale at the same "
            "time point)" + (f". Left out: {'; '.join(left_out)}" if left_out else "")
        )
    analysis = analyse(
        selection.measure,
        selection.columns,
        selection.labels,
        method=method,
        knha=knha,
        level=level,
        by=selection.by,
        groups=selection.groups if selection.by else None,
        controls=selection.controls,
        shared_control=shared_control,
        moderator=selection.moderator,
        moderator_values=selection.moderated if selection.moderator else None,
    )
    _split_controls(selection, shared_control)
    return meta_analysis_report(
        analysis,
        title=f"Meta-analysis of {', '.join(selection.scales)}",
        extra=selection.extra,
        extra_headers={"ref": "ref", "day": "day", "n1i": "n treated", "n2i": "n control"},
        hidden=("m0i",),
        notes=selection.notes,
    )


# The escalc-ready table: metafor's names first, so that escalc(measure, m1i = m1i, ...)
# reads it as it is, then where each row came from.
METAFOR_COLUMNS = ["study", "m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "m0i"]
METAFOR_COLUMNS += ["ref", "scale", "day", "n2i_reported", "derived", "subgroup"]


def metafor_table(
    session: Session,
    outcomes: Sequence[str],
    *,
    measure: str | None = None,
    by: str | None = None,
    dose_breaks: Sequence[float] = (),
    shared_control: str = "split",
    **filters: Any,
) -> Report:
    """The comparisons :func:`meta_analysis` would pool, one row each, in metafor's column
    names (the SDs as pooled, derived ones included; ``n2i`` as pooled, after a shared
    control was split, with ``n2i_reported`` beside it; ``m0i`` the normal value of NMD):
    ``exodb meta-analysis`` on this file, or ``escalc()`` in R, computes the same effects."""
    selection = select_comparisons(
        session, outcomes, measure=measure, by=by, dose_breaks=dose_breaks, **filters
    )
    reported = [e["n2i"] for e in selection.extra]
    _split_controls(selection, shared_control)
    rows = []
    for i, label in enumerate(selection.labels):
        extra = selection.extra[i]
        rows.append(
            {
                "study": label,
                **{name: values[i] for name, values in selection.columns.items()},
                "n2i": extra["n2i"],
                "m0i": extra["m0i"],
                "ref": extra["ref"],
                "scale": extra["scale"],
                "day": extra["day"],
                "n2i_reported": reported[i],
                "derived": extra["derived"],
                "subgroup": selection.groups[i] if by else None,
            }
        )
    columns = [c for c in METAFOR_COLUMNS if c != "subgroup" or by]
    return Report(
        f"Comparisons on {', '.join(selection.scales) or ', '.join(outcomes)}",
        columns,
        {},
        rows,
        notes=selection.notes,
        key="meta",
    )


def _last_timepoints(rows: list[ComparisonRow]) -> list[ComparisonRow]:
    last: dict[tuple, ComparisonRow] = {}
    for row in rows:
        key = (row.study, row.scale, row.treated.arm)
        if key not in last or row.timepoint_days > last[key].timepoint_days:
            last[key] = row
    return [row for row in rows if last[(row.study, row.scale, row.treated.arm)] is row]


def _numbers(row: ComparisonRow, measure: str) -> tuple[dict[str, float], list[str]]:
    """metafor's columns for ``row``, and which of its SDs were derived (and from what)."""
    from exodb.synthesis.dispersion import NoStandardDeviation, sd_from

    derived = []
    values = {}
    for group, m, sd, n in (
        (row.treated, "m1i", "sd1i", "n1i"),
        (row.control, "m2i", "sd2i", "n2i"),
    ):
        if group.n < 2:
            raise _Excluded(f"{group.arm}: n = {group.n}, an SD needs at least 2")
        try:
            spread = sd_from(
                group.dispersion_kind,
                group.n,
                dispersion=group.dispersion,
                lower=group.lower,
                upper=group.upper,
            )
        except NoStandardDeviation as exc:
            raise _Excluded(f"{group.arm}: {exc}") from None
        if spread.derived_from:
            derived.append(f"{group.arm} SD from {spread.derived_from}")
        if group.central_kind == "median":
            derived.append(f"{group.arm} median as mean")
        values |= {m: group.central, sd: spread.sd, n: float(group.n)}
    if measure == "ROM" and min(values["m1i"], values["m2i"]) <= 0:
        raise _Excluded("ROM needs means greater than 0")
    if measure == "NMD":
        normal = _normal(row)
        if normal is None:
            raise _Excluded("no sham group measured then, and the scale has no normal value")
        if normal == values["m2i"]:
            raise _Excluded("the control equals the normal value: no deficit to recover")
        values["m0i"] = normal
        if row.sham is None:
            derived.append(f"normal = {row.scale}'s normal value {normal:g}")
    return values, derived


def _normal(row: ComparisonRow) -> float | None:
    sham: GroupSummary | None = row.sham
    return sham.central if sham is not None else row.normal_value


def _label(row: ComparisonRow, scales: list[str], by: str | None) -> str:
    label = f"{row.study}: {row.treated.arm} vs {row.control.arm}"
    if len(scales) > 1:
        label += f", {row.scale}"
    if by == "timepoint":
        label += f", day {row.timepoint_days:g}"
    return label


def _group(row: ComparisonRow, by: str | None, breaks: Sequence[float], ancestors: dict) -> str:
    if by is None:
        return ""
    if by == "cell-source":
        return ancestors.get(row.cell_source, row.cell_source) or NOT_REPORTED
    if by == "species":
        return row.species or NOT_REPORTED
    if by == "route":
        return row.route or NOT_REPORTED
    if by == "injury-model":
        return row.injury_model or NOT_REPORTED
    if by == "timepoint":
        return f"day {row.timepoint_days:g}"
    return _dose_band(row.dose_amount, row.dose_unit, breaks)


def _dose_band(amount: float | None, unit: str | None, breaks: Sequence[float]) -> str:
    """A dose's band: below the first break, between two, or at or above the last (in the
    arm's own unit, so bands never mix units)."""
    if amount is None:
        return NOT_REPORTED
    edges = sorted(breaks)
    if not edges:
        return f"{amount:g} {unit}"
    at = bisect_right(edges, amount)
    if at == 0:
        return f"< {edges[0]:g} {unit}"
    if at == len(edges):
        return f">= {edges[-1]:g} {unit}"
    return f"{edges[at - 1]:g}-{edges[at]:g} {unit}"


def _rollup(session: Session) -> dict[str, str]:
    from exodb.reports.dimensions import _profiled_ancestors

    return _profiled_ancestors(session)


def _days(days: list[float]) -> str:
    return "day " + ", ".join(f"{d:g}" for d in days)


def _derived_note(extra: list[dict]) -> str:
    from exodb.synthesis.dispersion import DERIVATIONS

    count = sum(1 for e in extra if e["derived"])
    said = " ".join(d for e in extra for d in e["derived"])
    rules = [DERIVATIONS[kind] for kind in ("sem", "ci95", "iqr") if f"from {kind}" in said]
    if "median as mean" in said and DERIVATIONS["iqr"] not in rules:
        rules.append("a median used as the mean")
    if "normal value" in said:
        rules.append("without a sham group, NMD's normal value is the scale's")
    return (
        f"{count} comparison(s) rest on derived numbers (column derived): {'; '.join(rules)} "
        "(Cochrane Handbook 6.5.2)."
    )
