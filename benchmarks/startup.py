"""Start-up: how long a command takes from the shell, against the floor its dependencies set.

    python -m benchmarks.startup [--rounds 15] [--work DIR]

A query command imports SQLAlchemy's ORM, click and tabulate whatever exodb does; the floor is
the time of a Python that imports just those (`python -c "import sqlalchemy.orm, click,
tabulate"`), and exodb's share is what it takes beyond that. exodb holds Python's cycle
collector back while it starts, which the floor does not; the floor is therefore also measured
with the collector held back alike, to show exodb's own share beyond its dependencies without
that advantage. `exodb --help` is measured against `python -c pass`, and `sqlite-utils query`
(when installed) is shown beside them as the time of a comparable tool that skips SQLAlchemy
altogether.

The commands run in alternating rounds, each round in a rotated order, so that a machine
that speeds up or slows down during the run meets every command alike; each figure is the
median over the rounds.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import Result, run_process

FLOOR_IMPORTS = "import sqlalchemy.orm, click, tabulate"
# exodb's executable holds Python's cycle collector back while it starts (exodb/cli/startup.py);
# the same floor with the collector held back alike shows what is exodb's own beyond that.
HELD_BACK = "import gc; gc.set_threshold(100_000, 10, 10); "
# The studies carrying miR-21 or a member of its family, as `exodb studies --cargo miR-21` finds
# them, written by hand for sqlite-utils.
SQLITE_UTILS_SQL = (
    "SELECT DISTINCT s.key FROM study s JOIN study_molecule sm ON sm.study_id = s.id "
    "JOIN molecule m ON m.id = sm.molecule_id WHERE m.mirna_stem = 'mir' AND m.mirna_family = '21' "
    "AND sm.role IN ('cargo', 'loaded') ORDER BY s.key"
)


def _tool(name: str) -> str | None:
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def commands(seeded: Path) -> dict[str, list[str]]:
    python = sys.executable
    exe = _tool("exodb") or "exodb"
    found = {
        "python -c pass": [python, "-c", "pass"],
        "dependency floor": [python, "-c", FLOOR_IMPORTS],
        "dependency floor, collector held back": [python, "-c", HELD_BACK + FLOOR_IMPORTS],
        "exodb --help": [exe, "--help"],
        "exodb studies --cargo miR-21": [exe, "--db", str(seeded), "studies", "--cargo", "miR-21"],
        "exodb cell-sources": [exe, "--db", str(seeded), "cell-sources", "--immunogenicity", "low"],
    }
    sqlite_utils = _tool("sqlite-utils")
    if sqlite_utils:
        found["sqlite-utils query"] = [sqlite_utils, "query", str(seeded), SQLITE_UTILS_SQL]
    return found


def alternating(named: dict[str, list[str]], rounds: int) -> dict[str, float]:
    """Median wall time (ms) of each command over ``rounds`` rounds, in rotated order."""
    names = list(named)
    for name in names:  # warm: bytecode caches, the file in the page cache
        run_process(named[name])
    samples: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(run_process(named[name])[0] * 1000)
    return {name: statistics.median(times) for name, times in samples.items()}


def bench_startup(work: Path, repeat: int, results: list[Result]) -> None:
    seeded = work / "seeded.sqlite"
    # init builds it, or brings one from an earlier run up to this exodb's schema.
    run_process([sys.executable, "-m", "exodb", "--db", str(seeded), "init"])
    times = alternating(commands(seeded), rounds=max(5, repeat * 5))
    bare, floor = times["python -c pass"], times["dependency floor"]
    help_time = times["exodb --help"]
    results.append(
        Result(
            "start-up: exodb --help",
            "-",
            help_time,
            bare,
            "python -c pass",
            "ms",
            "<= baseline + 50 ms",
            help_time <= bare + 50,
        )
    )
    for name in ("exodb studies --cargo miR-21", "exodb cell-sources"):
        results.append(
            Result(
                f"start-up: {name} (seeded)",
                "-",
                times[name],
                floor,
                f"python -c '{FLOOR_IMPORTS}'",
                "ms",
                "<= 1.3 x",
                times[name] <= 1.3 * floor,
            )
        )
    held = times["dependency floor, collector held back"]
    results.append(
        Result(
            "start-up: exodb studies --cargo miR-21 (seeded)",
            "-",
            times["exodb studies --cargo miR-21"],
            held,
            "the same floor with the cycle collector held back as exodb holds it",
            "ms",
            "reported",
            None,
        )
    )
    if "sqlite-utils query" in times:
        results.append(
            Result(
                "start-up: exodb studies --cargo miR-21 (seeded)",
                "-",
                times["exodb studies --cargo miR-21"],
                times["sqlite-utils query"],
                "sqlite-utils query (same question, hand-written SQL)",
                "ms",
                "reported",
                None,
            )
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.startup", description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="exodb-startup-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    started = time.perf_counter()
    bench_startup(work, max(1, args.rounds // 5), results)
    from benchmarks.run import table

    print(table(results))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
