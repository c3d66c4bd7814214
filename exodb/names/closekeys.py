"""Close matches for a mistyped key among many keys: the "did you mean ...?" of a problem.

difflib compares a word with every candidate, which over the keys of a large database (100k
studies) costs seconds a word. Here a large set of keys is indexed once by the three-character
pieces of each key, and difflib ranks only the few hundred keys that share the most pieces with
the word. A small set (the bundled seeds' vocabularies) goes to difflib whole, so its hints are
exactly difflib's.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable

from exodb.names.vocabulary import fold

# Up to this many keys, difflib sees every one of them.
DIRECT = 2000
# How many keys sharing the most pieces with the word difflib then ranks.
SHORTLIST = 200
# How many index entries one word may count at most, taken from its rarest pieces first: a piece
# that most keys share (``syn_0`` in syn_0000001 ... syn_0099999) says little and costs much.
BUDGET = 20_000


def _pieces(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class CloseKeys:
    """The keys of one seed file, ready to be matched against words that are not among them."""

    def __init__(self, keys: Iterable[str]):
        self.keys = sorted(keys)
        self._by_fold: dict[str, list[str]] | None = None
        self._index: dict[str, list[int]] | None = None

    def same_fold(self, text: str) -> list[str]:
        """The keys that differ from ``text`` only in case, Greek letters or punctuation."""
        if self._by_fold is None:
            self._by_fold = {}
            for key in self.keys:
                self._by_fold.setdefault(fold(key), []).append(key)
        return self._by_fold.get(fold(text), [])

    def close(self, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` keys that look like ``text``, closest first (difflib's ratio >= 0.6)."""
        if len(self.keys) <= DIRECT:
            return difflib.get_close_matches(text, self.keys, n=n)
        return difflib.get_close_matches(text, self._shortlist(text), n=n)

    def _shortlist(self, text: str) -> list[str]:
        if self._index is None:
            self._index = {}
            for position, key in enumerate(self.keys):
                for piece in _pieces(key):
                    self._index.setdefault(piece, []).append(position)
        postings = sorted((self._index.get(p, []) for p in _pieces(text)), key=len)
        shared: Counter[int] = Counter()
        budget = BUDGET
        for posting in postings:
            if not posting:
                continue
            if len(posting) > budget and shared:
                break
            shared.update(posting)
            budget -= len(posting)
        return [self.keys[position] for position, _ in shared.most_common(SHORTLIST)]
