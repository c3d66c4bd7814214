"""A standard deviation from what a paper reports instead: an SEM, a 95% confidence interval or
an interquartile range. Each result says how it was derived, so that a pooled number built on
a derived SD can say so.

The conversions are the Cochrane Handbook's (chapter 6.5.2): SD = SEM x sqrt(n); SD =
sqrt(n) x (upper - lower) / (2 t), with t the 97.5% quantile of Student's t on n - 1 degrees
of freedom (3.92 / 2 for large n); SD = IQR / 1.35, the normal distribution's ratio, with the
median standing in for the mean. A range gives no SD here: its approximations depend on n and
on the shape of the distribution more than a reviewer can check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# How each kind of reported dispersion becomes an SD; the words go into notes and exports.
DERIVATIONS = {
    "sd": "reported",
    "sem": "SD = SEM x sqrt(n)",
    "ci95": "SD = sqrt(n) x (upper - lower) / (2 x t(0.975, n - 1))",
    "iqr": "SD = IQR / 1.35 (median used as the mean)",
}
IQR_TO_SD = 1.35


@dataclass(frozen=True)
class DerivedSD:
    """An SD and how it was obtained: ``derived_from`` is ``None`` for a reported SD, else the
    kind of dispersion it came from (``sem``, ``ci95``, ``iqr``)."""

    sd: float
    derived_from: str | None

    @property
    def how(self) -> str:
        return DERIVATIONS[self.derived_from or "sd"]


class NoStandardDeviation(ValueError):
    """The reported dispersion cannot give an SD (a range, or none at all)."""


def sd_from(
    kind: str | None,
    n: float,
    *,
    dispersion: float | None = None,
    lower: float | None = None,
    upper: float | None = None,
) -> DerivedSD:
    """The SD of one group of ``n`` from its reported dispersion of ``kind`` (``sd`` or ``sem``
    with ``dispersion``; ``ci95`` or ``iqr`` with ``lower`` and ``upper``).

    >>> sd_from("sem", 16, dispersion=0.5)
    DerivedSD(sd=2.0, derived_from='sem')
    >>> round(sd_from("iqr", 10, lower=1.0, upper=2.35).sd, 6)
    1.0
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n:g}")
    if kind in ("sd", "sem"):
        if dispersion is None or dispersion < 0:
            raise NoStandardDeviation(f"a {kind} must be a number >= 0")
        if kind == "sd":
            return DerivedSD(float(dispersion), None)
        return DerivedSD(float(dispersion) * math.sqrt(n), "sem")
    if kind in ("ci95", "iqr"):
        if lower is None or upper is None or upper < lower:
            raise NoStandardDeviation(f"a {kind} needs a lower and an upper bound, in order")
        if kind == "iqr":
            return DerivedSD((upper - lower) / IQR_TO_SD, "iqr")
        if n < 2:
            raise NoStandardDeviation("a 95% CI gives no SD for a group of one")
        from scipy.stats import t

        return DerivedSD(math.sqrt(n) * (upper - lower) / (2 * t.ppf(0.975, n - 1)), "ci95")
    if kind == "range":
        raise NoStandardDeviation("a range gives no SD (no approximation is applied)")
    raise NoStandardDeviation("no dispersion is reported")
