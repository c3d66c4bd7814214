"""Subgroup analysis: a separate pooled effect (with its own tau²) in each subgroup, and the
test of whether the subgroups differ: Q between = sum of w_g (estimate_g - weighted mean)², with
w_g = 1 / se_g², chi-square on G - 1 degrees of freedom. This is R meta's default (separate
tau² per subgroup) and what metafor's documentation does by pooling the subgroup estimates with
an equal-effects model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from exodb.synthesis.pooling import Pooled, checked, pool


def natural_order(label: str) -> list[Any]:
    """Sort key that puts "day 7" before "day 14": runs of digits compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGITS.split(label)]


_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class SubgroupAnalysis:
    groups: tuple[tuple[str, Pooled], ...]
    Q_between: float | None
    df: int
    pval: float | None


def subgroup_analysis(
    yi: ArrayLike,
    vi: ArrayLike,
    groups: Sequence[Any],
    *,
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
) -> SubgroupAnalysis:
    """Pool ``yi`` within each value of ``groups`` (in :func:`natural_order`) and test
    between them.

    A subgroup of one study is its own estimate; Knapp-Hartung applies to subgroups of two or
    more. With fewer than two subgroups there is no test (``Q_between`` is ``None``)."""
    from scipy.stats import chi2

    y, v = checked(yi, vi)
    labels = [str(g) for g in groups]
    if len(labels) != len(y):
        raise ValueError("every effect size needs a subgroup")
    pooled: list[tuple[str, Pooled]] = []
    for label in sorted(set(labels), key=natural_order):
        inside = np.array([g == label for g in labels])
        many = int(inside.sum()) > 1
        pooled.append(
            (label, pool(y[inside], v[inside], method=method, knha=knha and many, level=level))
        )
    if len(pooled) < 2:
        return SubgroupAnalysis(tuple(pooled), None, 0, None)
    estimates = np.array([p.estimate for _, p in pooled])
    w = 1 / np.array([p.se for _, p in pooled]) ** 2
    centre = (w * estimates).sum() / w.sum()
    q = float((w * (estimates - centre) ** 2).sum())
    df = len(pooled) - 1
    return SubgroupAnalysis(tuple(pooled), q, df, float(chi2.sf(q, df)))
