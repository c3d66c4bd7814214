"""The web UI and the release stamp on a synthetic corpus: `python -m benchmarks.web [--studies N]`.

Each figure is a ratio to a baseline measured in the same run, on the same database:

- Datasette pages, served as `exodb serve` serves them (through Datasette's in-process
  client, so no network is timed): the
  `study_dimensions` view with its two array facets, a search on studies, a link view with
  facets, and a canned query, each against Datasette's page of the plain `study` table with no
  facets (the cheapest page it serves);
- the release stamp: `exodb export network -o FILE` (which also writes FILE.release.json)
  against building the same network text alone in the library;
- the metadata: `datasette_metadata()` against exodb's `describe()` (the schema read it needs).

Writes benchmarks/RESULTS-web.md with the machine and the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.run import timed

EXODB = [sys.executable, "-m", "exodb"]
HERE = Path(__file__).resolve().parent


def median_ms(function: Callable[[], object], repeat: int) -> float:
    return timed(function, repeat) * 1000


def build(work: Path, studies: int) -> Path:
    from exodb.curation.synthetic import generate

    corpus = work / "corpus"
    generate(corpus, studies)
    database = work / "web.sqlite"
    subprocess.run(EXODB + ["--db", str(database), "init", "--no-seed"], check=True)
    subprocess.run(
        EXODB + ["--db", str(database), "seed", str(corpus)], check=True, capture_output=True
    )
    return database


def bench(database: Path, repeat: int) -> list[tuple[str, float, float]]:
    from exodb.exports import export_network
    from exodb.schema.describe import describe
    from exodb.storage.config import sqlite_url
    from exodb.storage.connection import make_engine, session_factory
    from exodb.web.metadata import datasette_metadata
    from exodb.web.serve import instance as served

    engine = make_engine(sqlite_url(database))
    metadata = datasette_metadata(engine, database.stem)
    # exodb serve's own Datasette: its settings, the read-only authorizer and the value cap.
    instance = served(database, metadata)
    name = database.stem

    def page(path: str) -> Callable[[], object]:
        def get() -> object:
            response = asyncio.run(instance.client.get(f"/{name}{path}"))
            assert response.status_code == 200, (path, response.status_code)
            return response

        return get

    baseline = median_ms(page("/study.json?_nofacet=1&_nosuggest=1"), repeat)
    results = []
    for label, path in (
        ("study_dimensions, array facets", "/study_dimensions.json"),
        ("study search 'neuron'", "/study.json?_search=neuron&_nosuggest=1"),
        ("study_mechanism_link, facets", "/study_mechanism_link.json"),
        ("study table page, default facets", "/study.json"),
        (
            "canned query 7 (support per mechanism)",
            "/q07-how-many-exosome-studies-support-each.json",
        ),
    ):
        results.append((label, median_ms(page(path), repeat), baseline))

    with session_factory(engine)() as session:
        alone = median_ms(lambda: export_network(session, "graphml"), repeat)
    out = database.parent / "network.graphml"
    stamped = median_ms(
        lambda: subprocess.run(
            EXODB + ["--db", str(database), "export", "network", "-o", str(out)],
            check=True,
            capture_output=True,
        ),
        max(3, repeat // 3),
    )
    results.append(("export network -o (with release stamp), process", stamped, alone))
    schema = median_ms(lambda: describe(engine), repeat)
    generated = median_ms(lambda: datasette_metadata(engine, name), repeat)
    results.append(("datasette_metadata()", generated, schema))
    engine.dispose()
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS-web.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        database = build(Path(folder), args.studies)
        results = bench(database, args.repeat)
    lines = [
        "# Web UI and release stamp benchmark",
        "",
        f"`python -m benchmarks.web --studies {args.studies}` on {platform.platform()}, "
        f"Python {platform.python_version()}, {args.repeat} runs each (median).",
        "",
        "| what | ms | baseline ms | ratio |",
        "|---|---|---|---|",
    ]
    for label, value, baseline in results:
        lines.append(f"| {label} | {value:.1f} | {baseline:.1f} | {value / baseline:.2f}x |")
    lines += [
        "",
        "Baselines: Datasette's page of the `study` table without facets for the pages; the",
        "network built in the library, without the process or the stamp, for the export; exodb's",
        "`describe()` for the metadata.",
    ]
    text = "\n".join(lines) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
