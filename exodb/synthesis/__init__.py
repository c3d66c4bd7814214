"""Quantitative synthesis: effect sizes, pooling, heterogeneity, subgroups, meta-regression,
sensitivity and small-study tests, as pure functions over arrays (numpy and scipy; no database,
no command line).

The conventions are metafor's (docs/synthesis.md says which number follows which):

- :mod:`~exodb.synthesis.effects`: MD, SMD (Hedges' g), ROM, NMD, log RR and log OR with
  their sampling variances (:func:`effect_sizes` by measure name);
- :mod:`~exodb.synthesis.dispersion`: an SD from an SEM, a 95% CI or an IQR, recorded as
  derived;
- :mod:`~exodb.synthesis.tau2`: the DL, REML, ML and Paule-Mandel estimators of tau²;
- :mod:`~exodb.synthesis.pooling`: equal- and random-effects pooling (:func:`pool`), with
  Knapp-Hartung, CI, prediction interval, Q, I², H²;
- :mod:`~exodb.synthesis.regression`: meta-regression and Wald tests of its coefficients;
- :mod:`~exodb.synthesis.subgroups`: pooled effects per subgroup and the test between them;
- :mod:`~exodb.synthesis.sensitivity`: leave-one-out and Egger's regression test;
- :mod:`~exodb.synthesis.sharedcontrol`: a control group shared by several comparisons.
"""

from exodb.synthesis.dispersion import DerivedSD, sd_from
from exodb.synthesis.effects import MEASURES, EffectSizes, effect_sizes
from exodb.synthesis.pooling import METHODS, Pooled, pool
from exodb.synthesis.regression import MetaRegression, meta_regression, wald_test
from exodb.synthesis.sensitivity import EggerTest, egger_test, leave_one_out
from exodb.synthesis.sharedcontrol import SHARED_CONTROL_CHOICES, shared_control_adjusted
from exodb.synthesis.subgroups import SubgroupAnalysis, subgroup_analysis

__all__ = [
    "MEASURES",
    "METHODS",
    "SHARED_CONTROL_CHOICES",
    "DerivedSD",
    "EffectSizes",
    "EggerTest",
    "MetaRegression",
    "Pooled",
    "SubgroupAnalysis",
    "effect_sizes",
    "egger_test",
    "leave_one_out",
    "meta_regression",
    "pool",
    "sd_from",
    "shared_control_adjusted",
    "subgroup_analysis",
    "wald_test",
]
