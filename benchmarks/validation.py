"""What `exodb validate` costs when a small file names keys the database does not have.

    python -m benchmarks.validation [--scales 20000,100000] [--repeat 3] [--work DIR]

For each scale, a synthetic database (exodb.curation.synthetic) is imported once; then two 50-row
study_molecules.csv files are validated against it, each by `exodb validate` in its own
process, in turn so that both meet the same machine:

- the baseline: every row names a study the database holds (no problem, nothing to suggest);
- the measure: every row names a study the database does not hold, a typing slip of a real key
  (``syn_001234`` for ``syn_0001234``), so every row is a problem that looks for close matches.

The ratio says what looking up and suggesting costs on top of reading the database's keys; it
carries over between machines where seconds do not. Results go to benchmarks/RESULTS-validation.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXODB = [sys.executable, "-m", "exodb"]
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "EXODB_URL")}
ROWS = 50
HEADER = "study,molecule,role,note\n"


def clean_rows(count: int = ROWS) -> str:
    """Rows that name studies and a molecule of the synthetic corpus, in a role it never uses."""
    return HEADER + "".join(f"syn_{i:07d},miR-1000a-3p,co_administered,\n" for i in range(count))


def unknown_rows(count: int = ROWS) -> str:
    """The same rows with each study key one digit short: unknown, with a close key to suggest."""
    return HEADER + "".join(f"syn_{i:06d},miR-1000a-3p,co_administered,\n" for i in range(count))


def validate(database: Path, folder: Path) -> tuple[float, str]:
    """Wall time of one `exodb validate` process, and what it printed on stderr."""
    started = time.perf_counter()
    result = subprocess.run(
        EXODB + ["--db", str(database), "validate", str(folder)],
        env=ENV,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        raise RuntimeError(f"exodb validate failed: {result.stderr}")
    return elapsed, result.stderr


def build(scale: int, work: Path) -> Path:
    from exodb.curation.synthetic import generate

    database = work / f"validation-{scale}.sqlite"
    if database.exists():
        return database
    corpus = work / f"corpus-{scale}"
    if not corpus.exists():
        generate(corpus, scale)
    for args in (["init", "--no-seed"], ["import", str(corpus)]):
        subprocess.run(
            EXODB + ["--db", str(database), *args], env=ENV, check=True, capture_output=True
        )
    return database


def measure(scale: int, work: Path, repeat: int) -> dict[str, object]:
    database = build(scale, work)
    folders = {}
    for name, content in (("clean", clean_rows()), ("unknown", unknown_rows())):
        folder = work / f"{name}-{scale}"
        folder.mkdir(exist_ok=True)
        (folder / "study_molecules.csv").write_text(content, encoding="utf-8")
        folders[name] = folder
    times: dict[str, list[float]] = {"clean": [], "unknown": []}
    stderr = ""
    for _ in range(repeat):
        for name in ("clean", "unknown"):
            elapsed, output = validate(database, folders[name])
            times[name].append(elapsed)
            if name == "unknown":
                stderr = output
    problems = [line for line in stderr.splitlines() if ": study: unknown" in line]
    return {
        "scale": scale,
        "clean": statistics.median(times["clean"]),
        "unknown": statistics.median(times["unknown"]),
        "problems": len(problems),
        "suggested": sum("did you mean" in line for line in problems),
        "example": problems[0] if problems else "",
    }


def report(results: list[dict[str, object]], repeat: int, command: str) -> str:
    lines = [
        "# exodb validate: a 50-row file of unknown keys against a large database",
        "",
        f"Command: `{command}`, {os.cpu_count()} cores, "
        f"{time.strftime('%Y-%m-%d', time.gmtime())}; median of {repeat}, each run its own "
        "process.",
        "",
        "| studies | unknown keys | baseline: known keys | ratio | problems | with a suggestion |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']:,} | {r['unknown']:.2f} s | {r['clean']:.2f} s "
            f"| {r['unknown'] / r['clean']:.2f} | {r['problems']} | {r['suggested']} |"
        )
    if results:
        lines += ["", f"A problem as printed: `{results[0]['example']}`"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="20000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-validation.md")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="exodb-validation-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in (int(s) for s in args.scales.split(",")):
        print(f"... {scale} studies", file=sys.stderr)
        results.append(measure(scale, work, args.repeat))
    command = "python -m benchmarks.validation " + " ".join(
        argv if argv is not None else sys.argv[1:]
    )
    text = report(results, args.repeat, command.strip())
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
