"""miRNA names, parsed so that a family name finds its members and nothing else.

``miR-21`` is a family: it matches ``miR-21a-3p`` but never ``miR-210`` or ``miR-216a-5p``.
``miR-199`` matches ``miR-199-5p`` and ``miR-199b-5p``. A part the query leaves out (letter,
paralog number, arm) matches anything; a part it gives must be equal.

>>> parse("hsa-miR-21a-3p")
MirnaName(prefix='hsa', stem='mir', family=21, letter='a', paralog=None, arm='3p')
>>> parse("miR21")
MirnaName(prefix=None, stem='mir', family=21, letter=None, paralog=None, arm=None)
>>> parse("miR-21").matches(parse("miR-210"))
False
>>> parse("miR-199").matches(parse("miR-199b-5p"))
True

Names pasted from papers read as typed ones: dashes, spaces, ``miRNA-21`` and ``microRNA-21``,
a species prefix, and the star of the old minor-strand notation (``miR-126*``, whose arm it
does not say). A cluster (``miR-17-92``, ``miR-17~92``) names no single miRNA, so it is not a
miRNA name here: it never stands for the members of the miR-17 family.

>>> parse("microRNA\u201321") == parse("miR-21")
True
>>> parse("miR-17-92") is None and parse("miR-17~92") is None
True
>>> [str(n) for n in names_in("miR-199a/b")]
['miR-199a', 'miR-199b']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from exodb.names.vocabulary import normalize_text

_PATTERN = re.compile(
    r"""^(?:(?P<prefix>[a-z]{3,4})-)?         # species prefix: hsa-, mmu-, rno-
        (?P<stem>microrna|mirna|mir|let)-?     # miR, mir, MiR, miRNA, microRNA, let
        (?P<family>[0-9]{1,9})
        (?P<letter>[a-z])?
        # Paralog copy: miR-199a-1. One digit: a second number of two digits (miR-17-92) is
        # the far end of a cluster, and a cluster is no member of the family it starts with.
        (?:-(?P<paralog>[1-9])(?![p0-9]))?
        (?:-?(?P<arm>[35]p))?                  # arm: -3p / -5p
        \*?$                                   # the star strand: arm not said
    """,
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class MirnaName:
    prefix: str | None
    stem: str
    family: int
    letter: str | None
    paralog: int | None
    arm: str | None

    def matches(self, other: MirnaName) -> bool:
        """True when ``other`` is this name or one of the molecules it stands for."""
        if (self.stem, self.family) != (other.stem, other.family):
            return False
        for part in ("prefix", "letter", "paralog", "arm"):
            wanted = getattr(self, part)
            if wanted is not None and wanted != getattr(other, part):
                return False
        return True

    def __str__(self) -> str:
        name = f"let-{self.family}" if self.stem == "let" else f"miR-{self.family}"
        name += self.letter or ""
        name += f"-{self.paralog}" if self.paralog else ""
        return name + (f"-{self.arm}" if self.arm else "")


def parse(name: str) -> MirnaName | None:
    """The parts of a miRNA name, or None when ``name`` is not one."""
    match = _PATTERN.match("".join(normalize_text(name).split()))
    if match is None:
        return None
    parts = match.groupdict()
    return MirnaName(
        prefix=parts["prefix"].lower() if parts["prefix"] else None,
        stem="let" if parts["stem"].lower() == "let" else "mir",
        family=int(parts["family"]),
        letter=parts["letter"].lower() if parts["letter"] else None,
        paralog=int(parts["paralog"]) if parts["paralog"] else None,
        arm=parts["arm"].lower() if parts["arm"] else None,
    )


# The second of two siblings written as one: miR-199a/b, miR-199a/b-5p.
_SIBLING = re.compile(r"^(?P<letter>[a-z])(?:-?(?P<arm>[35]p))?$", re.IGNORECASE)


def sibling(previous: MirnaName, text: str) -> MirnaName | None:
    """The miRNA ``text`` names after ``previous`` and a slash: a name, or just a letter."""
    parsed = parse(text)
    if parsed is not None:
        return parsed
    match = _SIBLING.match(text.strip())
    if match is None or previous.letter is None:
        return None
    arm = match["arm"].lower() if match["arm"] else previous.arm
    return replace(previous, letter=match["letter"].lower(), arm=arm)


def names_in(text: str) -> list[MirnaName]:
    """The miRNAs ``text`` names, siblings written as ``miR-199a/b`` included; [] unless every
    part of ``text`` is one."""
    first, *rest = normalize_text(text).split("/")
    names = [parse(first)]
    for part in rest:
        if names[-1] is None:
            return []
        names.append(sibling(names[-1], part))
    if any(n is None for n in names):
        return []
    return list(dict.fromkeys(names))  # type: ignore[arg-type]


def search_keys(name: MirnaName, *, generalize: bool) -> list[str]:
    """The words the search index files a miRNA under, and a query looks for.

    A mention is filed under its family with every combination of the parts it gives (letter,
    paralog, arm); a query looks for the one combination it gives. So ``miR-21`` finds
    miR-21a-3p but never miR-210. The words end in a digit, which no stemmer touches.
    """
    parts = [name.letter or "", str(name.paralog or ""), name.arm or ""]
    choices = [[""] + ([p] if p else []) for p in parts] if generalize else [[p] for p in parts]
    keys = []
    for letter in choices[0]:
        for paralog in choices[1]:
            for arm in choices[2]:
                keys.append(f"{name.stem}{name.family}x{letter}x{paralog}x{arm}x0")
    return keys
