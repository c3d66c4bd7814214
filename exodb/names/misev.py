"""The reporting items of an EV preparation, after ISEV's minimal information for studies of
extracellular vesicles (MISEV2018, MISEV2023), and which of them a preparation reports.

One definition serves the loader (the keys a curator may mark not applicable) and the
reporting-quality report (which items each study reports, and the share of applicable ones).
Pure functions over plain values: no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    meaning: str


ITEMS: tuple[Item, ...] = (
    Item("source_amount", "source amount", "how much source material (cells, volume) was used"),
    Item("separation", "separation method", "how the EVs were separated from their source"),
    Item(
        "quantification",
        "two quantities",
        "at least two of protein amount, particle number and lipid amount",
    ),
    Item("ratio", "ratio", "a ratio of two quantities (particles per microgram of protein)"),
    Item(
        "transmembrane_marker",
        "transmembrane marker",
        "a transmembrane or GPI-anchored EV marker shown (CD9, CD63, CD81)",
    ),
    Item(
        "cytosolic_marker",
        "cytosolic marker",
        "a cytosolic EV marker shown (TSG101, ALIX)",
    ),
    Item(
        "non_ev_marker",
        "non-EV marker",
        "a non-EV or contaminant marker assessed (calnexin, GRP94, APOA1, histones)",
    ),
    Item("imaging", "single-vesicle imaging", "single vesicles imaged (electron microscopy)"),
    Item(
        "single_particle",
        "single-particle analysis",
        "particles analysed one by one (NTA, TRPS, flow)",
    ),
)
ITEM_KEYS: tuple[str, ...] = tuple(item.key for item in ITEMS)


def reported_items(
    preparation: Mapping[str, Any], markers: Iterable[tuple[str, bool | None]]
) -> set[str]:
    """The keys of the items ``preparation`` reports.

    ``preparation`` holds the preparation's columns by their seed names (``source_amount``,
    ``separation`` as a list, ``protein_method``, ``particle_method``, ``lipid_method``,
    ``particles_per_ug``, ``imaging_method``, ``single_particle_method``); ``markers`` the
    (category, detected) of each marker the paper shows. A non-EV marker counts as assessed
    whether it was found or not; an EV marker counts only when it was shown present.

    >>> sorted(reported_items({"separation": ["sec"], "protein_method": "BCA"},
    ...                       [("cytosolic", True), ("transmembrane", False)]))
    ['cytosolic_marker', 'separation']
    """
    items: set[str] = set()

    def given(name: str) -> bool:
        value = preparation.get(name)
        return value not in (None, "", [], ())

    if given("source_amount"):
        items.add("source_amount")
    if given("separation"):
        items.add("separation")
    quantities = sum(given(m) for m in ("protein_method", "particle_method", "lipid_method"))
    if quantities >= 2:
        items.add("quantification")
    if given("particles_per_ug"):
        items.add("ratio")
    if given("imaging_method"):
        items.add("imaging")
    if given("single_particle_method"):
        items.add("single_particle")
    for category, detected in markers:
        if category == "non_ev":
            items.add("non_ev_marker")
        elif detected and category in ("transmembrane", "cytosolic"):
            items.add(f"{category}_marker")
    return items


def completeness(reported: set[str], not_applicable: Iterable[str]) -> tuple[int, int, float]:
    """(items reported, items applicable, their ratio) once ``not_applicable`` is set aside.

    >>> completeness({"separation", "imaging"}, ["ratio"])
    (2, 8, 0.25)
    """
    exempt = set(not_applicable)
    applicable = [key for key in ITEM_KEYS if key not in exempt]
    done = sum(1 for key in applicable if key in reported)
    return done, len(applicable), (done / len(applicable) if applicable else 0.0)
