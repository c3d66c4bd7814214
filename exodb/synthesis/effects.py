"""Effect sizes of two-group comparisons and their sampling variances, as metafor's ``escalc``
computes them (its defaults: ``vtype="LS"``, ``correct=TRUE``, ``add=1/2, to="only0"``).

Group 1 is the treated group, group 2 its control: a positive MD, SMD or log ratio means the
treated group scored higher. NMD, the normalised mean difference of CAMARADES' animal
meta-analyses, instead measures the share of the injury's deficit that treatment recovered, so
that its sign does not depend on whether a scale counts up or down.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

# The arm-level measures of the command line, then the two of counts, then given yi/vi.
ARM_MEASURES = ("MD", "SMD", "ROM", "NMD")
COUNT_MEASURES = ("RR", "OR")
MEASURES = (*ARM_MEASURES, *COUNT_MEASURES, "GEN")

DESCRIPTIONS = {
    "MD": "raw mean difference (treated - control), in the scale's units",
    "SMD": "standardized mean difference, Hedges' g (metafor: exact bias correction, "
    "variance 1/n1 + 1/n2 + g^2 / (2 (n1 + n2)))",
    "ROM": "log ratio of means, log(treated / control), with metafor's second-order bias "
    "correction",
    "NMD": "normalised mean difference: 100 x (treated - control) / (normal - control), the "
    "percentage of the deficit recovered, normal being the sham group's mean or the scale's "
    "uninjured value",
    "RR": "log risk ratio",
    "OR": "log odds ratio",
    "GEN": "effect sizes and sampling variances as given (yi, vi)",
}

# The columns each measure needs, in metafor's names (m0i: the sham or normal mean for NMD).
COLUMNS = {
    "MD": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "SMD": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "ROM": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    "NMD": ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i", "m0i"),
    "RR": ("ai", "bi", "ci", "di"),
    "OR": ("ai", "bi", "ci", "di"),
    "GEN": ("yi", "vi"),
}


@dataclass(frozen=True)
class EffectSizes:
    """One effect size ``yi`` and its sampling variance ``vi`` per comparison, of ``measure``.
    ``notes`` say what was adjusted on the way (a zero cell corrected, say)."""

    measure: str
    yi: np.ndarray
    vi: np.ndarray
    notes: tuple[str, ...] = field(default=())

    @property
    def k(self) -> int:
        return len(self.yi)


def _arrays(*values: Any) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in values]


def mean_difference(
    m1i: ArrayLike, sd1i: ArrayLike, n1i: ArrayLike, m2i: ArrayLike, sd2i: ArrayLike, n2i: ArrayLike
) -> EffectSizes:
    """MD = m1 - m2, variance sd1²/n1 + sd2²/n2 (metafor's MD, ``vtype="LS"``)."""
    m1, s1, n1, m2, s2, n2 = _arrays(m1i, sd1i, n1i, m2i, sd2i, n2i)
    return EffectSizes("MD", m1 - m2, s1**2 / n1 + s2**2 / n2)


def bias_correction(df: np.ndarray) -> np.ndarray:
    """Hedges' exact correction factor c(m) = Γ(m/2) / (sqrt(m/2) Γ((m-1)/2)), computed on the
    log scale as metafor's ``.cmicalc`` does, so that it does not overflow for large m."""
    from scipy.special import gammaln

    df = np.asarray(df, dtype=float)
    with np.errstate(invalid="ignore"):
        c = np.exp(gammaln(df / 2) - np.log(np.sqrt(df / 2)) - gammaln((df - 1) / 2))
    return np.where(df <= 1, np.nan, c)


def standardized_mean_difference(
    m1i: ArrayLike, sd1i: ArrayLike, n1i: ArrayLike, m2i: ArrayLike, sd2i: ArrayLike, n2i: ArrayLike
) -> EffectSizes:
    """Hedges' g: (m1 - m2) / pooled SD, times the exact correction c(n1 + n2 - 2); variance
    1/n1 + 1/n2 + g² / (2 (n1 + n2)) (metafor's SMD, ``vtype="LS"``)."""
    m1, s1, n1, m2, s2, n2 = _arrays(m1i, sd1i, n1i, m2i, sd2i, n2i)
    df = n1 + n2 - 2
    pooled = np.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / df)
    g = bias_correction(df) * (m1 - m2) / pooled
    return EffectSizes("SMD", g, 1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)))


