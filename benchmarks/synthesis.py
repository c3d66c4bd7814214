"""The synthesis: how long pooling takes, and how much memory a large meta-analysis CSV needs,
against floors measured in the same run.

    python -m benchmarks.synthesis [--repeat 5] [--work DIR]

- Pooling: ``exodb.synthesis.pool`` with REML (Fisher scoring, Knapp-Hartung off) against the
  equal-effects inverse-variance mean written directly in numpy (one pass over the data: the
  least any pooling can cost), on random effect sizes at k = 100, 1,000 and 20,000. The two run
  in turn, so both meet the same machine.
- A whole command: ``exodb meta-analysis FILE.csv --format json`` on 20,000 comparisons (which
  also runs Egger's test; leave-one-out stops at 1,000), its time and peak memory against a
  Python that only imports numpy and scipy.stats and reads the same file with the csv module.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.run import EXODB, Result, median_of, run_process, table, timed_pair

SIZES = (100, 1_000, 20_000)


def _data(k: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(0.5, 0.3, k), rng.uniform(0.01, 0.1, k)


def bench_pooling(repeat: int, results: list[Result], sizes: tuple[int, ...] = SIZES) -> None:
    from exodb import synthesis

    for k in sizes:
        yi, vi = _data(k)

        def exodb_reml(yi=yi, vi=vi) -> object:
            return synthesis.pool(yi, vi, method="REML")

        def floor(yi=yi, vi=vi) -> object:
            w = 1 / vi
            return (w * yi).sum() / w.sum(), (1 / w.sum()) ** 0.5

        mine, base = timed_pair(exodb_reml, floor, repeat)
        results.append(
            Result(
                "pool, REML",
                f"k = {k:,}",
                mine * 1000,
                base * 1000,
                "equal-effects mean in numpy",
                "ms",
                "reported",
                None,
            )
        )


def bench_command(work: Path, repeat: int, results: list[Result]) -> None:
    k = SIZES[-1]
    yi, vi = _data(k, seed=2)
    path = work / f"comparisons-{k}.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("study,yi,vi\n")
        handle.writelines(
            f"s{i},{y:.6f},{v:.6f}\n" for i, (y, v) in enumerate(zip(yi, vi, strict=True))
        )
    command = [*EXODB, "meta-analysis", str(path), "--format", "json"]
    floor = [
        sys.executable,
        "-c",
        f"import csv, numpy, scipy.stats; rows = list(csv.reader(open({str(path)!r})))",
    ]
    seconds, memory = median_of(repeat, lambda: run_process(command))
    base_seconds, base_memory = median_of(repeat, lambda: run_process(floor))
    scale = f"k = {k:,}"
    results.append(
        Result("exodb meta-analysis, time", scale, seconds * 1000, base_seconds * 1000,
               "import numpy, scipy.stats; read the CSV", "ms", "reported", None)
    )  # fmt: skip
    results.append(
        Result("exodb meta-analysis, peak memory", scale, memory, base_memory,
               "import numpy, scipy.stats; read the CSV", "MB", "reported", None)
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.synthesis", description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="exodb-synthesis-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: list[Result] = []
    bench_pooling(args.repeat, results)
    bench_command(work, max(1, args.repeat // 2), results)
    print(table(results))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
