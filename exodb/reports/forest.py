"""Forest and funnel plots of a meta-analysis (need the optional matplotlib), to PNG, SVG or
PDF. In SVG every label stays text (``svg.fonttype = none``), so a figure can be edited in a
vector editor before it goes into a manuscript."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from exodb.reports.figures import REPORTING_FORMATS, _checked, _pyplot, _save

AXIS_LABELS = {
    "MD": "Mean difference (treated - control)",
    "SMD": "Standardized mean difference (Hedges' g)",
    "ROM": "Log ratio of means",
    "NMD": "Normalised mean difference (% of deficit recovered)",
    "RR": "Log risk ratio",
    "OR": "Log odds ratio",
    "GEN": "Effect size",
}
# A forest plot is read row by row: beyond this many rows it is a smear, and its file
# grows to tens of megabytes.
FOREST_MAX_ROWS = 300
# Text stays text in SVG and PDF (TrueType, not outlines), so labels can be edited.
EDITABLE_TEXT = {"svg.fonttype": "none", "pdf.fonttype": 42}


def forest_plot(report: Any, path: str | Path, *, protect: Iterable[Path] = ()) -> Path:
    """Draw a meta-analysis (:class:`exodb.reports.pooled.MetaAnalysisReport`): one row per
    comparison (a square sized by its weight, its confidence interval, its numbers on the
    right), the pooled diamond, its prediction interval as a line, and each subgroup's
    diamond when the analysis has subgroups."""
    path = _checked(path, REPORTING_FORMATS)
    analysis = report.analysis
    if analysis.k > FOREST_MAX_ROWS:
        raise ValueError(
            f"a forest plot of {analysis.k:,} comparisons is not readable; it is drawn for up "
            f"to {FOREST_MAX_ROWS} (a funnel plot shows any number)"
        )
    plt = _pyplot()
    from scipy.stats import norm

    z = float(norm.ppf(1 - (1 - analysis.level) / 2))
    yi, vi = analysis.effects.yi, analysis.effects.vi
    overall = analysis.overall
    rows: list[tuple[str, str, Any]] = []  # (kind, label, payload), drawn top to bottom
    if analysis.subgroups is not None:
        for label, pooled in analysis.subgroups.groups:
            rows.append(("heading", f"{analysis.by}: {label}", None))
            rows += [
                ("study", analysis.labels[i], i)
                for i in range(len(yi))
                if analysis.groups[i] == label
            ]
            rows.append(("diamond", f"Subgroup ({pooled.k})", pooled))
    else:
        rows += [("study", label, i) for i, label in enumerate(analysis.labels)]
    rows.append(("diamond", f"Overall, {analysis.method} (k = {overall.k})", overall))
    height = max(3.0, 0.32 * len(rows) + 1.6)
    with plt.rc_context(EDITABLE_TEXT):
        fig, ax = plt.subplots(figsize=(9.5, height))
        weights = overall.weights
        top = max(weights) if weights else 1
        for position, (kind, label, payload) in enumerate(rows):
            y = len(rows) - position
            if kind == "heading":
                ax.text(0, y, label, transform=ax.get_yaxis_transform(), ha="right",
                        va="center", fontweight="bold", fontsize=9)  # fmt: skip
                continue
            ax.text(-0.02, y, label, transform=ax.get_yaxis_transform(), ha="right",
                    va="center", fontsize=9)  # fmt: skip
            if kind == "study":
                i = payload
                low, high = yi[i] - z * vi[i] ** 0.5, yi[i] + z * vi[i] ** 0.5
                ax.plot([low, high], [y, y], color="black", linewidth=1)
                ax.plot(yi[i], y, marker="s", color="#2166ac", linestyle="none",
                        markersize=4 + 8 * (weights[i] / top) ** 0.5)  # fmt: skip
                text = f"{yi[i]:.2f} [{low:.2f}, {high:.2f}]  {weights[i]:.1f}%"
            else:
                p = payload
                ax.fill([p.ci_lb, p.estimate, p.ci_ub, p.estimate],
                        [y, y + 0.3, y, y - 0.3], color="#b2182b")  # fmt: skip
                if p.tau2 > 0:
                    ax.plot([p.pi_lb, p.pi_ub], [y - 0.45, y - 0.45], color="#b2182b",
                            linewidth=1, linestyle="--")  # fmt: skip
                text = f"{p.estimate:.2f} [{p.ci_lb:.2f}, {p.ci_ub:.2f}]"
            ax.text(1.02, y, text, transform=ax.get_yaxis_transform(), ha="left",
                    va="center", fontsize=9)  # fmt: skip
        percent = round(analysis.level * 100)
        header = len(rows) + 0.8
        ax.text(-0.02, header, "Comparison", transform=ax.get_yaxis_transform(), ha="right",
                va="center", fontsize=9, fontweight="bold")  # fmt: skip
        ax.text(1.02, header, f"Effect [{percent}% CI]  weight", ha="left", va="center",
                transform=ax.get_yaxis_transform(), fontsize=9, fontweight="bold")  # fmt: skip
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.set_ylim(0.3, len(rows) + 1.2)
        ax.set_yticks([])
        ax.set_xlabel(AXIS_LABELS.get(analysis.measure, "Effect size"))
        for side in ("left", "right", "top"):
            ax.spines[side].set_visible(False)
        heterogeneity = f"tau² = {overall.tau2:.3g}, Q = {overall.Q:.2f} (df = {overall.Q_df})"
        if overall.I2 is not None:
            heterogeneity += f", I² = {overall.I2:.1f}%"
        ax.set_title(f"{report.title}\n{heterogeneity}; dashed: prediction interval",
                     fontsize=10)  # fmt: skip
        fig.subplots_adjust(left=0.42, right=0.78)
        return _save(plt, fig, path, protect, tight=False)


def funnel_plot(report: Any, path: str | Path, *, protect: Iterable[Path] = ()) -> Path:
    """Effect sizes against their standard errors (smaller at the top), with the pooled
    estimate and the pseudo-confidence region around it (metafor's ``funnel()``)."""
    path = _checked(path, REPORTING_FORMATS)
    plt = _pyplot()
    from scipy.stats import norm

    analysis = report.analysis
    z = float(norm.ppf(1 - (1 - analysis.level) / 2))
    yi, se = analysis.effects.yi, analysis.effects.vi**0.5
    centre = analysis.overall.estimate
    with plt.rc_context(EDITABLE_TEXT):
        fig, ax = plt.subplots(figsize=(6, 5))
        deepest = float(se.max()) * 1.1
        ax.fill([centre - z * deepest, centre, centre + z * deepest],
                [deepest, 0, deepest], color="#f0f0f0", zorder=0)  # fmt: skip
        ax.plot([centre - z * deepest, centre, centre + z * deepest], [deepest, 0, deepest],
                color="grey", linestyle="--", linewidth=0.8)  # fmt: skip
        ax.axvline(centre, color="#b2182b", linewidth=1)
        ax.plot(yi, se, marker="o", linestyle="none", color="#2166ac")
        ax.set_ylim(deepest, 0)
        ax.set_xlabel(AXIS_LABELS.get(analysis.measure, "Effect size"))
        ax.set_ylabel("Standard error")
        title = report.title
        if analysis.egger is not None:
            e = analysis.egger
            title += f"\nEgger's test: {'t' if e.df else 'z'} = {e.statistic:.2f}, p = {e.pval:.3g}"
        ax.set_title(title, fontsize=10)
        return _save(plt, fig, path, protect)
