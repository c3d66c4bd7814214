"""One meta-analysis from start to finish: effect sizes from the comparisons' columns (after
the shared-control choice), the overall pooled effect, subgroups, leave-one-out and Egger's
test, with notes that say every convention applied. Both the command line's CSV path and the
database path end here, so the two cannot compute differently."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from exodb.synthesis.effects import COLUMNS, DESCRIPTIONS, EffectSizes, effect_sizes
from exodb.synthesis.pooling import Pooled, pool
from exodb.synthesis.regression import MetaRegression, meta_regression
from exodb.synthesis.sensitivity import EggerTest, egger_test, leave_one_out
from exodb.synthesis.sharedcontrol import shared_control_adjusted
from exodb.synthesis.subgroups import SubgroupAnalysis, subgroup_analysis

# Egger's test has little power below ten studies (Cochrane Handbook 13.3.5.4): it is run from
# three, and the notes say so when k is below ten.
EGGER_ADVISED = 10
# Leave-one-out refits the model k times; beyond this many comparisons it is skipped (said in
# the notes) so that a large file is pooled in seconds, not in hours.
LEAVE_ONE_OUT_MAX = 1000


@dataclass(frozen=True)
class MetaAnalysis:
    measure: str
    method: str
    knha: bool
    level: float
    labels: tuple[str, ...]
    effects: EffectSizes
    overall: Pooled
    by: str | None
    groups: tuple[str, ...] | None
    subgroups: SubgroupAnalysis | None
    leave_one_out: tuple[Pooled, ...]
    egger: EggerTest | None
    notes: tuple[str, ...]
    moderator: str | None = None
    regression: MetaRegression | None = None

    @property
    def k(self) -> int:
        return self.overall.k


def analyse(
    measure: str,
    columns: Mapping[str, Sequence[Any]],
    labels: Sequence[str],
    *,
    method: str = "REML",
    knha: bool = False,
    level: float = 0.95,
    by: str | None = None,
    groups: Sequence[Any] | None = None,
    controls: Sequence[Hashable] | None = None,
    shared_control: str = "split",
    notes: Sequence[str] = (),
    moderator: str | None = None,
    moderator_values: Sequence[Any] | None = None,
) -> MetaAnalysis:
    """Compute ``measure`` for each comparison (``labels`` name them) and pool them.

    ``controls`` names each comparison's control group; comparisons that name the same one
    share it, and ``shared_control`` (``split`` or ``flag``) says what is done about it.
    ``groups`` gives each comparison's subgroup (of the dimension ``by``), and
    ``moderator_values`` each one's value of ``moderator`` for a meta-regression (numbers: a
    continuous moderator; anything else: a categorical one)."""
    said = list(notes)
    columns = {name: np.asarray(values, dtype=float) for name, values in columns.items()}
    if controls is not None and "n2i" in COLUMNS[measure]:
        n2i, shared = shared_control_adjusted(controls, columns["n2i"], shared_control)
        columns["n2i"] = n2i
        said += _shared_notes(shared, shared_control)
    with np.errstate(all="ignore"):  # an effect that divides by 0 is refused just below
        effects = effect_sizes(measure, columns)
    said += list(effects.notes)
    with np.errstate(divide="raise", over="raise", invalid="raise"):
        try:
            overall = pool(effects.yi, effects.vi, method=method, knha=knha, level=level)
        except (np.linalg.LinAlgError, ArithmeticError) as exc:
            raise ValueError(f"the pooled estimate cannot be computed here ({exc})") from None
    if knha and overall.se == 0:
        said.append(
            "Knapp-Hartung: the effect sizes do not vary around the estimate, so the adjusted "
            "standard error is 0 and no test or interval can be given; pool without --knha."
        )
    subgroups = None
    if groups is not None:
        subgroups = subgroup_analysis(
            effects.yi, effects.vi, groups, method=method, knha=knha, level=level
        )
    loo: tuple[Pooled, ...] = ()
    if 3 <= effects.k <= LEAVE_ONE_OUT_MAX:
        try:
            loo = tuple(
                leave_one_out(effects.yi, effects.vi, method=method, knha=knha, level=level)
            )
        except (ValueError, np.linalg.LinAlgError, ArithmeticError) as exc:
            said.append(f"Leave-one-out could not be computed: {exc}.")
    elif effects.k > LEAVE_ONE_OUT_MAX:
        said.append(
            f"Leave-one-out is not run on {effects.k:,} comparisons (it refits the model once "
            f"per comparison; up to {LEAVE_ONE_OUT_MAX:,} it is)."
        )
    egger = None
    if effects.k >= 3:
        try:
            egger = egger_test(effects.yi, effects.vi, method=method, knha=knha)
        except (ValueError, np.linalg.LinAlgError, ArithmeticError) as exc:
            said.append(f"Egger's test is not run: {exc}.")
        if egger is not None and effects.k < EGGER_ADVISED:
            said.append(
                f"Egger's test on {effects.k} comparisons has little power (at least "
                f"{EGGER_ADVISED} are advised); read it as descriptive."
            )
    regression = None
    if moderator_values is not None:
        regression = meta_regression(
            effects.yi,
            effects.vi,
            {moderator or "moderator": list(moderator_values)},
            method=method,
            knha=knha,
            level=level,
        )
    said.insert(0, _conventions(measure, method, knha, level))
    return MetaAnalysis(
        measure=measure,
        method=method,
        knha=knha,
        level=level,
        labels=tuple(labels),
        effects=effects,
        overall=overall,
        by=by,
        groups=tuple(map(str, groups)) if groups is not None else None,
        subgroups=subgroups,
        leave_one_out=loo,
        egger=egger,
        notes=tuple(said),
        moderator=moderator,
        regression=regression,
    )


MODEL_WORDS = {
    "EE": "equal-effects model",
    "DL": "random-effects model, DerSimonian-Laird tau²",
    "REML": "random-effects model, REML tau²",
    "ML": "random-effects model, ML tau²",
    "PM": "random-effects model, Paule-Mandel tau²",
}


def _conventions(measure: str, method: str, knha: bool, level: float) -> str:
    tests = (
        "Knapp-Hartung t tests and intervals (not floored at 1)"
        if knha
        else "z tests and intervals"
    )
    i2 = "I² from Q" if method == "EE" else "I² and H² from tau²"
    return (
        f"{measure}: {DESCRIPTIONS[measure]}. Pooled with the {MODEL_WORDS[method]}; {tests}; "
        f"{level * 100:g}% intervals; the prediction interval is "
        f"{'t' if knha else 'z'}-based; {i2} (metafor's conventions)."
    )


def _shared_notes(shared: dict[Hashable, int], choice: str) -> list[str]:
    if not shared:
        return []
    listed = ", ".join(f"{_control_name(c)} ({n} comparisons)" for c, n in shared.items())
    if choice == "split":
        return [
            f"Shared control groups: {listed}. Each one's n is divided evenly among the "
            "comparisons that use it, so that no animal is counted twice."
        ]
    return [
        f"Shared control groups: {listed}. Their n is used in full by every comparison "
        "(--shared-control flag), so these effect sizes are correlated and the pooled "
        "standard error is too small."
    ]


def _control_name(control: Hashable) -> str:
    return "/".join(map(str, control)) if isinstance(control, tuple) else str(control)
