"""A control group shared by several comparisons (two doses against one vehicle group, say).

Pooling both comparisons with the control's full n counts its animals twice and treats two
correlated effect sizes as independent. The two usual answers (Cochrane Handbook, 23.3.4;
CAMARADES' guidance for animal studies):

- ``split``: divide the control group's n evenly among the comparisons that share it, so that
  each animal is counted once (the default);
- ``flag``: keep the full n, and report which comparisons share a control, so that the reader
  knows the pooled variance is too small.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import ArrayLike

SHARED_CONTROL_CHOICES = ("split", "flag")


def shared_control_adjusted(
    controls: Sequence[Hashable], n2i: ArrayLike, choice: str = "split"
) -> tuple[np.ndarray, dict[Hashable, int]]:
    """The control group sizes to use, and each shared control with how many comparisons share
    it. ``controls`` names each comparison's control group (one group, one name)."""
    if choice not in SHARED_CONTROL_CHOICES:
        raise ValueError(f"choice must be one of {', '.join(SHARED_CONTROL_CHOICES)}")
    n = np.asarray(n2i, dtype=float)
    uses = Counter(controls)
    shared = {control: count for control, count in uses.items() if count > 1}
    if choice == "flag" or not shared:
        return n, shared
    return n / np.array([uses[c] for c in controls], dtype=float), shared
