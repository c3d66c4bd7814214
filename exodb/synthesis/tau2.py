"""The between-study variance tau² of a (mixed-effects) meta-analytic model, by metafor's
estimators and with metafor's numerical settings, so that the estimates agree with
``rma(method=...)`` to the digits metafor prints:

- ``EE``: none (tau² = 0, the equal-effects model);
- ``DL``: DerSimonian-Laird's method of moments, truncated at 0;
- ``REML`` and ``ML``: Fisher scoring from the Hedges (HE) estimate, step-halving to stay at
  or above 0, until tau² changes by less than 1e-5 (metafor's ``threshold``), at most 100 steps;
- ``PM``: Paule-Mandel, the tau² at which the generalised Q equals its degrees of freedom,
  found by Brent's method on [0, 100] with R's ``uniroot`` tolerance (eps^0.25), 0 when Q at
  tau² = 0 is already below them; where metafor stops at 100, the bracket grows tenfold.
"""

from __future__ import annotations

import numpy as np

TAU2_METHODS = ("EE", "DL", "REML", "ML", "PM")
THRESHOLD = 1e-5
MAX_ITERATIONS = 100
PM_UPPER = 100.0
PM_LIMIT = 1e200
PM_TOLERANCE = np.finfo(float).eps ** 0.25


class NotConverged(ValueError):
    """The iterative estimator did not settle within its steps."""


class Projection:
    """The residual projection P = W - W X (X'WX)^-1 X'W of a weighted least-squares fit, for
    W = diag(weights), kept as its pieces: the quantities the estimators need (P y, tr(P),
    tr(PP)) cost O(k p²), where the k x k matrix itself would cost O(k²) memory (3 GB for
    20,000 comparisons)."""

    def __init__(self, weights: np.ndarray, X: np.ndarray):
        self.w, self.X = weights, X
        XtW = X.T * weights
        self.A_inv = np.linalg.inv(XtW @ X)
        self._B = (X.T * weights**2) @ X

    def apply(self, y: np.ndarray) -> np.ndarray:
        """P y: the weighted residuals of the fit of ``y``."""
        beta = self.A_inv @ (self.X.T @ (self.w * y))
        return self.w * (y - self.X @ beta)

    def quadratic(self, y: np.ndarray) -> float:
        """y'P y, the weighted residual sum of squares."""
        return float(y @ self.apply(y))

    def trace(self) -> float:
        """tr(P) = sum(w) - tr(A^-1 X'W²X)."""
        return float(self.w.sum() - np.trace(self.A_inv @ self._B))

    def trace_squared(self) -> float:
        """tr(PP) = sum(w²) - 2 tr(A^-1 X'W³X) + tr((A^-1 X'W²X)²)."""
        C = (self.X.T * self.w**3) @ self.X
        AB = self.A_inv @ self._B
        return float((self.w**2).sum() - 2 * np.trace(self.A_inv @ C) + np.trace(AB @ AB))


def cochran_q(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> tuple[float, Projection]:
    """Cochran's Q of the residuals (weights 1/vi) and the projection it was taken with."""
    P = Projection(1 / vi, X)
    return max(0.0, P.quadratic(yi)), P


def hedges(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    """Hedges' (HE) estimate, the starting value of the iterative estimators (not truncated):
    (RSS - sum of v_i (1 - h_ii)) / (k - p), from the unweighted fit."""
    k, p = X.shape
    XtX_inv = np.linalg.inv(X.T @ X)
    beta = XtX_inv @ (X.T @ yi)
    residuals = yi - X @ beta
    leverage = np.einsum("ij,jk,ik->i", X, XtX_inv, X)
    return float((residuals @ residuals - (vi * (1 - leverage)).sum()) / (k - p))


def estimate(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str) -> float:
    """tau² of ``yi`` (sampling variances ``vi``) around the linear model ``X``, by ``method``."""
    k, p = X.shape
    if method == "EE" or k <= p:
        return 0.0
    if method == "DL":
        q, P = cochran_q(yi, vi, X)
        return max(0.0, (q - (k - p)) / P.trace())
    if method in ("REML", "ML"):
        return _fisher_scoring(yi, vi, X, method)
    if method == "PM":
        return _paule_mandel(yi, vi, X)
    raise ValueError(f"unknown method '{method}'; choose one of {', '.join(TAU2_METHODS)}")


def _fisher_scoring(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str) -> float:
    tau2 = max(0.0, hedges(yi, vi, X))
    for _ in range(MAX_ITERATIONS + 1):
        weights = 1 / (vi + tau2)
        P = Projection(weights, X)
        Py = P.apply(yi)
        if method == "ML":
            step = (Py @ Py - weights.sum()) / (weights**2).sum()
        else:
            step = (Py @ Py - P.trace()) / P.trace_squared()
        while tau2 + step < 0:
            step /= 2
        previous, tau2 = tau2, tau2 + float(step)
        if abs(previous - tau2) <= THRESHOLD:
            return tau2
    raise NotConverged(
        f"the {method} estimate of tau² did not converge in {MAX_ITERATIONS} steps (metafor's "
        "limit too); --method DL or PM need no Fisher scoring"
    )


def generalised_q(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, tau2: float) -> float:
    """The Q statistic with weights 1/(vi + tau²)."""
    return Projection(1 / (vi + tau2), X).quadratic(yi)


def _paule_mandel(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    from scipy.optimize import brentq

    k, p = X.shape
    target = k - p
    if generalised_q(yi, vi, X, 0.0) < target:
        return 0.0
    # metafor searches [0, 100] and gives up above; beyond, the bracket grows tenfold until
    # it holds the root (the same root: Q falls monotonically in tau²).
    upper = PM_UPPER
    while generalised_q(yi, vi, X, upper) > target:
        upper *= 10
        if upper > PM_LIMIT:
            raise NotConverged(f"the Paule-Mandel estimate of tau² is above {PM_LIMIT:g}")
    # brentq's step tolerance xtol + rtol |x| equals R's zeroin tolerance tol + 4 eps |x|.
    return float(
        brentq(
            lambda tau2: generalised_q(yi, vi, X, tau2) - target,
            0.0,
            upper,
            xtol=PM_TOLERANCE,
            rtol=4 * np.finfo(float).eps,
            maxiter=1000,
        )
    )
