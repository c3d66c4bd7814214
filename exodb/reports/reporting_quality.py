"""The reporting-quality report: for each EV preparation of the selected studies, which of MISEV's
reporting items (:data:`exodb.names.misev.ITEMS`) its paper reports, and the share of the items
that apply to it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exodb import queries
from exodb.names import misev
from exodb.queries.filters import given_filters
from exodb.reports.report import Report
from exodb.schema import tables as t

# What an item's cell says: reported, not reported, or marked not applicable by the curator.
REPORTED, MISSING, NOT_APPLICABLE = "yes", "no", "n/a"

COLUMNS = ["study", "ref", "preparation", *misev.ITEM_KEYS]
COLUMNS += ["reported", "applicable", "score", "missing"]
HEADERS = {
    **{item.key: item.label for item in misev.ITEMS},
    "reported": "reported",
    "applicable": "applicable",
    "score": "score (%)",
    "missing": "missing items",
}


def misev_reporting(session: Session, **filters: Any) -> Report:
    """One row per EV preparation of the studies passing ``filters`` (those of
    :func:`queries.studies`): each reporting item reported (``yes``), not reported (``no``) or
    not applicable (``n/a``), the counts of items reported and applicable, the score (the share
    of the applicable items reported, a whole percent) and the applicable items missing.

    Rows go by score, highest first, then by study and preparation. A study with no extracted
    preparation has no row: the notes count those, so that "not extracted" is not read as 0%.
    """
    preparations = queries.ev_preparations(session, **filters)
    rows = [_row(preparation) for preparation in preparations]
    rows.sort(key=_by_score)
    selected = _selected_studies(session, queries.study_ids(session, **filters))
    not_extracted = selected - len({p.study for p in preparations})
    if rows:
        notes = ["The items, after ISEV's MISEV2018 and MISEV2023:"]
        notes += [f"{_named(item)}: {item.meaning}." for item in misev.ITEMS]
        notes += [
            f'Cells: "{REPORTED}" reported, "{MISSING}" not reported, "{NOT_APPLICABLE}" marked '
            "not applicable to the preparation (ev_preparations.csv, column not_applicable).",
            "Score: the share of the applicable items that are reported, in whole percent. Rows "
            "are sorted by score, highest first, then by study and preparation.",
            f"Not extracted: {not_extracted:,} of the {_studies(selected)} in the selection "
            "have no EV preparation extracted, so they have no row (which is not a score of 0%).",
        ]
    else:
        notes = [
            f"No EV preparation is extracted for the {_studies(selected)} in the selection: "
            "there is nothing to score (a study not extracted is not a score of 0%). "
            "ev_preparations.csv and ev_markers.csv, imported with exodb import, add them "
            '(seeds/README.md, "The extraction").'
        ]
    active = given_filters(filters)
    if active:
        notes.append("Filters: " + ", ".join(f"{k}={val}" for k, val in active.items()))
    return Report(
        "Reporting quality of the EV preparations (MISEV items)",
        list(COLUMNS),
        dict(HEADERS),
        rows,
        notes=notes,
        key="reporting-quality",
    )


def _row(preparation: queries.EvPreparationRow) -> dict[str, Any]:
    markers = [(m.category, m.detected) for m in preparation.markers]
    reported = misev.reported_items(vars(preparation), markers)
    exempt = set(preparation.not_applicable)
    done, applicable, _ = misev.completeness(reported, exempt)
    row: dict[str, Any] = {
        "study": preparation.study,
        "ref": preparation.ref,
        "preparation": preparation.preparation,
    }
    for key in misev.ITEM_KEYS:
        row[key] = NOT_APPLICABLE if key in exempt else REPORTED if key in reported else MISSING
    row["reported"] = done
    row["applicable"] = applicable
    # Rounded half up, in integers: a whole percent is as precise as nine items allow.
    row["score"] = (200 * done + applicable) // (2 * applicable) if applicable else None
    row["missing"] = [key for key in misev.ITEM_KEYS if row[key] == MISSING]
    return row


def _named(item: misev.Item) -> str:
    """An item's label, with the key that columns and not_applicable use where it differs."""
    return item.label if item.label == item.key else f"{item.label} ({item.key})"


def _by_score(row: dict[str, Any]) -> tuple[Any, ...]:
    """Highest score first (a preparation with no applicable item last), then study and
    preparation."""
    score = row["score"]
    return (score is None, -(score or 0), row["study"], row["preparation"])


def _selected_studies(session: Session, ids: Any) -> int:
    study = t.study.c
    return session.scalar(select(func.count(study.id)).where(queries.among(study.id, ids)))


def _studies(count: int) -> str:
    return f"{count:,} {'study' if count == 1 else 'studies'}"
