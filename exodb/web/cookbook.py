"""The SQL cookbook's questions, read from its Markdown.

docs/cookbook.md is the one source: its test runs every query and compares the table under it,
and the web UI offers the same queries as canned queries, so the two cannot drift. A recipe is

    ### 2. The question?

    Parameters: `family=21`              (optional; as `exodb sql --param` takes them)

    ```sql
    SELECT ... WHERE m.mirna_family = :family
    ```

    | the table the query prints with those parameters |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from exodb.io.resources import cookbook_path

# The suffix of a question asked of a database with the example extraction loaded.
ON_EXAMPLE = "(on the example extraction)"

_RECIPE = re.compile(
    r"### (\d+)\. ([^\n]*)\n\n"
    r"(?:Parameters: ((?:`[^`\n]+`(?:, )?)+)\n\n)?"
    r"```sql\n(.*?)```\n\n"
    r"((?:\|[^\n]*\n)+)",
    re.S,
)
_PARAMETER = re.compile(r"`([^`\n]+)`")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Recipe:
    number: int
    question: str
    sql: str
    # (name, value) as written, e.g. ("family", "21"); the value is text, as a URL carries it.
    parameters: tuple[tuple[str, str], ...]
    # The Markdown table the query prints with those parameters.
    expected: str

    @property
    def on_example(self) -> bool:
        """Asked of a database with the example extraction in it."""
        return self.question.endswith(ON_EXAMPLE)

    @property
    def slug(self) -> str:
        """A URL-safe name: ``q02-which-studies-deliver-a-mirna``."""
        words = re.findall(r"[a-z0-9]+", self.question.lower())[:6]
        return f"q{self.number:02d}-" + "-".join(words)

    @property
    def names(self) -> list[str]:
        """The named parameters the SQL uses, in order of first use."""
        return list(dict.fromkeys(_NAMED.findall(_without_strings(self.sql))))


def _without_strings(sql: str) -> str:
    # A ':' inside a string literal ('10:30') or a comment is not a parameter.
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return re.sub(r"--[^\n]*", "", sql)


def parse(text: str) -> list[Recipe]:
    """Every recipe of a cookbook's Markdown, in order."""
    recipes = []
    for number, question, parameters, sql, expected in _RECIPE.findall(text):
        pairs = []
        for written in _PARAMETER.findall(parameters or ""):
            name, _, value = written.partition("=")
            pairs.append((name, value))
        recipes.append(Recipe(int(number), question, sql, tuple(pairs), expected))
    return recipes


def recipes(path: Path | None = None) -> list[Recipe]:
    """The recipes of the bundled cookbook (or of the cookbook at ``path``)."""
    source = path or cookbook_path()
    return parse(source.read_text(encoding="utf-8"))
