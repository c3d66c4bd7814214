"""A deterministic synthetic corpus in the seed format, for benchmarks and fault tests.

It is not evidence: every name is made up (``syn_...``). Its shape follows the real data where
it matters for speed: a few thousand molecules with miRNA names, hundreds of pathways, a deep
cell-source hierarchy, several cargo, pathway, mechanism and outcome rows per study, and skewed
popularity (a few molecules and pathways appear in most studies).

    python -m exodb.curation.synthetic --studies 100000 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from exodb.curation import seedspec as spec
from exodb.names import vocabulary as v

SPECIES = [
    ("rodent", None, False),
    ("mouse", "rodent", False),
    ("rat", "rodent", False),
    ("primate", None, True),
    ("monkey", "primate", True),
    ("macaque", "monkey", True),
    ("rhesus_monkey", "macaque", True),
    ("human", "primate", True),
]
ROUTES = ["intravenous", "intranasal", "intrathecal", "local_implantation", "topical"]
SECTIONS = [
    ("2", None),
    ("3", None),
    ("3.1", "3"),
    ("3.2", "3"),
    ("3.3", "3"),
    ("3.4", "3"),
    ("3.5", "3"),
    ("4", None),
    ("4.1", "4"),
    ("5", None),
]
MATERIALS = [
    ("hydrogel", "hydrogel"),
    ("collagen_scaffold", "scaffold"),
    ("gelatin_sponge", "scaffold"),
    ("metal_nanoparticles", "nanomaterial"),
]


class _Writer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.handles: dict[str, tuple] = {}

    def row(self, name: str, values: dict[str, object]) -> None:
        if name not in self.handles:
            handle = (self.folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
            writer = csv.writer(handle, lineterminator="\n")
            columns = [c.name for c in spec.BY_NAME[name].columns]
            writer.writerow(columns)
            self.handles[name] = (handle, writer, columns)
        _, writer, columns = self.handles[name]
        writer.writerow(["" if values.get(c) is None else values[c] for c in columns])

    def close(self) -> None:
        for seed in spec.SEED_FILES:  # every file exists, even when empty
            if seed.name not in self.handles:
                self._header_only(seed.name)
        for handle, _, _ in self.handles.values():
            handle.close()

    def _header_only(self, name: str) -> None:
        handle = (self.folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
        csv.writer(handle, lineterminator="\n").writerow(
            [c.name for c in spec.BY_NAME[name].columns]
        )
        self.handles[name] = (handle, None, [])


def _skewed(rng: random.Random, items: list[str], alpha: float = 1.3) -> str:
    """Zipf-like choice: the first items are drawn far more often than the last."""
    index = int(len(items) * rng.random() ** (alpha + 1.5))
    return items[min(index, len(items) - 1)]


def generate(
    folder: Path,
    studies: int,
    *,
    seed: int = 42,
    molecules: int = 3000,
    pathways: int = 400,
    depth: int = 6,
) -> dict[str, int]:
    """Write a complete, valid seed folder with ``studies`` studies; returns rows per file."""
    rng = random.Random(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = _Writer(folder)
    counts: dict[str, int] = {}

    def emit(file_name: str, **values: object) -> None:
        out.row(file_name, values)
        counts[file_name] = counts.get(file_name, 0) + 1

    for key, parent in SECTIONS:
        emit("sections", key=key, title=f"Section {key}", parent=parent)
    reference_count = max(200, studies // 2)
    for number in range(1, reference_count + 1):
        emit("references", number=number, first_author=f"Author{number % 997}")
    for key, parent, primate in SPECIES:
        emit(
            "species",
            key=key,
            name=key.replace("_", " "),
            parent=parent,
            is_primate="true" if primate else "false",
        )
    for key in ROUTES:
        emit("routes", key=key, name=key.replace("_", " "))
    emit("diseases", key="sci", name="spinal cord injury")
    # A deep source hierarchy: 8 roots, each a chain of `depth` levels with 3 children a level.
    sources = []
    for root in range(8):
        level = [f"src_{root}"]
        emit("cell_sources", key=level[0], name=f"synthetic source {root}", category="stem_cell")
        sources.append(level[0])
        for d in range(1, depth):
            children = [f"{level[0]}_{d}_{i}" for i in range(3)]
            for child in children:
                emit(
                    "cell_sources",
                    key=child,
                    name=f"synthetic source {child}",
                    parent=level[0],
                    category="stem_cell",
                )
            sources += children
            level = children
    molecule_keys = []
    for i in range(molecules):
        if i % 3 == 0:
            key = f"miR-{1000 + i // 3}{'abc'[i % 3]}-{'35'[i % 2]}p"
            emit("molecules", key=key, kind="mirna")
        else:
            key = f"SYN{i}"
            emit("molecules", key=key, kind="protein", aliases=f"syn-{i}-alias")
        molecule_keys.append(key)
    nodes = [k for k in molecule_keys if k.startswith("SYN")]
    pathway_keys = []
    for i in range(pathways):
        chain = rng.sample(nodes[:200], rng.randint(2, 4)) + [f"SYN{3 * i + 1}"]
        key = "/".join(dict.fromkeys(chain))
        if key not in pathway_keys:
            pathway_keys.append(key)
            emit("pathways", key=key)
    for position, key in enumerate(v.MECHANISM_KEYS, start=1):
        emit(
            "mechanisms",
            key=key,
            name=key.replace("_", " "),
            position=position,
            section=f"3.{position}",
        )
    for key, category in MATERIALS:
        emit("materials", key=key, name=key.replace("_", " "), category=category)
    mirnas = [k for k in molecule_keys if k.startswith("miR")]
    species_keys = ["mouse", "rat", "rhesus_monkey", "macaque", "human"]
    for i in range(studies):
        key = f"syn_{i:07d}"
        emit(
            "studies",
            key=key,
            ref=rng.randint(1, reference_count),
            first_author="Synthetic",
            section=rng.choice(SECTIONS[2:7])[0],
            design=rng.choice(v.STUDY_DESIGNS[:2]),
            exosome_based="true",
            cell_source=_skewed(rng, sources),
            route=rng.choice(ROUTES),
            summary=f"Synthetic study {i} for benchmarks.",
        )
        for molecule in dict.fromkeys(_skewed(rng, mirnas) for _ in range(rng.randint(1, 3))):
            emit("study_molecules", study=key, molecule=molecule, role="cargo")
        target = _skewed(rng, nodes)
        emit(
            "study_interactions",
            study=key,
            regulator=_skewed(rng, mirnas),
            target=target,
            effect=rng.choice(v.INTERACTION_EFFECTS),
        )
        for pathway in dict.fromkeys(_skewed(rng, pathway_keys) for _ in range(rng.randint(1, 3))):
            emit("study_pathways", study=key, pathway=pathway, effect=rng.choice(v.PATHWAY_EFFECTS))
        for mechanism in rng.sample(v.MECHANISM_KEYS, rng.randint(1, 2)):
            emit("study_mechanisms", study=key, mechanism=mechanism)
        species = rng.choice(species_keys)
        emit("study_models", study=key, species=species, model="contusion")
        if i % 4 == 0:
            emit("study_materials", study=key, material=rng.choice(MATERIALS)[0])
        for measure in rng.sample(
            ["motor recovery", "apoptosis", "axon growth", "M1 cells"], rng.randint(1, 3)
        ):
            numeric = rng.random() < 0.2
            emit(
                "outcomes",
                study=key,
                measure=measure,
                direction=rng.choice(["increase", "decrease"]),
                value=round(rng.uniform(1, 90), 1) if numeric else None,
                unit="%" if numeric else None,
                species=species,
            )
    out.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    counts = generate(args.out, args.studies, seed=args.seed)
    print(f"wrote {sum(counts.values())} rows in {len(counts)} files to {args.out}")


if __name__ == "__main__":
    main()
