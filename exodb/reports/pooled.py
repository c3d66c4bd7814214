"""A meta-analysis as exodb reports it: the comparisons with their effect sizes and weights,
the pooled effect (overall and per subgroup), leave-one-out, and a JSON document with every
number at full precision. Both ``exodb meta-analysis FILE.csv`` and ``exodb report
meta-analysis`` render one of these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from exodb.reports.report import Report

# Text tables show what metafor prints: 4 decimals (JSON and CSV keep every digit).
DIGITS = 4


@dataclass
class MetaAnalysisReport:
    """The parts a text, Markdown or LaTeX rendering shows; ``tidy``, one row per comparison
    and per pooled estimate, for CSV; ``payload`` for JSON; ``analysis`` for figures."""

    title: str
    parts: list[Report]
    tidy: Report
    payload: dict[str, Any]
    analysis: Any = None
    labels: list[str] = field(default_factory=list)


P_VALUES = ("pval", "Q_p")


def p_text(value: float) -> str:
    """A p-value as metafor prints it: 4 decimals, or "<0.0001"."""
    if value != value:
        return "undefined"
    return f"<{10**-DIGITS:.{DIGITS}f}" if value < 10**-DIGITS else f"{value:.{DIGITS}f}"


def _shown(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row as text tables show it: 4 decimals, p-values below 0.0001 as "<0.0001" (as
    metafor prints them), an undefined number (a Q of one study) as an empty cell."""
    shown: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, float):
            if value != value:
                value = None
            elif key in P_VALUES:
                value = p_text(value)
            else:
                value = round(value, DIGITS)
        shown[key] = value
    return shown


def _pooled_numbers(p: Any) -> dict[str, Any]:
    return {
        "k": p.k,
        "estimate": p.estimate,
        "se": p.se,
        "statistic": p.statistic,
        "df": p.df,
        "pval": p.pval,
        "ci_lb": p.ci_lb,
        "ci_ub": p.ci_ub,
        "pi_lb": p.pi_lb,
        "pi_ub": p.pi_ub,
        "tau2": p.tau2,
        "tau": p.tau,
        "I2": p.I2,
        "H2": p.H2,
        "Q": p.Q,
        "Q_df": p.Q_df,
        "Q_p": p.Q_p,
    }


