"""Check a parsed seed set: every problem as ``file:line: column: problem``, nothing written.

Reading (:mod:`exodb.curation.seedread`) finds what is wrong with one file: encoding, syntax,
columns, types. This finds what is wrong between files and against the database: enumerations,
unknown or duplicate keys, references between files, hierarchies and their cycles, aliases that
collide, pathway nodes, values outside their unit's range, and what an import would repeat.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select

from exodb.curation import importlog
from exodb.curation import seedspec as spec
from exodb.curation.extraction import check_extraction
from exodb.curation.seedread import _INT, Row, SeedSet
from exodb.errors import Problem
from exodb.names.closekeys import CloseKeys
from exodb.names.mirna import parse as parse_mirna
from exodb.names.pathways import split_pathway
from exodb.names.vocabulary import fold
from exodb.schema.tables import metadata

# What a value may be in each unit: a percentage or an incidence is never negative, a fold
# change is never zero or negative.
UNIT_RULES = {
    "%": (0.0, "a percentage cannot be negative"),
    "per million people": (0.0, "an incidence cannot be negative"),
}


def _label(seed_name: str) -> str:
    """What one row of a seed file is called: its table's name (studies -> study, species ->
    species), which is singular already."""
    seed = spec.BY_NAME.get(seed_name)
    label = (seed.table if seed else seed_name).replace("_", " ")
    return f"EV {label[3:]}" if label.startswith("ev ") else label


# Close matches are looked for among the keys of the first this many unknown names only (the
# command line shows 50 problems): each look costs time that grows with the database, and a
# file with thousands of unknown keys needs a different fix than a hint for each.
SUGGESTED_NAMES = 50


@dataclass
class Existing:
    """What the database already holds, as an import must see it."""

    keys: dict[str, set] = field(default_factory=dict)  # file -> keys other files point at
    row_keys: dict[str, set] = field(default_factory=dict)  # file -> natural keys of its rows
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> folded -> key
    # What the extraction's rules look up in rows an import points at but does not bring.
    facts: ExtractionFacts = field(default_factory=lambda: ExtractionFacts())


@dataclass
class ExtractionFacts:
    scales: dict[str, tuple] = field(default_factory=dict)  # key -> (name, min, max, unit)
    arm_roles: dict[tuple, str] = field(default_factory=dict)  # (study, arm) -> role
    domain_tools: dict[str, str] = field(default_factory=dict)  # bias domain key -> tool
    study_species: set[tuple] = field(default_factory=set)  # (study, species) of study_models


def extraction_facts(connection: Connection) -> ExtractionFacts:
    """The scales, arms, bias domains and study species already in the database."""
    t = metadata.tables
    scale, arm, study, domain = t["outcome_scale"], t["arm"], t["study"], t["bias_domain"]
    model, species = t["study_model"], t["species"]
    return ExtractionFacts(
        scales={
            key: (name, low, high, unit)
            for key, name, low, high, unit in connection.execute(
                select(scale.c.key, scale.c.name, scale.c.minimum, scale.c.maximum, scale.c.unit)
            )
        },
        arm_roles={
            (study_key, label): role
            for study_key, label, role in connection.execute(
                select(study.c.key, arm.c.label, arm.c.role).join(
                    study, study.c.id == arm.c.study_id
                )
            )
        },
        domain_tools=dict(connection.execute(select(domain.c.key, domain.c.tool)).all()),
        study_species=set(
            connection.execute(
                select(study.c.key, species.c.key)
                .join(model, model.c.study_id == study.c.id)
                .join(species, species.c.id == model.c.species_id)
            ).all()
        ),
    )


def existing_state(connection: Connection, files: Iterable[str]) -> Existing:
    """The keys, row keys (for the files in ``files``) and folded names in the database."""
    from exodb.curation.seedexport import _key_maps, database_rows

    keys = _key_maps(connection)
    state = Existing(keys={name: set(values.values()) for name, values in keys.items()})
    for name in files:
        seed = spec.BY_NAME[name]
        if seed.key_column and seed.key == (seed.key_column,) and name in state.keys:
            state.row_keys[name] = {(k,) for k in state.keys[name]}
        else:
            state.row_keys[name] = {
                tuple(row[k] for k in seed.key) for row in database_rows(connection, seed, keys)
            }
    tables = metadata.tables
    for name in spec.NAMED_FILES:
        seed = spec.BY_NAME[name]
        names = tables[f"{seed.table}_name"]
        owner = tables[seed.table]
        stmt = select(names.c.folded, owner.c.key).join(
            owner, owner.c.id == names.c[f"{seed.table}_id"]
        )
        state.names[name] = dict(connection.execute(stmt).all())
    state.facts = extraction_facts(connection)
    return state


class _Validator:
    def __init__(self, seeds: SeedSet, existing: Existing | None = None):
        self.seeds = seeds
        self.problems: list[Problem] = []
        self.existing = existing or Existing()
        # Keys other rows may point at: from these files, plus (for imports) the database.
        self.keys: dict[str, set] = {n: set(v) for n, v in self.existing.keys.items()}
        self.molecule_names: dict[str, str] = dict(self.existing.names.get("molecules", {}))
        # Built once per validation (not once per problem), on the first unknown name.
        self._close: dict[str, CloseKeys] = {}
        self._hints: dict[tuple[str, str], str] = {}
        self._looked = 0

    def problem(self, seed_name: str, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.seeds.paths[seed_name], line, column, message))

    def run(self) -> list[Problem]:
        for seed in spec.SEED_FILES:
            rows = self.seeds.files.get(seed.name)
            if rows is None:
                continue
            self.check_unique(seed, rows)
            if seed.key_column and seed.scope:
                self.keys.setdefault(seed.name, set()).update(
                    (r.values[seed.scope], r.values[seed.key_column])
                    for r in rows
                    if r.values[seed.key_column] is not None
                )
            elif seed.key_column:
                self.keys.setdefault(seed.name, set()).update(
                    r.values[seed.key_column] for r in rows if r.values[seed.key_column] is not None
                )
        for seed in spec.SEED_FILES:
            rows = self.seeds.files.get(seed.name)
            if rows is None:
                continue
            self.check_references(seed, rows)
        self.check_hierarchies()
        self.check_names()
        self.check_mirnas()
        self.check_pathways()
        self.check_rules()
        check_extraction(self)
        return self.problems

    def check_unique(self, seed: spec.SeedFile, rows: list[Row]) -> None:
        first: dict[tuple, int] = {}
        in_database = self.existing.row_keys.get(seed.name, set())
        if not rows:
            return
        positions = [rows[0].index[k] for k in seed.key]
        all_required = all(seed.column(k).required for k in seed.key)
        for row in rows:
            data = row.data
            key = tuple([data[p] for p in positions])
            if all_required and None in key:
                continue  # already reported as empty
            if key in in_database:
                shown = ", ".join(f"{k}={v}" for k, v in zip(seed.key, key, strict=True))
                self.problem(
                    seed.name, row.line, seed.key[0], f"({shown}) {importlog.ALREADY_PRESENT}"
                )
            elif key in first:
                shown = ", ".join(f"{k}={v}" for k, v in zip(seed.key, key, strict=True))
                self.problem(
                    seed.name,
                    row.line,
                    seed.key[0],
                    f"duplicate key ({shown}); first defined on line {first[key]}",
                )
            else:
                first[key] = row.line

    def hint(self, target: str, text: str) -> str:
        """``; did you mean ...?`` with the keys of ``target`` that ``text`` may have meant.

        Keys equal to ``text`` but for case and punctuation are always named; close spellings
        are looked for in the first SUGGESTED_NAMES unknown names. A name met again gets the
        same hint at no cost.
        """
        hint = self._hints.get((target, text))
        if hint is not None:
            return hint
        matcher = self._close.get(target)
        if matcher is None:
            matcher = self._close[target] = CloseKeys(str(k) for k in self.keys.get(target, ()))
        close = matcher.same_fold(text)
        if not close and self._looked < SUGGESTED_NAMES:
            self._looked += 1
            close = matcher.close(text)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        self._hints[(target, text)] = hint
        return hint

    def unknown(self, seed_name: str, line: int, col: spec.Column, value: Any) -> None:
        target = col.target or ""
        self.problem(
            seed_name,
            line,
            col.name,
            f"unknown {_label(target)} '{value}' (not a key of {target}.csv)"
            + self.hint(target, str(value)),
        )

    def check_references(self, seed: spec.SeedFile, rows: list[Row]) -> None:
        for col in seed.columns:
            if col.kind not in (spec.REF, spec.REF_LIST):
                continue
            known = self.keys.get(col.target or "", set())
            position = rows[0].index[col.name] if rows else 0
            if col.scope:
                self.check_scoped(seed, rows, col, known)
                continue
            if col.kind == spec.REF:
                for row in rows:
                    item = row.data[position]
                    if item is not None and item not in known:
                        self.unknown(seed.name, row.line, col, item)
                continue
            for row in rows:
                for item in row.data[position] or ():
                    if item not in known:
                        self.unknown(seed.name, row.line, col, item)

    def check_scoped(
        self, seed: spec.SeedFile, rows: list[Row], col: spec.Column, known: set
    ) -> None:
        """A REF to a row named within a study: it must be a row of this row's own study."""
        if not rows:
            return
        position, scope = rows[0].index[col.name], rows[0].index[col.scope or ""]
        target = col.target or ""
        studies = self.keys.get("studies", set())
        for row in rows:
            item, study = row.data[position], row.data[scope]
            if item is None or study is None or (study, item) in known:
                continue
            if study not in studies:
                continue  # the unknown study is the problem, reported as such
            names = sorted(str(name) for owner, name in known if owner == study)
            close = CloseKeys(names).close(str(item)) if names else []
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            # The commonest slip: a row of another study's (both have an arm "ev").
            elsewhere = sorted(str(owner) for owner, name in known if name == item)
            if elsewhere:
                hint += (
                    (" " if hint else "; ")
                    + (
                        f"'{item}' is an {_label(target)} of study "
                        if _label(target)[0] in "aeiouAEIOU"
                        else f"'{item}' is a {_label(target)} of study "
                    )
                    + ", ".join(repr(o) for o in elsewhere[:3])
                    + ", not of this one"
                )
            self.problem(
                seed.name,
                row.line,
                col.name,
                f"unknown {_label(target)} '{item}' of study '{study}' (not in {target}.csv)"
                + hint,
            )

    def check_hierarchies(self) -> None:
        for name in ("sections", "species", "cell_sources", "molecules"):
            rows = self.seeds.files.get(name)
            if not rows:
                continue
            parent = {r.values["key"]: (r.values.get("parent"), r.line) for r in rows}
            for start, (_, line) in parent.items():
                seen = {start}
                node = parent[start][0]
                while node is not None and node in parent:
                    if node in seen:
                        self.problem(
                            name, line, "parent", f"'{start}' is its own ancestor (a cycle)"
                        )
                        break
                    seen.add(node)
                    node = parent[node][0]

    def check_names(self) -> None:
        for name, name_columns in spec.NAMED_FILES.items():
            rows = self.seeds.files.get(name)
            if rows is None:
                continue
            owner: dict[str, tuple[str, int, str]] = {
                folded: (key, 0, "in the database")
                for folded, key in self.existing.names.get(name, {}).items()
            }
            for row in rows:
                key = row.values["key"]
                for column, text in _names_of(name_columns, row.values):
                    folded = fold(text)
                    if not folded:
                        self.problem(name, row.line, column, f"'{text}' has no letters or digits")
                        continue
                    other = owner.get(folded)
                    if other and other[0] != key:
                        where = other[2] if not other[1] else f"line {other[1]}, {other[2]}"
                        self.problem(
                            name,
                            row.line,
                            column,
                            f"'{text}' would also name '{other[0]}' ({where}); "
                            "a name may point at one entry only",
                        )
                    else:
                        owner.setdefault(folded, (key, row.line, column))
            if name == "molecules":
                self.molecule_names.update({f: k for f, (k, _, _) in owner.items()})

    def check_mirnas(self) -> None:
        for row in self.seeds.files.get("molecules", []):
            key = row.values.get("key")
            if row.values.get("kind") == "mirna" and key and parse_mirna(key) is None:
                self.problem(
                    "molecules",
                    row.line,
                    "key",
                    f"'{key}' is not a miRNA name of the form miR-21a-3p (kind is mirna)",
                )

    def check_pathways(self) -> None:
        rows = self.seeds.files.get("pathways")
        if rows is None:
            return
        seen: dict[tuple[str, ...], tuple[str, int]] = {}
        for row in rows:
            key = row.values["key"]
            if not key:
                continue
            nodes = split_pathway(key)
            if any(not node for node in nodes):
                self.problem("pathways", row.line, "key", f"'{key}' has an empty node")
                continue
            resolved = []
            for node in nodes:
                molecule = self.molecule_names.get(fold(node))
                if molecule is None:
                    self.problem(
                        "pathways",
                        row.line,
                        "key",
                        f"node '{node}' of '{key}' is not a molecule key or alias"
                        + self.hint("molecules", node),
                    )
                resolved.append(molecule)
            signature = tuple(resolved)
            if None not in signature:
                if signature in seen:
                    other, line = seen[signature]
                    self.problem(
                        "pathways",
                        row.line,
                        "key",
                        f"'{key}' has the same nodes as '{other}' (line {line})",
                    )
                seen[signature] = (key, row.line)

    def check_rules(self) -> None:
        for name in ("epidemiology", "outcomes"):
            for row in self.seeds.files.get(name, []):
                value, unit = row.values.get("value"), row.values.get("unit")
                if value is not None and not unit:
                    self.problem(name, row.line, "unit", "a value needs a unit")
                if value is not None and unit in UNIT_RULES and value < UNIT_RULES[unit][0]:
                    self.problem(name, row.line, "value", f"{value:g}: {UNIT_RULES[unit][1]}")
                if value is not None and unit == "fold" and value <= 0:
                    self.problem(name, row.line, "value", f"{value:g}: a fold change is positive")
                if name == "epidemiology" and value is None and not row.values.get("note"):
                    self.problem(name, row.line, "note", "a row without a value needs a note")
        for row in self.seeds.files.get("study_interactions", []):
            regulator, target = row.values.get("regulator"), row.values.get("target")
            if regulator is not None and regulator == target:
                self.problem(
                    "study_interactions", row.line, "target", "regulator and target are the same"
                )
        for row in self.seeds.files.get("curation_notes", []):
            values = row.values
            if values.get("kind") == "contradicts_source" and not values.get("source"):
                self.problem(
                    "curation_notes",
                    row.line,
                    "source",
                    "a contradicts_source note must say where the other reading was seen",
                )
            subject = values.get("subject")
            if subject:
                self.check_subject(row.line, subject)

    def check_subject(self, line: int, subject: str) -> None:
        file_name, _, key = subject.partition(":")
        seed = spec.BY_NAME.get(file_name)
        if seed is not None and seed.scope and key:
            # A row named within a study: file:study/name (arms:smith_2021/exo).
            study, _, name = key.partition("/")
            if (study, name) not in self.keys.get(file_name, set()):
                self.problem(
                    "curation_notes",
                    line,
                    "subject",
                    f"'{key}' is not a row of {file_name}.csv (write it as study/name)",
                )
            return
        if seed is None or not seed.key_column or not key:
            self.problem(
                "curation_notes",
                line,
                "subject",
                f"'{subject}' is not of the form file:key (e.g. cell_sources:uc_msc)",
            )
            return
        wanted: Any = int(key) if file_name == "references" and _INT.match(key) else key
        if wanted not in self.keys.get(file_name, set()):
            self.problem(
                "curation_notes", line, "subject", f"'{key}' is not a key of {file_name}.csv"
            )


def _names_of(name_columns: Iterable[str], values: dict[str, Any]) -> list[tuple[str, str]]:
    names = [(c, values.get(c)) for c in name_columns if values.get(c)]
    names += [("aliases", alias) for alias in values.get("aliases") or []]
    return names


def validate(seeds: SeedSet, existing: Existing | None = None) -> list[Problem]:
    """Every problem with a parsed seed set (in addition to those found while reading)."""
    return _Validator(seeds, existing).run()
