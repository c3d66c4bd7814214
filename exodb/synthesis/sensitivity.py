"""Sensitivity and small-study effects: leave-one-out pooling, and Egger's regression test of
funnel-plot asymmetry (metafor's ``leave1out()`` and ``regtest()``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from exodb.synthesis.model import fit
from exodb.synthesis.pooling import Pooled, checked, pool

EGGER_MODELS = ("rma", "lm")
EGGER_PREDICTORS = ("sei", "vi", "ninv", "sqrtninv")


def leave_one_out(
    yi: ArrayLike, vi: ArrayLike, *, method: str = "REML", knha: bool = False, level: float = 0.95
) -> list[Pooled]:
    """The pooled result without each study in turn (the i-th result omits study i)."""
    y, v = checked(yi, vi)
    if len(y) < 3:
        raise ValueError("leave-one-out needs at least three studies")
    keep = np.ones(len(y), dtype=bool)
    results = []
    for i in range(len(y)):
        keep[i] = False
        try:
            results.append(pool(y[keep], v[keep], method=method, knha=knha, level=level))
        except (ValueError, ArithmeticError) as exc:
            raise ValueError(f"without study {i + 1}, {exc}") from None
        keep[i] = True
    return results


@dataclass(frozen=True)
class EggerTest:
    """The slope test of Egger's regression: ``statistic`` is z (``model="rma"`` without
    Knapp-Hartung) or t on ``df`` degrees of freedom; ``limit_estimate`` is the intercept, the
    effect expected of a study with no sampling error."""

    model: str
    predictor: str
    statistic: float
    df: int | None
    pval: float
    limit_estimate: float


def egger_test(
    yi: ArrayLike,
    vi: ArrayLike,
    *,
    model: str = "rma",
    predictor: str = "sei",
    ni: ArrayLike | None = None,
    method: str = "REML",
    knha: bool = False,
) -> EggerTest:
    """Regress the effect sizes on ``predictor`` (the standard error by default) and test its
    coefficient. ``model="rma"`` (metafor's default) fits a mixed-effects meta-regression with
    ``method``; ``model="lm"`` is Egger's original weighted regression (weights 1/vi, t test
    with the residual variance estimated). ``ninv`` and ``sqrtninv`` need the sample sizes
    ``ni``."""
    y, v = checked(yi, vi)
    if model not in EGGER_MODELS:
        raise ValueError(f"model must be one of {', '.join(EGGER_MODELS)}")
    if len(y) < 3:
        raise ValueError("Egger's test needs at least three studies")
    if predictor == "sei":
        x = np.sqrt(v)
    elif predictor == "vi":
        x = v
    elif predictor in ("ninv", "sqrtninv"):
        if ni is None:
            raise ValueError(f"the predictor {predictor} needs the sample sizes")
        n = np.asarray(ni, dtype=float)
        x = 1 / n if predictor == "ninv" else 1 / np.sqrt(n)
    else:
        raise ValueError(f"predictor must be one of {', '.join(EGGER_PREDICTORS)}")
    if np.ptp(x) <= 1e-12 * np.abs(x).max():
        named = {"sei": "standard errors", "vi": "sampling variances"}.get(predictor, "sizes")
        raise ValueError(f"the {named} are all the same, so there is no slope to test")
    X = np.column_stack([np.ones(len(y)), x])
    if model == "lm":
        # Weighted least squares with the residual variance estimated: the equal-effects
        # model with the Knapp-Hartung scale factor, which is exactly lm(weights = 1/vi).
        fitted = fit(y, v, X, method="EE", knha=True)
    else:
        fitted = fit(y, v, X, method=method, knha=knha)
    statistic = float(fitted.b[1] / fitted.se[1])
    return EggerTest(
        model,
        predictor,
        statistic,
        fitted.df,
        float(fitted.p_value(np.array(statistic))),
        float(fitted.b[0]),
    )