def ratio_of_means(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    *,
    correct: bool = True,
) -> EffectSizes:
    """log(m1 / m2), with the second-order bias correction of Lajeunesse (2015) that metafor 5
    applies by default (``correct=False`` for the plain log ratio); variance
    sd1²/(n1 m1²) + sd2²/(n2 m2²)."""
    m1, s1, n1, m2, s2, n2 = _arrays(m1i, sd1i, n1i, m2i, sd2i, n2i)
    yi = np.log(m1 / m2)
    if correct:
        yi = yi + (s1**2 / (n1 * m1**2) - s2**2 / (n2 * m2**2)) / 2
    return EffectSizes("ROM", yi, s1**2 / (n1 * m1**2) + s2**2 / (n2 * m2**2))


def normalised_mean_difference(
    m1i: ArrayLike,
    sd1i: ArrayLike,
    n1i: ArrayLike,
    m2i: ArrayLike,
    sd2i: ArrayLike,
    n2i: ArrayLike,
    m0i: ArrayLike,
) -> EffectSizes:
    """NMD = 100 (m1 - m2) / (m0 - m2), m0 the normal (sham) mean; each group's SD is scaled by
    the same 100 / |m0 - m2|, and the variance is sd1*²/n1 + sd2*²/n2 (Vesterinen et al.,
    2014, who take the sham group's SD as negligible)."""
    m1, s1, n1, m2, s2, n2, m0 = _arrays(m1i, sd1i, n1i, m2i, sd2i, n2i, m0i)
    deficit = m0 - m2
    scale = 100 / np.abs(deficit)
    yi = 100 * (m1 - m2) / deficit
    return EffectSizes("NMD", yi, (scale * s1) ** 2 / n1 + (scale * s2) ** 2 / n2)


def _counts(
    ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike
) -> tuple[list[np.ndarray], tuple[str, ...]]:
    """The four cells, with 1/2 added to each cell of a table that has a zero (metafor's
    ``add=1/2, to="only0"``)."""
    a, b, c, d = _arrays(ai, bi, ci, di)
    zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    if not zero.any():
        return [a, b, c, d], ()
    a, b, c, d = (x + 0.5 * zero for x in (a, b, c, d))
    note = f"1/2 added to each cell of {int(zero.sum())} table(s) with a zero cell"
    return [a, b, c, d], (note,)


def log_risk_ratio(ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike) -> EffectSizes:
    """log((a / (a + b)) / (c / (c + d))), variance 1/a - 1/(a+b) + 1/c - 1/(c+d)."""
    (a, b, c, d), notes = _counts(ai, bi, ci, di)
    n1, n2 = a + b, c + d
    return EffectSizes("RR", np.log((a / n1) / (c / n2)), 1 / a - 1 / n1 + 1 / c - 1 / n2, notes)


def log_odds_ratio(ai: ArrayLike, bi: ArrayLike, ci: ArrayLike, di: ArrayLike) -> EffectSizes:
    """log(a d / (b c)), variance 1/a + 1/b + 1/c + 1/d."""
    (a, b, c, d), notes = _counts(ai, bi, ci, di)
    return EffectSizes("OR", np.log(a * d / (b * c)), 1 / a + 1 / b + 1 / c + 1 / d, notes)


def given(yi: ArrayLike, vi: ArrayLike) -> EffectSizes:
    """Effect sizes computed elsewhere, with their sampling variances."""
    y, v = _arrays(yi, vi)
    return EffectSizes("GEN", y, v)


_BY_MEASURE = {
    "MD": mean_difference,
    "SMD": standardized_mean_difference,
    "ROM": ratio_of_means,
    "NMD": normalised_mean_difference,
    "RR": log_risk_ratio,
    "OR": log_odds_ratio,
    "GEN": given,
}


def effect_sizes(measure: str, columns: Mapping[str, Any]) -> EffectSizes:
    """The effect sizes of ``measure`` from ``columns`` (metafor's names, :data:`COLUMNS`).

    For RR and OR, ``n1i``/``n2i`` may stand in for ``bi``/``di`` (the group totals)."""
    if measure not in _BY_MEASURE:
        raise ValueError(f"unknown measure '{measure}'; choose one of {', '.join(MEASURES)}")
    columns = dict(columns)
    if measure in COUNT_MEASURES:
        for cell, total, events in (("bi", "n1i", "ai"), ("di", "n2i", "ci")):
            if cell not in columns and total in columns:
                columns[cell] = np.asarray(columns[total], float) - np.asarray(columns[events])
    missing = [name for name in COLUMNS[measure] if name not in columns]
    if missing:
        raise ValueError(f"{measure} needs the columns {', '.join(missing)}")
    return _BY_MEASURE[measure](*(columns[name] for name in COLUMNS[measure]))
