"""The between-study variance tau² of a (mixed-effects) meta-analytic model, by metafor's
estimators and with metafor's numerical settings, so that the estimates agree with
``rma(method=...)`` to the digits metafor prints:

- ``EE``: none (tau² = 0, the equal-effects model);
- ``DL``: DerSimonian-Laird's method of moments, truncated at 0;
- ``REML`` and ``ML``: Fisher scoring from the Hedges (HE) estimate, step-halving to stay at
  or above 0, until tau² changes by less than 1e-5 (metafor's ``threshold``), at most 100 steps;
  then 0 if the likelihood is higher there (metafor's ``ll0check``);
- ``PM``: Paule-Mandel, the tau² at which the generalised Q equals its degrees of freedom,
  found by R's ``uniroot`` algorithm on [0, max(100, 10 mad(y)²)] with its tolerance
  (eps^0.25), 0 when Q at tau² = 0 is already below them; where metafor stops at the upper
  bound, the bracket grows tenfold.
"""

from __future__ import annotations

from collections.abc import Callable

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
        self.A = XtW @ X
        self.A_inv = np.linalg.inv(self.A)
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
    for _ in range(MAX_ITERATIONS):
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
            return _unless_zero_is_likelier(yi, vi, X, method, tau2)
    raise NotConverged(
        f"the {method} estimate of tau² did not converge in {MAX_ITERATIONS} steps (metafor's "
        "limit too); --method DL or PM need no Fisher scoring"
    )


def log_likelihood(
    yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str, tau2: float
) -> float:
    """The ML or REML log-likelihood at ``tau2``, up to the constants that cancel when two
    values of tau² are compared."""
    P = Projection(1 / (vi + tau2), X)
    ll = -0.5 * float(np.log(vi + tau2).sum()) - 0.5 * P.quadratic(yi)
    if method == "REML":
        ll -= 0.5 * float(np.linalg.slogdet(P.A)[1])
    return ll


def _unless_zero_is_likelier(
    yi: np.ndarray, vi: np.ndarray, X: np.ndarray, method: str, tau2: float
) -> float:
    """metafor's ``ll0check``: Fisher scoring can stop at a local maximum; where the likelihood
    at tau² = 0 is higher (by more than eps^0.25), tau² is 0."""
    if tau2 <= THRESHOLD:
        return tau2
    at_zero = log_likelihood(yi, vi, X, method, 0.0)
    if at_zero - log_likelihood(yi, vi, X, method, tau2) > PM_TOLERANCE:
        return 0.0
    return tau2


def generalised_q(yi: np.ndarray, vi: np.ndarray, X: np.ndarray, tau2: float) -> float:
    """The Q statistic with weights 1/(vi + tau²)."""
    return Projection(1 / (vi + tau2), X).quadratic(yi)


def _paule_mandel(yi: np.ndarray, vi: np.ndarray, X: np.ndarray) -> float:
    k, p = X.shape
    target = k - p
    if generalised_q(yi, vi, X, 0.0) < target:
        return 0.0
    # metafor's upper bound, max(100, 10 mad(y)²); where Q is still above k - p there (metafor
    # stops), the bracket grows tenfold until it holds the root: Q falls as tau² grows.
    upper = max(PM_UPPER, 10 * _mad(yi) ** 2)
    while generalised_q(yi, vi, X, upper) > target:
        upper *= 10
        if upper > PM_LIMIT:
            raise NotConverged(f"the Paule-Mandel estimate of tau² is above {PM_LIMIT:g}")
    return zeroin(lambda tau2: generalised_q(yi, vi, X, tau2) - target, 0.0, upper)


def _mad(values: np.ndarray) -> float:
    """R's mad(): the median absolute deviation, scaled by 1.4826."""
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def zeroin(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    tol: float = PM_TOLERANCE,
    maxiter: int = 100,
) -> float:
    """A root of ``f`` in [lower, upper] by Brent's method, step for step as R's ``uniroot``
    (R_zeroin2 in R's stats/src/zeroin.c), so that PM agrees with metafor to the last digit
    R's tolerance leaves."""
    eps = float(np.finfo(float).eps)
    a, b = lower, upper
    fa, fb = f(a), f(b)
    c, fc = a, fa
    if fa == 0:
        return a
    if fb == 0:
        return b
    for _ in range(maxiter + 1):
        previous_step = b - a
        if abs(fc) < abs(fb):
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tolerance = 2 * eps * abs(b) + tol / 2
        step = (c - b) / 2
        if abs(step) <= tolerance or fb == 0:
            return b
        if abs(previous_step) >= tolerance and abs(fa) > abs(fb):
            # interpolation: linear (secant) with two points, inverse quadratic with three
            cb = c - b
            if a == c:
                t1 = fb / fa
                p, q = cb * t1, 1.0 - t1
            else:
                q, t1, t2 = fa / fc, fb / fc, fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < 0.75 * cb * q - abs(tolerance * q) / 2 and p < abs(previous_step * q / 2):
                step = p / q
        if abs(step) < tolerance:
            step = tolerance if step > 0 else -tolerance
        a, fa = b, fb
        b += step
        fb = f(b)
        if (fb > 0 and fc > 0) or (fb < 0 and fc < 0):
            c, fc = a, fa
    raise NotConverged(f"the Paule-Mandel root was not found in {maxiter} steps")
