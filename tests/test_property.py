"""Property-based: whatever the loader is fed, it imports it correctly or refuses it cleanly.

Never a traceback, never a partial write.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from exodb.errors import SeedError
from exodb.names import vocabulary as v
from exodb.schema.models import Base
from exodb.storage.connection import make_engine
from exodb.workflows.load import import_path

from .conftest import snapshot

KEY = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@st.composite
def studies(draw) -> list[dict[str, str]]:
    keys = draw(st.lists(KEY.map(lambda k: f"user_{k}"), min_size=1, max_size=4, unique=True))
    return [
        {
            "key": key,
            "ref": str(draw(st.integers(1, 194))),
            "first_author": draw(st.one_of(st.just(""), TEXT)),
            "section": draw(st.sampled_from(["2", "3.1", "3.3", "Table 1"])),
            "design": draw(st.sampled_from(v.STUDY_DESIGNS)),
            "exosome_based": draw(st.sampled_from(["true", "false"])),
            "cell_source": draw(st.sampled_from(["", "bmsc", "uc_msc", "treg", "not_stated"])),
            "route": draw(st.sampled_from(["", "intranasal", "intravenous"])),
            "theme": "",
            "summary": draw(TEXT),
        }
        for key in keys
    ]


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


CORRUPTIONS = st.sampled_from(
    [
        "none",
        "truncate",
        "drop_header_column",
        "garbage_bytes",
        "quote",
        "duplicate_row",
        "bad_enum",
        "empty_required",
        "bom",
    ]
)

STUDY_COLUMNS = [
    "key",
    "ref",
    "first_author",
    "section",
    "design",
    "exosome_based",
    "cell_source",
    "route",
    "theme",
    "summary",
]


def corrupt(data: bytes, how: str, cut: float) -> bytes:
    if how == "truncate":
        return data[: max(1, int(len(data) * cut))]
    if how == "drop_header_column":
        header, _, rest = data.partition(b"\n")
        return header.rsplit(b",", 1)[0] + b"\n" + rest
    if how == "garbage_bytes":
        position = max(1, int(len(data) * cut))
        return data[:position] + b"\xff\xfe\x80" + data[position:]
    if how == "quote":
        position = max(1, int(len(data) * cut))
        return data[:position] + b'"' + data[position:]
    if how == "duplicate_row":
        lines = data.splitlines(keepends=True)
        return data + lines[-1]
    if how == "bad_enum":
        return data.replace(b",in_vivo,", b",in-vivo,").replace(b",mixed,", b",mixd,")
    if how == "empty_required":
        header, _, rest = data.partition(b"\n")
        return header + b"\n" + b"," + rest.split(b",", 1)[1] if rest.count(b",") else data
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    return data


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=studies(), how=CORRUPTIONS, cut=st.floats(0.05, 0.95))
def test_import_succeeds_or_refuses_cleanly(
    databases, template_url, tmp_path_factory, rows, how, cut
):
    url = databases.copy(template_url)
    folder = Path(tmp_path_factory.mktemp("import"))
    data = corrupt(_csv(rows, STUDY_COLUMNS).encode("utf-8"), how, cut)
    (folder / "studies.csv").write_bytes(data)
    before = snapshot(url)
    engine = make_engine(url)
    try:
        import_path(engine, folder)
    except SeedError as error:
        assert error.problems  # every refusal says why
        assert all(str(p).startswith(str(folder)) for p in error.problems)
        assert snapshot(url) == before
    else:
        with engine.connect() as connection:
            keys = set(connection.execute(text("SELECT key FROM study")).scalars())
        key_column = [c.name for c in Base.metadata.tables["study"].columns].index("key")
        stored = keys - {row[key_column] for row in before["study"]}
        written = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert stored == {r["key"] for r in written}
        assert len(snapshot(url)["study"]) == len(before["study"]) + len(stored)
    finally:
        engine.dispose()
