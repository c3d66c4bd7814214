"""Pooling k effect sizes into one: equal effects or random effects (DL, REML, ML, PM), with
Knapp-Hartung as an option, the confidence and prediction intervals, and the heterogeneity
statistics, as metafor's ``rma()`` and ``predict()`` give them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from exodb.synthesis.model import Fit, fit
from exodb.synthesis.tau2 import TAU2_METHODS

METHODS = TAU2_METHODS
# Larger numbers overflow squares and weighted sums; a wider span of variances leaves the
# smallest weights below the precision of the largest (metafor warns from a ratio of 1e7).
LARGEST = 1e100
VARIANCE_SPAN = 1e12


@dataclass(frozen=True)
class Pooled:
    """A pooled effect and everything a forest plot or a methods section reports of it.

    ``statistic`` is a z value, or a t value on ``df`` degrees of freedom under Knapp-Hartung;
    the prediction interval uses the same distribution (metafor's convention). ``I2`` is in
    percent; ``weights`` are the studies' shares of the total weight, in percent.
    """

    k: int
    method: str
    knha: bool
    level: float
    estimate: float
    se: float
    statistic: float
    pval: float
    ci_lb: float
    ci_ub: float
    pi_lb: float
    pi_ub: float
    tau2: float
    tau: float
    I2: float | None
    H2: float | None
    Q: float
    Q_df: int
    Q_p: float
    df: int | None
    yi: tuple[float, ...]
    vi: tuple[float, ...]
    weights: tuple[float, ...]

    def summary(self) -> dict[str, Any]:
        """The pooled numbers without the per-study ones."""
        return {
            key: getattr(self, key)
            for key in (
                "k", "method", "knha", "estimate", "se", "statistic", "pval", "ci_lb",
                "ci_ub", "pi_lb", "pi_ub", "tau2", "tau", "I2", "H2", "Q", "Q_df", "Q_p", "df",
            )
        }  # fmt: skip


def checked(yi: ArrayLike, vi: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``yi`` and ``vi`` as float arrays, refused when they cannot be pooled."""
    y, v = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    if y.shape != v.shape or y.ndim != 1:
        raise ValueError("yi and vi must be two lists of the same length")
    if len(y) < 1:
        raise ValueError("there is nothing to pool")
    if not (np.isfinite(y).all() and np.isfinite(v).all()):
        raise ValueError("every effect size and sampling variance must be a finite number")
    if (v <= 0).any():
        raise ValueError("every sampling variance must be greater than 0")
    if (np.abs(y) > LARGEST).any() or (v > LARGEST).any():
        raise ValueError(f"an effect size or a sampling variance is above {LARGEST:g} in size")
    if v.max() / v.min() > VARIANCE_SPAN:
        raise ValueError(
            f"the sampling variances span {v.min():.3g} to {v.max():.3g}, more than "
            f"{VARIANCE_SPAN:.0e} apart: the weights cannot be computed reliably"
        )
    return y, v


def pool(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
) -> Pooled:
    """Pool ``yi`` (sampling variances ``vi``); one effect size is its own pooled estimate."""
    if method not in METHODS:
        raise ValueError(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    y, v = checked(yi, vi)
    model = fit(y, v, np.ones((len(y), 1)), method=method, knha=knha, level=level)
    return pooled_from(model)


def pooled_from(model: Fit) -> Pooled:
    estimate, se = float(model.b[0]), float(model.se[0])
    statistic = estimate / se if se > 0 else float("nan")
    crit = model.critical() if model.df != 0 else float("nan")
    spread = np.sqrt(se**2 + model.tau2)
    share = 100 * model.weights / model.weights.sum()
    return Pooled(
        k=model.k,
        method=model.method,
        knha=model.knha,
        level=model.level,
        estimate=estimate,
        se=se,
        statistic=statistic,
        pval=float(model.p_value(np.array(statistic))),
        ci_lb=estimate - crit * se,
        ci_ub=estimate + crit * se,
        pi_lb=float(estimate - crit * spread),
        pi_ub=float(estimate + crit * spread),
        tau2=model.tau2,
        tau=float(np.sqrt(model.tau2)),
        I2=model.I2,
        H2=model.H2,
        Q=model.QE,
        Q_df=model.QE_df,
        Q_p=model.QE_p,
        df=model.df,
        yi=tuple(map(float, model.yi)),
        vi=tuple(map(float, model.vi)),
        weights=tuple(map(float, share)),
    )
