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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(
    r"""^(?:(?P<prefix>[a-z]{3,4})-)?         # species prefix: hsa-, mmu-, rno-
        (?P<stem>mir|microrna|let)-?           # miR, mir, MiR, microRNA, let
        (?P<family>[0-9]{1,9})
        (?P<letter>[a-z])?
        (?:-(?P<paralog>[0-9]{1,9})(?![p0-9]))?        # paralog copy: miR-199a-1
        (?:-?(?P<arm>[35]p))?$                 # arm: -3p / -5p
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


def parse(name: str) -> MirnaName | None:
    """The parts of a miRNA name, or None when ``name`` is not one."""
    match = _PATTERN.match(name.strip())
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
