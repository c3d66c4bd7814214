"""The rules a study's extraction must keep beyond its columns' types: ranges that are ordered,
a dose with its unit, a control with its kind, a measurement inside its scale and with a complete
dispersion, a judgement its tool allows, a paper identifier of the right form.

Each rule reports ``file:line: column: problem`` through the validator, which gives it the
parsed files and what the database already holds (an import may measure an arm or use a scale
that is only in the database). The database refuses the same rows by its own constraints; these
checks say which line and why, before anything is written.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from exodb.names import misev
from exodb.names import vocabulary as v

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9][0-9]{0,8}$")


class _Checker(Protocol):
    """What the rules need of :class:`exodb.curation.validate._Validator`."""

    seeds: Any
    existing: Any

    def problem(self, seed_name: str, line: int, column: str, message: str) -> None: ...


def _rows(checker: _Checker, name: str) -> list:
    return checker.seeds.files.get(name) or []


def _number(value: float) -> str:
    return f"{value:g}"


def check_extraction(checker: _Checker) -> None:
    """Report every extraction row that breaks a rule."""
    facts = checker.existing.facts
    _check_studies(checker)
    scales = dict(facts.scales)
    for row in _rows(checker, "outcome_scales"):
        values = row.values
        scales[values.get("key")] = (
            values["name"],
            values.get("minimum"),
            values.get("maximum"),
            values.get("unit"),
        )
        _ordered(checker, "outcome_scales", row, "minimum", "maximum")
        normal, low, high = values.get("normal_value"), values.get("minimum"), values.get("maximum")
        if normal is not None and (
            (low is not None and normal < low) or (high is not None and normal > high)
        ):
            checker.problem(
                "outcome_scales",
                row.line,
                "normal_value",
                f"{_number(normal)} lies outside the scale's range {_range(low, high)}",
            )
    _check_animal_models(checker, facts)
    _check_preparations(checker)
    _check_arms(checker, facts)
    _check_measurements(checker, scales)
    _check_judgements(checker, facts)


def _range(low: float | None, high: float | None) -> str:
    return (
        f"{'-inf' if low is None else _number(low)} to {'inf' if high is None else _number(high)}"
    )


def _ordered(checker: _Checker, name: str, row: Any, low: str, high: str) -> None:
    a, b = row.values.get(low), row.values.get(high)
    if a is not None and b is not None and a > b:
        checker.problem(name, row.line, high, f"{_number(b)} is below {low} ({_number(a)})")


def _check_studies(checker: _Checker) -> None:
    for row in _rows(checker, "studies"):
        if row.values.get("ref") is not None and row.values.get("section") is None:
            checker.problem(
                "studies",
                row.line,
                "section",
                "a study the review cites (ref) needs the section where the review describes it",
            )
        doi, pmid = row.values.get("doi"), row.values.get("pmid")
        if doi is not None and not DOI.match(doi):
            checker.problem(
                "studies", row.line, "doi", f"'{doi}' is not a DOI (10.<registrant>/<suffix>)"
            )
        if pmid is not None and not PMID.match(pmid):
            checker.problem("studies", row.line, "pmid", f"'{pmid}' is not a PubMed id (digits)")


def _check_animal_models(checker: _Checker, facts: Any) -> None:
    declared = facts.study_species | {
        (r.values["study"], r.values["species"]) for r in _rows(checker, "study_models")
    }
    for row in _rows(checker, "animal_models"):
        _ordered(checker, "animal_models", row, "age_weeks_min", "age_weeks_max")
        _ordered(checker, "animal_models", row, "weight_g_min", "weight_g_max")
        study, species = row.values.get("study"), row.values.get("species")
        if study and species and (study, species) not in declared:
            checker.problem(
                "animal_models",
                row.line,
                "species",
                f"study '{study}' has no study_models.csv row for species '{species}'; add "
                "one, so that species filters find the study",
            )


def _check_preparations(checker: _Checker) -> None:
    for row in _rows(checker, "ev_preparations"):
        values = row.values
        for column in ("particles_per_ug", "size_nm"):
            value = values.get(column)
            if value is not None and value <= 0:
                checker.problem(
                    "ev_preparations", row.line, column, f"{_number(value)}: must be positive"
                )
        for item in values.get("not_applicable") or []:
            if item not in misev.ITEM_KEYS:
                checker.problem(
                    "ev_preparations",
                    row.line,
                    "not_applicable",
                    f"'{item}' is not a reporting item; expected one of "
                    + ", ".join(misev.ITEM_KEYS),
                )


def _check_arms(checker: _Checker, facts: Any) -> None:
    roles = dict(facts.arm_roles)
    rows = _rows(checker, "arms")
    roles.update({(r.values["study"], r.values["arm"]): r.values["role"] for r in rows})
    for row in rows:
        values = row.values
        role, kind = values.get("role"), values.get("control_kind")
        if role == "control" and kind is None:
            checker.problem(
                "arms",
                row.line,
                "control_kind",
                "a control arm needs its kind: " + ", ".join(v.CONTROL_KINDS),
            )
        if role == "treatment" and kind is not None:
            checker.problem(
                "arms", row.line, "control_kind", "only a control arm has a control kind"
            )
        amount, unit = values.get("dose_amount"), values.get("dose_unit")
        if amount is not None and unit is None:
            checker.problem(
                "arms", row.line, "dose_unit", "a dose needs a unit: " + ", ".join(v.DOSE_UNITS)
            )
        if unit is not None and amount is None:
            checker.problem("arms", row.line, "dose_amount", "a dose unit needs an amount")
        if amount is not None and amount <= 0:
            checker.problem("arms", row.line, "dose_amount", f"{_number(amount)}: must be positive")
        control = values.get("control_arm")
        if control is None:
            continue
        if role == "control":
            checker.problem(
                "arms", row.line, "control_arm", "a control arm is not compared with another"
            )
        elif control == values.get("arm"):
            checker.problem("arms", row.line, "control_arm", "an arm cannot be its own control")
        elif roles.get((values.get("study"), control), "control") != "control":
            checker.problem(
                "arms",
                row.line,
                "control_arm",
                f"'{control}' is a treatment arm; the arm compared with must be a control",
            )


def _check_measurements(checker: _Checker, scales: dict[str, tuple]) -> None:
    for row in _rows(checker, "outcome_measurements"):
        values = row.values
        kind = values.get("dispersion_kind")
        spread, low, high = values.get("dispersion"), values.get("lower"), values.get("upper")
        central = values.get("central")
        line = row.line

        def problem(column: str, message: str, line: int = line) -> None:
            checker.problem("outcome_measurements", line, column, message)

        if kind is None and (spread is not None or low is not None or high is not None):
            problem("dispersion_kind", "dispersion, lower or upper is given: say which kind")
        if kind in v.SPREAD_KINDS:
            if spread is None:
                problem("dispersion", f"{kind} needs its value in dispersion")
            if low is not None or high is not None:
                problem("lower", f"{kind} is one number (dispersion); lower and upper stay empty")
        if kind in v.INTERVAL_KINDS:
            for column, value in (("lower", low), ("upper", high)):
                if value is None:
                    problem(column, f"{kind} needs both bounds (lower and upper)")
            if spread is not None:
                problem(
                    "dispersion", f"{kind} is two numbers (lower, upper); dispersion stays empty"
                )
        if low is not None and high is not None:
            if low > high:
                problem("upper", f"{_number(high)} is below lower ({_number(low)})")
            elif central is not None and not low <= central <= high:
                problem(
                    "central",
                    f"{_number(central)} lies outside its own interval "
                    f"{_number(low)} to {_number(high)}",
                )
        scale = scales.get(values.get("scale"))
        if scale is None or central is None:
            continue
        name, minimum, maximum, unit = scale
        if (minimum is not None and central < minimum) or (
            maximum is not None and central > maximum
        ):
            problem(
                "central",
                f"{_number(central)} lies outside the range of {values['scale']} "
                f"({_range(minimum, maximum)})",
            )
        given = values.get("unit")
        if given is not None and unit is not None and given != unit:
            problem("unit", f"'{given}': {values['scale']} is measured in {unit}")


def _check_judgements(checker: _Checker, facts: Any) -> None:
    tools = dict(facts.domain_tools)
    tools.update({r.values["key"]: r.values["tool"] for r in _rows(checker, "bias_domains")})
    for row in _rows(checker, "risk_of_bias"):
        domain, judgement = row.values.get("domain"), row.values.get("judgement")
        tool = tools.get(domain)
        allowed = v.BIAS_JUDGEMENTS.get(tool or "")
        if allowed and judgement is not None and judgement not in allowed:
            checker.problem(
                "risk_of_bias",
                row.line,
                "judgement",
                f"'{judgement}' is not a {tool} judgement; {domain} takes " + ", ".join(allowed),
            )
