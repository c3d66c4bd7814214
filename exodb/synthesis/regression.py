"""Meta-regression: the effect size as a linear function of study-level moderators, with
tau² as the residual heterogeneity (metafor's ``rma(yi, vi, mods = ...)``), the omnibus test of
the moderators and Wald tests of any subset of the coefficients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from exodb.synthesis.model import Fit, fit
from exodb.synthesis.pooling import METHODS, checked


@dataclass(frozen=True)
class Coefficient:
    name: str
    estimate: float
    se: float
    statistic: float
    pval: float
    ci_lb: float
    ci_ub: float


@dataclass(frozen=True)
class WaldTest:
    """The test that the coefficients ``names`` are all 0: QM is chi-square on ``df``
    degrees of freedom, or (under Knapp-Hartung) an F on ``df`` and ``df2``."""

    names: tuple[str, ...]
    QM: float
    df: int
    df2: int | None
    pval: float


@dataclass(frozen=True)
class MetaRegression:
    """A fitted meta-regression. ``R2`` is the share (percent) of the tau² of the model
    without moderators that the moderators account for (metafor's pseudo-R², 0 when that tau²
    is 0); for the equal-effects model, the adjusted R² of the weighted regression."""

    k: int
    method: str
    knha: bool
    coefficients: tuple[Coefficient, ...]
    moderators: WaldTest
    tau2: float
    I2: float | None
    H2: float | None
    QE: float
    QE_df: int
    QE_p: float
    R2: float
    fit: Fit


def design_matrix(
    moderators: Mapping[str, Sequence[Any]], *, reference: Mapping[str, Any] | None = None
) -> tuple[np.ndarray, list[str]]:
    """An intercept, then each moderator: a numeric one as itself; a categorical one (any
    value that is not a number) as one 0/1 column per level but the first in sorted order
    (or ``reference[name]``), named ``name[level]``, as R's treatment contrasts do."""
    columns: list[np.ndarray] = []
    names: list[str] = ["intrcpt"]
    k = None
    for name, values in moderators.items():
        values = list(values)
        k = len(values) if k is None else k
        if len(values) != k:
            raise ValueError("every moderator needs one value per study")
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            columns.append(np.asarray(values, dtype=float))
            names.append(name)
            continue
        levels = sorted({str(v) for v in values})
        first = str((reference or {}).get(name, levels[0]))
        for level in levels:
            if level != first:
                columns.append(np.array([1.0 if str(v) == level else 0.0 for v in values]))
                names.append(f"{name}[{level}]")
    if k is None:
        raise ValueError("a meta-regression needs at least one moderator")
    return np.column_stack([np.ones(k), *columns]), names


def meta_regression(
    yi: ArrayLike,
    vi: ArrayLike,
    moderators: Mapping[str, Sequence[Any]],
    *,
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
    reference: Mapping[str, Any] | None = None,
) -> MetaRegression:
    """Regress ``yi`` on ``moderators`` (name -> one value per study); see
    :func:`design_matrix` for how categorical moderators are coded."""
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    y, v = checked(yi, vi)
    X, names = design_matrix(moderators, reference=reference)
    k, p = X.shape
    if k <= p:
        raise ValueError(
            f"{k} studies cannot estimate {p} coefficients; a meta-regression needs more "
            "studies than coefficients"
        )
    if np.linalg.matrix_rank(X) < p:
        raise ValueError("the moderators are collinear (one is a combination of the others)")
    model = fit(y, v, X, method=method, knha=knha, level=level)
    crit = model.critical()
    statistic = model.b / model.se
    pvals = model.p_value(statistic)
    coefficients = tuple(
        Coefficient(
            names[i],
            float(model.b[i]),
            float(model.se[i]),
            float(statistic[i]),
            float(pvals[i]),
            float(model.b[i] - crit * model.se[i]),
            float(model.b[i] + crit * model.se[i]),
        )
        for i in range(p)
    )
    if method == "EE":
        R2 = _adjusted_r2(y, v, X)
    else:
        null = fit(y, v, np.ones((k, 1)), method=method, level=level)
        R2 = max(0.0, 100 * (null.tau2 - model.tau2) / null.tau2) if null.tau2 > 0 else 0.0
    return MetaRegression(
        k=k,
        method=method,
        knha=knha,
        coefficients=coefficients,
        moderators=wald_test(model, list(range(1, p)), names),
        tau2=model.tau2,
        I2=model.I2,
        H2=model.H2,
        QE=model.QE,
        QE_df=model.QE_df,
        QE_p=model.QE_p,
        R2=R2,
        fit=model,
    )


def _adjusted_r2(y: np.ndarray, v: np.ndarray, X: np.ndarray) -> float:
    """The equal-effects model's R²: metafor's max(0, 100 x adjusted R²) of
    lm(yi ~ X, weights = 1/vi), in percent."""
    if np.ptp(y) == 0:
        return 0.0
    w = 1 / v
    k, p = X.shape
    XtW = X.T * w
    fitted = X @ np.linalg.solve(XtW @ X, XtW @ y)
    centre = (w * fitted).sum() / w.sum()
    explained = float((w * (fitted - centre) ** 2).sum())
    residual = float((w * (y - fitted) ** 2).sum())
    r2 = explained / (explained + residual)
    return max(0.0, 100 * (1 - (1 - r2) * (k - 1) / (k - p)))


def wald_test(model: Fit, columns: Sequence[int], names: Sequence[str] | None = None) -> WaldTest:
    """Test that the coefficients at ``columns`` of ``model`` are all 0 (metafor's ``btt``)."""
    from scipy.stats import chi2, f

    index = list(columns)
    b = model.b[index]
    qm = float(b @ np.linalg.solve(model.vb[np.ix_(index, index)], b))
    m = len(index)
    labels = tuple(names[i] for i in index) if names else tuple(map(str, index))
    if model.df:
        return WaldTest(labels, qm / m, m, model.df, float(f.sf(qm / m, m, model.df)))
    return WaldTest(labels, qm, m, None, float(chi2.sf(qm, m)))
