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
    r"(?:Parameters: (`[^`\n]+`(?:, `[^`\n]+`)*)\n\n)?"
    r"```sql\n(.*?)```\n\n"
    r"((?:\|[^\n]*\n)+)",
    re.S,
)
_PARAMETER = re.compile(r"`([A-Za-z_]\w*)=([^`\n]*)`")
# A named parameter, and what may hide a ':name' that is not one: string literals, quoted
# names and comments, matched left to right as SQLite reads them.
_SQL_TOKENS = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|(?<![:\w]):([A-Za-z_]\w*)", re.S
)


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
        """A URL-safe name: ``q02-which-studies-deliver-a-mirna-of``."""
        words = re.findall(r"[a-z0-9]+", self.question.lower())[:6]
        return f"q{self.number:02d}-" + "-".join(words)

    @property
    def names(self) -> list[str]:
        """The named parameters the SQL uses, in order of first use."""
        found = (m.group(1) for m in _SQL_TOKENS.finditer(self.sql) if m.group(1))
        return list(dict.fromkeys(found))


def parse(text: str) -> list[Recipe]:
    """Every recipe of a cookbook's Markdown, in order.

    A question with a SQL block that does not read as a recipe, or whose ``Parameters:`` line
    does not give exactly the parameters its SQL uses, is an error (ValueError) rather than a
    question silently left out of the tests and the web UI.
    """
    text = text.replace("\r\n", "\n")
    recipes = []
    for section in re.split(r"\n(?=### )", text):
        if not section.startswith("### ") or "```sql" not in section:
            continue
        heading = section.splitlines()[0]
        match = _RECIPE.match(section if section.endswith("\n") else section + "\n")
        if match is None:
            raise ValueError(
                f"cookbook: '{heading}' does not read as a recipe (a blank line, an optional "
                "'Parameters: `name=value`' line, the ```sql block, a blank line, the table)"
            )
        number, question, parameters, sql, expected = match.groups()
        pairs = tuple(_PARAMETER.findall(parameters or ""))
        if parameters and len(pairs) != parameters.count("`") // 2:
            raise ValueError(f"cookbook: '{heading}': each parameter is written `name=value`")
        recipe = Recipe(int(number), question, sql, pairs, expected)
        if [name for name, _ in pairs] != recipe.names:
            raise ValueError(
                f"cookbook: '{heading}' gives parameters {[n for n, _ in pairs]} and its SQL "
                f"uses {recipe.names}"
            )
        recipes.append(recipe)
    return recipes


def recipes(path: Path | None = None) -> list[Recipe]:
    """The recipes of the bundled cookbook (or of the cookbook at ``path``)."""
    source = path or cookbook_path()
    return parse(source.read_text(encoding="utf-8"))
