"""What the write guarantees cost: measured beside the work they protect, in the same run.

    python -m benchmarks.safety [--studies 100000] [--repeat 3]

- the quick check every load runs first, against the import it guards;
- the integrity check a backup runs on its copy, against the copy itself;
- an atomic (temporary file, flush, rename) write of a large report, against a plain write;
- BEGIN IMMEDIATE (the write lock before the first read), against the deferred BEGIN.

Each row gives both times and their ratio; a ratio is what carries over between machines.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

EXODB = [sys.executable, "-m", "exodb"]


def median_time(repeat: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run(args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "EXODB_URL"}
    subprocess.run(args, check=True, env=env, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    from exodb.curation.synthetic import generate
    from exodb.io.safefile import write_text

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        corpus = work / "corpus"
        generate(corpus, options.studies)
        database = work / "lab.sqlite"
        run(EXODB + ["--db", str(database), "init", "--no-seed"])
        started = time.perf_counter()
        run(EXODB + ["--db", str(database), "import", str(corpus)])
        import_time = time.perf_counter() - started

        connection = sqlite3.connect(database)
        quick = median_time(
            options.repeat, lambda: connection.execute("PRAGMA quick_check").fetchall()
        )
        full = median_time(
            options.repeat, lambda: connection.execute("PRAGMA integrity_check").fetchall()
        )
        connection.close()

        def copy() -> None:
            source = sqlite3.connect(database)
            target = sqlite3.connect(work / "copy.sqlite")
            source.backup(target)
            target.close()
            source.close()

        copy_time = median_time(options.repeat, copy)

        text = "key,value\n" + "".join(f"row{i},{i * 7}\n" for i in range(2_000_000))
        plain_target, atomic_target = work / "plain.csv", work / "atomic.csv"
        plain = median_time(options.repeat, lambda: plain_target.write_text(text, encoding="utf-8"))
        atomic = median_time(options.repeat, lambda: write_text(atomic_target, text))

        def transaction(mode: str) -> Callable[[], None]:
            def action() -> None:
                connection = sqlite3.connect(database, isolation_level=None)
                connection.execute(f"BEGIN {mode}")
                connection.execute("SELECT max(id) FROM study").fetchall()
                connection.execute("ROLLBACK")
                connection.close()

            return action

        deferred = median_time(options.repeat * 20, transaction("DEFERRED"))
        immediate = median_time(options.repeat * 20, transaction("IMMEDIATE"))

    size = f"{options.studies // 1000}k studies"
    rows = [
        ("quick check before a load", quick, "the import it guards", import_time),
        ("integrity check of a backup copy", full, "making the copy", copy_time),
        (f"atomic write of {len(text) / 1e6:.0f} MB", atomic, "plain write_text", plain),
        ("BEGIN IMMEDIATE + read", immediate, "BEGIN DEFERRED + read", deferred),
    ]
    print(f"# What the write guarantees cost ({size}, median of {options.repeat})\n")
    print("| step | time | baseline | baseline time | ratio |")
    print("|---|---|---|---|---|")
    for step, seconds, baseline, base_seconds in rows:
        print(
            f"| {step} | {seconds * 1000:.1f} ms | {baseline} | {base_seconds * 1000:.1f} ms "
            f"| {seconds / base_seconds:.3f} |"
        )


if __name__ == "__main__":
    main()
