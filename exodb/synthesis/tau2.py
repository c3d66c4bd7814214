"""The between-study variance tau² of a (mixed-effects) meta-analytic model, by metafor's
estimators and with metafor's numerical settings, so that the estimates agree with
``rma(method=...)`` to the digits metafor prints:

- ``EE``: none (tau² = 0, the equal-effects model);
- ``DL``: DerSimonian-Laird's method of moments, truncated at 0;
- ``REML`` and ``ML``: Fisher scoring from the Hedges (HE) estimate, step-halving to stay at
  or above 0, until tau² changes by less than 1e-5 (metafor's ``threshold``), at most 100 steps;
- ``PM``: Paule-Mandel, the tau² at which the generalised Q equals its degrees of freedom,
  found by Brent's method on [0, 100] with R's ``uniroot`` tolerance (eps^0.25), 0 when Q at
  tau² = 0 is already below them.
"""

from __future__ import annotations

import numpy as np

TAU2_METHODS = ("EE", "DL", "REML", "ML", "PM")
THRESHOLD = 1e-5
MAX_ITERATIONS = 100
PM_UPPER = 100.0
PM_TOLERANCE = np.finfo(float).eps ** 0.25


class NotConverged(ValueError):
    """The iterative estimator did not settle within its steps."""


def residual_projection(weights: np.ndarray, X: np.ndarray) -> np.ndarray:
    """P = W - W X (X'WX)^-1 X'W, for W = diag(weights): y'Py is the weighted residual sum of
    squares of the weighted least-squares fit of y on X."""
    W = np.diag(weights)
    XtW = X.T * weights
    return W - XtW.T @ np.linalg.solve(XtW @ X, XtW)


def cochran_q(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> tuple[float, np.ndarray]:
    """Cochran's Q of the residuals (weights 1/vi) and the projection it was taken with."""
    P = residual_projection(1 / vi, X)
    return max(0.0, float(yi @ P @ yi)), P


def hedges(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    """Hedges' (HE) estimate, the starting value of the iterative estimators (not truncated)."""
    k, p = X.shape
    P = np.eye(k) - X @ np.linalg.solve(X.T @ X, X.T)
    return float((yi @ P @ yi - np.trace(P * vi)) / (k - p))


def estimate(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str) -> float:
    """tau² of ``yi`` (sampling variances ``vi``) around the linear model ``X``, by ``method``."""
    k, p = X.shape
    if method == "EE" or k <= p:
        return 0.0
    if method == "DL":
        q, P = cochran_q(yi, vi, X)
        return max(0.0, (q - (k - p)) / float(np.trace(P)))
    if method in ("REML", "ML"):
        return _fisher_scoring(yi, vi, X, method)
    if method == "PM":
        return _paule_mandel(yi, vi, X)
    raise ValueError(f"unknown method '{method}'; choose one of {', '.join(TAU2_METHODS)}")


def _fisher_scoring(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str) -> float:
    tau2 = max(0.0, hedges(yi, vi, X))
    for _ in range(MAX_ITERATIONS + 1):
        weights = 1 / (vi + tau2)
        P = residual_projection(weights, X)
        Py = P @ yi
        if method == "ML":
            step = (Py @ Py - weights.sum()) / (weights**2).sum()
        else:
            PP = P @ P
            step = (Py @ Py - np.trace(P)) / np.trace(PP)
        while tau2 + step < 0:
            step /= 2
        previous, tau2 = tau2, tau2 + float(step)
        if abs(previous - tau2) <= THRESHOLD:
            return tau2
    raise NotConverged(f"the {method} estimate of tau² did not converge in {MAX_ITERATIONS} steps")


def generalised_q(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, tau2: float) -> float:
    """The Q statistic with weights 1/(vi + tau²)."""
    P = residual_projection(1 / (vi + tau2), X)
    return float(yi @ P @ yi)


def _paule_mandel(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    from scipy.optimize import brentq

    k, p = X.shape
    target = k - p
    if generalised_q(yi, vi, X, 0.0) < target:
        return 0.0
    if generalised_q(yi, vi, X, PM_UPPER) > target:
        raise NotConverged(f"the Paule-Mandel estimate of tau² is above {PM_UPPER:g}")
    # brentq's step tolerance xtol + rtol |x| equals R's zeroin tolerance tol + 4 eps |x|.
    return float(
        brentq(
            lambda tau2: generalised_q(yi, vi, X, tau2) - target,
            0.0,
            PM_UPPER,
            xtol=PM_TOLERANCE,
            rtol=4 * np.finfo(float).eps,
            maxiter=1000,
        )
    )