COMPARISON_HEADERS = {
    "study": "study",
    "subgroup": "subgroup",
    "yi": "effect",
    "ci_lb": "CI low",
    "ci_ub": "CI high",
    "vi": "variance",
    "weight": "weight (%)",
}
POOLED_COLUMNS = ["model", "k", "estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "pval"]
POOLED_COLUMNS += ["tau2", "I2", "H2", "Q", "Q_df", "Q_p"]
TIDY_NUMBERS = ["k", "estimate", "se", "ci_lb", "ci_ub", "pi_lb", "pi_ub", "vi", "weight", "pval"]
TIDY_NUMBERS += ["tau2", "I2", "H2", "Q", "Q_df", "Q_p"]
POOLED_HEADERS = {
    "ci_lb": "CI low",
    "ci_ub": "CI high",
    "pi_lb": "PI low",
    "pi_ub": "PI high",
    "pval": "p",
    "tau2": "tau²",
    "I2": "I² (%)",
    "H2": "H²",
    "Q_df": "df",
    "Q_p": "p (Q)",
}


def meta_analysis_report(
    analysis: Any,
    *,
    title: str,
    extra: Sequence[Mapping[str, Any]] | None = None,
    extra_headers: Mapping[str, str] | None = None,
    notes: Sequence[str] = (),
    hidden: Sequence[str] = (),
) -> MetaAnalysisReport:
    """Report ``analysis`` (an :class:`exodb.synthesis.analysis.MetaAnalysis`). ``extra``
    adds columns to each comparison (its study key, reference, arms, derived SDs), but not
    those in ``hidden``, which only the JSON document carries."""
    from scipy.stats import norm

    p = analysis.overall
    z = float(norm.ppf(1 - (1 - analysis.level) / 2))
    extra = list(extra or [{} for _ in analysis.labels])
    extra_columns = [c for c in (extra[0] if extra else {}) if c != "study" and c not in hidden]
    comparisons = []
    for i, label in enumerate(analysis.labels):
        yi, vi = float(analysis.effects.yi[i]), float(analysis.effects.vi[i])
        row = {"study": label, **extra[i]}
        if analysis.groups is not None:
            row["subgroup"] = analysis.groups[i]
        row |= {
            "yi": yi,
            "vi": vi,
            "ci_lb": yi - z * vi**0.5,
            "ci_ub": yi + z * vi**0.5,
            "weight": p.weights[i],
        }
        comparisons.append(row)
    columns = ["study", *extra_columns]
    columns += ["subgroup"] if analysis.groups is not None else []
    columns += ["yi", "ci_lb", "ci_ub", "vi", "weight"]
    pooled_rows = [{"model": f"overall ({analysis.method})", **_pooled_numbers(p)}]
    if analysis.subgroups is not None:
        pooled_rows += [
            {"model": f"{analysis.by} = {label}", **_pooled_numbers(g)}
            for label, g in analysis.subgroups.groups
        ]
    said = [*analysis.notes, *notes, *_findings(analysis)]
    headers = {**COMPARISON_HEADERS, **(extra_headers or {})}
    parts = [
        Report(
            f"{title}: comparisons ({analysis.measure})",
            columns,
            headers,
            [_shown(row) for row in comparisons],
            key="meta-analysis",
        ),
        Report(
            f"{title}: pooled",
            POOLED_COLUMNS,
            POOLED_HEADERS,
            [_shown(row) for row in pooled_rows],
            notes=said,
            key="meta-analysis",
        ),
    ]
    if analysis.regression is not None:
        parts.append(_regression_report(title, analysis))
    if analysis.leave_one_out:
        parts.append(_leave_one_out_report(title, analysis))
    # One table for CSV: a comparison's effect is its estimate, its sqrt(vi) its se.
    tidy_columns = ["row", *columns[: columns.index("yi")], *TIDY_NUMBERS]
    tidy_rows = [
        {"row": "comparison", **row, "estimate": row["yi"], "se": row["vi"] ** 0.5}
        for row in comparisons
    ]
    tidy_rows += [
        {"row": "pooled", "study": r["model"], **{k: v for k, v in r.items() if k != "model"}}
        for r in pooled_rows
    ]
    tidy = Report(title, tidy_columns, {}, tidy_rows, notes=said, key="meta-analysis")
    payload = _payload(analysis, title, comparisons, said)
    return MetaAnalysisReport(title, parts, tidy, payload, analysis, list(analysis.labels))


def _findings(analysis: Any) -> list[str]:
    found = []
    s = analysis.subgroups
    if s is not None and s.Q_between is not None:
        found.append(
            f"Test for subgroup differences ({analysis.by}): Q = {s.Q_between:.4f}, "
            f"df = {s.df}, p = {p_text(s.pval)} (separate tau² per subgroup)."
        )
    if analysis.egger is not None:
        e = analysis.egger
        kind = f"t({e.df})" if e.df else "z"
        found.append(
            f"Egger's regression test (standard error as predictor, {analysis.method}): "
            f"{kind} = {e.statistic:.4f}, p = {p_text(e.pval)}."
        )
    if analysis.leave_one_out:
        estimates = [
            (r.estimate, label)
            for r, label in zip(analysis.leave_one_out, analysis.labels, strict=True)
        ]
        (low, without_low), (high, without_high) = min(estimates), max(estimates)
        found.append(
            f"Leaving one comparison out, the estimate ranges from {low:.4f} (without "
            f"{without_low}) to {high:.4f} (without {without_high})."
        )
    return found


REGRESSION_COLUMNS = ["coefficient", "estimate", "se", "statistic", "pval", "ci_lb", "ci_ub"]


def _regression_report(title: str, analysis: Any) -> Report:
    r = analysis.regression
    rows = [
        {
            "coefficient": c.name,
            "estimate": c.estimate,
            "se": c.se,
            "statistic": c.statistic,
            "pval": c.pval,
            "ci_lb": c.ci_lb,
            "ci_ub": c.ci_ub,
        }
        for c in r.coefficients
    ]
    test = r.moderators
    kind = f"F({test.df}, {test.df2})" if test.df2 else f"QM (df = {test.df})"
    notes = [
        f"Test of the moderator {analysis.moderator}: {kind} = {test.QM:.4f}, "
        f"p = {p_text(test.pval)}. Residual heterogeneity: tau² = {r.tau2:.4g}, "
        f"QE = {r.QE:.4f} (df = {r.QE_df}), p = {p_text(r.QE_p)}"
        + (f"; R² = {r.R2:.1f}%." if r.R2 is not None else "."),
        "A categorical moderator is coded against its first level in sorted order "
        "(R's treatment contrasts).",
    ]
    return Report(
        f"{title}: meta-regression on {analysis.moderator}",
        REGRESSION_COLUMNS,
        {"statistic": "t" if test.df2 else "z", **POOLED_HEADERS},
        [_shown(row) for row in rows],
        notes=notes,
        key="meta-analysis",
    )


def _leave_one_out_report(title: str, analysis: Any) -> Report:
    rows = [
        {
            "omitted": label,
            "estimate": r.estimate,
            "ci_lb": r.ci_lb,
            "ci_ub": r.ci_ub,
            "pval": r.pval,
            "tau2": r.tau2,
            "I2": r.I2,
            "Q": r.Q,
        }
        for label, r in zip(analysis.labels, analysis.leave_one_out, strict=True)
    ]
    return Report(
        f"{title}: leave one out",
        ["omitted", "estimate", "ci_lb", "ci_ub", "pval", "tau2", "I2", "Q"],
        {"omitted": "without", **POOLED_HEADERS},
        [_shown(row) for row in rows],
        key="meta-analysis",
    )


def _payload(analysis: Any, title: str, comparisons: list[dict], notes: list[str]) -> dict:
    p = analysis.overall
    subgroups = None
    if analysis.subgroups is not None:
        s = analysis.subgroups
        subgroups = {
            "by": analysis.by,
            "groups": [{"subgroup": label, **_pooled_numbers(g)} for label, g in s.groups],
            "Q_between": s.Q_between,
            "df": s.df,
            "pval": s.pval,
        }
    regression = None
    if analysis.regression is not None:
        r = analysis.regression
        regression = {
            "moderator": analysis.moderator,
            "coefficients": [vars(c) for c in r.coefficients],
            "QM": r.moderators.QM,
            "QM_df": r.moderators.df,
            "QM_df2": r.moderators.df2,
            "QM_p": r.moderators.pval,
            "tau2": r.tau2,
            "I2": r.I2,
            "H2": r.H2,
            "QE": r.QE,
            "QE_df": r.QE_df,
            "QE_p": r.QE_p,
            "R2": r.R2,
        }
    egger = None
    if analysis.egger is not None:
        e = analysis.egger
        egger = {
            "statistic": e.statistic,
            "df": e.df,
            "pval": e.pval,
            "intercept": e.limit_estimate,
        }
    return {
        "title": title,
        "measure": analysis.measure,
        "method": analysis.method,
        "knha": analysis.knha,
        "level": analysis.level,
        **_pooled_numbers(p),
        "yi": list(p.yi),
        "vi": list(p.vi),
        "weights": list(p.weights),
        "studies": comparisons,
        "subgroups": subgroups,
        "leave_one_out": [
            {"omitted": label, **_pooled_numbers(r)}
            for label, r in zip(analysis.labels, analysis.leave_one_out, strict=False)
        ],
        "egger": egger,
        "meta_regression": regression,
        "notes": notes,
    }


def meta_analysis_of_file(
    path: str,
    *,
    measure: str | None = None,
    method: str = "REML",
    knha: bool = False,
    by: str | None = None,
    level: float = 0.95,
    moderator: str | None = None,
) -> MetaAnalysisReport:
    """Pool the comparisons of a CSV in metafor's column names
    (:mod:`exodb.synthesis.csvtable`); ``by`` and ``moderator`` name columns of it."""
    import numpy as np

    from exodb.errors import InputFileError
    from exodb.synthesis.analysis import analyse
    from exodb.synthesis.csvtable import effect_problems, read_comparisons
    from exodb.synthesis.effects import effect_sizes

    table = read_comparisons(path, measure=measure, by=by, moderator=moderator)
    with np.errstate(all="ignore"):  # a row that divides by 0 is reported, not warned about
        computed = effect_sizes(table.measure, table.columns)
    problems = effect_problems(table, computed.yi, computed.vi)
    if problems:
        raise InputFileError(problems)
    analysis = analyse(
        table.measure,
        table.columns,
        table.labels,
        method=method,
        knha=knha,
        level=level,
        by=by,
        groups=table.groups,
        moderator=moderator,
        moderator_values=table.moderator,
    )
    return meta_analysis_report(analysis, title=f"Meta-analysis of {path}")
