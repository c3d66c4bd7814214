"""The weighted linear model under every pooled number: coefficients, their covariance with or
without the Knapp-Hartung adjustment, residual heterogeneity and I², as metafor's ``rma.uni``
computes them for a model matrix ``X``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exodb.synthesis import tau2 as estimators


@dataclass(frozen=True)
class Fit:
    """A fitted (mixed-effects) model: ``b`` and its covariance ``vb``; ``df`` the degrees of
    freedom of the t tests under Knapp-Hartung (``None``: z tests)."""

    method: str
    knha: bool
    level: float
    yi: np.ndarray
    vi: np.ndarray
    X: np.ndarray
    b: np.ndarray
    vb: np.ndarray
    tau2: float
    weights: np.ndarray
    QE: float
    QE_df: int
    QE_p: float
    I2: float
    H2: float
    df: int | None

    @property
    def k(self) -> int:
        return len(self.yi)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vb))

    def critical(self) -> float:
        """The two-sided critical value at ``level``: Student's t on ``df`` or the normal's."""
        from scipy.stats import norm, t

        alpha = 1 - self.level
        return float(t.ppf(1 - alpha / 2, self.df) if self.df else norm.ppf(1 - alpha / 2))

    def p_value(self, statistic: np.ndarray) -> np.ndarray:
        from scipy.stats import norm, t

        if self.df:
            return 2 * t.sf(np.abs(statistic), self.df)
        return 2 * norm.sf(np.abs(statistic))


def fit(
    yi: np.ndarray,
    vi: np.ndarray,
    X: np.ndarray,
    *,
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
) -> Fit:
    """Fit the model y = X b + u + e, u ~ N(0, tau²), e ~ N(0, vi), tau² by ``method``."""
    from scipy.stats import chi2

    yi, vi, X = np.asarray(yi, float), np.asarray(vi, float), np.asarray(X, float)
    k, p = X.shape
    if knha and k <= p:
        raise ValueError(
            f"Knapp-Hartung needs more studies than coefficients ({k} studies, {p} coefficients)"
        )
    tau2 = estimators.estimate(yi, vi, X, method)
    weights = 1 / (vi + tau2)
    XtW = X.T * weights
    vb = np.linalg.inv(XtW @ X)
    b = vb @ (XtW @ yi)
    df = None
    if knha:
        # Knapp and Hartung's scale factor, not floored at 1 (metafor's definition).
        # A residual sum of squares at rounding level (every yi the same) is 0, as in metafor.
        residual = estimators.Projection(weights, X).quadratic(yi)
        vb = vb * (0.0 if residual <= np.finfo(float).eps else residual / (k - p))
        df = k - p
    qe_df = k - p
    if qe_df > 0:
        qe, P0 = estimators.cochran_q(yi, vi, X)
        qe_p = float(chi2.sf(qe, qe_df))
        I2, H2 = _i2_h2(method, tau2, qe, qe_df, P0)
    else:  # as many coefficients as studies: no residual heterogeneity (metafor's values)
        qe, qe_p, I2, H2 = 0.0, 1.0, 0.0, 1.0
    return Fit(method, knha, level, yi, vi, X, b, vb, tau2, weights, qe, qe_df, qe_p, I2, H2, df)


def _i2_h2(
    method: str, tau2: float, qe: float, df: int, P0: estimators.Projection
) -> tuple[float, float]:
    """I² (percent) and H²: from Q for the equal-effects model, else from tau² and the
    'typical' sampling variance (k - p) / tr(P), as metafor does for every estimator."""
    if method == "EE":
        if qe <= 0:  # no heterogeneity at all: metafor's max(0, -Inf) and 0 / df
            return 0.0, 0.0
        return max(0.0, 100 * (qe - df) / qe), qe / df
    typical = df / P0.trace()
    return 100 * tau2 / (typical + tau2), tau2 / typical + 1
