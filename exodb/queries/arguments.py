"""The checks every public query function makes of its arguments before it reads anything."""

from __future__ import annotations

import math
import re
from typing import Any

from exodb.names import vocabulary as v

# Reference numbers are positive and, like every integer SQLite stores, fit in 64 bits.
MAX_REFERENCE_NUMBER = 2**63 - 1

# Only ASCII digits make a reference number: str.isdigit() and int() also take "١٢٣" or "²".
REFERENCE_NUMBER = re.compile(r"[0-9]+")

# The arguments of the public functions that are not text: flags, reference numbers, and days
# (an outcome's time point: days after injury, whole or not).
_FLAGS = frozenset({"quantitative", "exosome_based", "profiled", "markers_only"})
_NUMBERS = frozenset({"ref"})
_DAYS = frozenset({"timepoint"})


def check_arguments(**arguments: Any) -> None:
    """The one check of the public functions' arguments, each named as the caller wrote it:
    a flag must be a bool, ``ref`` an int, ``timepoint`` an int or a float, anything else text
    (or None, for "not given").

    A wrong type raises :class:`TypeError`: ``within=123`` would otherwise fail deep inside a
    name look-up, or quietly match nothing. Text must not hold a NUL character
    (:class:`ValueError`): SQLite's LIKE and string functions stop at one (so a search would
    quietly match on the text before it), and PostgreSQL's text cannot hold one at all.
    """
    for name, value in arguments.items():
        check_type(name, value)
        if isinstance(value, str) and "\0" in value:
            raise ValueError(f"{name} must not contain a NUL character")


def check_type(name: str, value: Any) -> None:
    if value is None:
        return
    if name in _FLAGS:
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, not {value!r}")
    elif name in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    elif name in _DAYS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"{name} must be a number of days, not {type(value).__name__}")
    elif not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")


def check_ordinal(ordinal: str, value: str | None) -> None:
    """``value`` is one of the levels of ``ordinal`` (immunogenicity, expansion, ...), or None."""
    check_choice(ordinal, value, v.ORDINALS[ordinal])


def check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    """``value`` is one of ``choices``, or None."""
    if value is not None and value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}")


def check_reference_number(ref: Any) -> None:
    if isinstance(ref, int) and not 1 <= ref <= MAX_REFERENCE_NUMBER:
        raise ValueError(
            f"ref must be a reference number from 1 to {MAX_REFERENCE_NUMBER}, got {ref}"
        )


def check_days(name: str, days: float | None) -> float | None:
    """``days`` (a time point after injury, already of a number type) as a float, or None: 0 is
    the day of the injury, and a negative, infinite or NaN number is no time point at all."""
    if days is None:
        return None
    try:
        value = float(days)
    except OverflowError:  # an int too large for any float
        value = math.inf if days > 0 else -math.inf
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a number of days after injury, 0 or more, got {value:g}")
    return value
