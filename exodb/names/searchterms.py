"""The words full-text search files a text under, and the words a query looks for.

Both backends index the same words, made here: lower-case ASCII letters and digits, which
SQLite's tokenizer and PostgreSQL's parser split alike, so the two find the same documents.
A text is read in segments (runs without spaces or slashes); a segment files

- each of its words transliterated (``κB`` -> kb), spelled out where it has a Greek letter
  (kappab) and folded (``kappaB`` -> kb);
- the whole segment folded, when it has more than one word (``NF-κB`` -> nfkb);
- a miRNA name under its family (see :func:`exodb.names.mirna.search_keys`).

A query segment that names miRNAs looks for their keys, exactly; any other looks for its words,
each as a prefix, or for the whole segment folded, as a prefix.

>>> [t.token for t in document_terms("NF-κB, miR-21a")]
['nf', 'kb', 'kappab', 'nfkb', 'mir', '21a', 'mir21a', 'mir21xxxx0', 'mir21xaxxx0']
>>> query_tree("nfkb miR-21")
('and', (('term', 'nfkb', True), ('term', 'mir21xxxx0', False)))
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from exodb.names import mirna
from exodb.names.vocabulary import GREEK_LETTERS, fold, spell_out, transliterate

# A search looks for at most this many words: each adds a term to match against every
# document, and FTS5's cost grows with the square of the terms.
MAX_WORDS = 64

_SEGMENT = re.compile(r"[^\s/]+")
_WORD = re.compile(r"[^\W_]+")
_AROUND = re.compile(r"^[^\w]+|[^\w*]+$")
_GREEK = re.compile("[" + "".join(GREEK_LETTERS) + "ςϑϕϖϱϰϵµ]", re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """A word filed for a text, and the span of the text it stands for."""

    token: str
    start: int
    end: int
    whole_segment: bool


Segment = tuple[int, int, str, "mirna.MirnaName | None", bool]


@functools.lru_cache(maxsize=1 << 16)
def _parse(part: str) -> mirna.MirnaName | None:
    # Punctuation around a name is not part of it: "(miR-210)," names miR-210.
    return mirna.parse(_AROUND.sub("", part))


def _segments(text: str) -> list[Segment]:
    """Each segment's span, its text, the miRNA it names, and whether that is the sibling of
    the one before (the ``b`` of ``miR-199a/b`` is miR-199b)."""
    segments = []
    previous: mirna.MirnaName | None = None
    for match in _SEGMENT.finditer(text):
        part = match.group(0)
        name, sibling = _parse(part), False
        if name is None and previous is not None and text[match.start() - 1] == "/":
            name = mirna.sibling(previous, _AROUND.sub("", part))
            sibling = name is not None
        previous = name
        segments.append((match.start(), match.end(), part, name, sibling))
    return segments


# Cached: a corpus repeats its words, and folding one costs two Unicode normalizations.
@functools.lru_cache(maxsize=1 << 16)
def _word_forms(word: str) -> tuple[str, ...]:
    """A word transliterated, spelled out where it has a Greek letter, and folded."""
    forms = [transliterate(word)] + ([spell_out(word)] if _GREEK.search(word) else [])
    return tuple(f for f in dict.fromkeys([*forms, fold(word)]) if f)


@functools.lru_cache(maxsize=1 << 16)
def _segment_terms(
    part: str, name: mirna.MirnaName | None
) -> tuple[tuple[str, int, int, bool], ...]:
    """A segment's words: (token, start, end, whole segment), the span within the segment.
    Cached, as segments repeat across a corpus."""
    words = list(_WORD.finditer(part))
    if not words:
        return ()
    terms = [
        (form, word.start(), word.end(), False)
        for word in words
        for form in _word_forms(word.group(0))
    ]
    whole = [fold(part)] if len(words) > 1 else []
    whole += mirna.search_keys(name, generalize=True) if name else []
    span = (words[0].start(), words[-1].end())
    terms += [(token, *span, True) for token in dict.fromkeys(whole) if token]
    return tuple(terms)


def document_terms(text: str) -> list[Term]:
    """The words ``text`` is filed under, in order, each with the span it stands for."""
    return [
        Term(token, start + a, start + b, whole)
        for start, _, part, name, _ in _segments(text)
        for token, a, b, whole in _segment_terms(part, name)
    ]


def terms_text(text: str) -> str:
    """The words ``text`` is filed under, as one string for the full-text index."""
    return " ".join(
        term[0] for _, _, part, name, _ in _segments(text) for term in _segment_terms(part, name)
    )


# A query: ("term", token, prefix), or ("and" | "or", (subtrees, ...)).
Tree = tuple[str, str, bool] | tuple[str, tuple["Tree", ...]]


def _either(trees: list[Tree]) -> Tree:
    unique = list(dict.fromkeys(trees))
    return unique[0] if len(unique) == 1 else ("or", tuple(unique))


def query_tree(query: str) -> Tree:
    """What ``query`` looks for: every segment, each in any of its spellings.

    Raises :class:`ValueError` for a query with no word, or more than :data:`MAX_WORDS`.
    """
    count = len(_WORD.findall(query))
    if count > MAX_WORDS:
        raise ValueError(f"a search takes at most {MAX_WORDS} words; this one has {count}")
    wanted: list[Tree] = []
    for _, _, part, name, sibling in _segments(query):
        if name is not None:
            key: Tree = ("term", mirna.search_keys(name, generalize=False)[0], False)
            # miR-199a/b: either of the two.
            wanted.append(_either([wanted.pop(), key]) if sibling else key)
            continue
        words = [w.group(0) for w in _WORD.finditer(part)]
        # A lone word is not folded: "alpha" folds to "a", which would find every article.
        # A Greek letter is looked for spelled out, which every document files too ("a" would
        # find every word beginning with an a).
        each: list[Tree] = [
            ("term", spell_out(w) if _GREEK.search(w) else transliterate(w), True)
            for w in words
            if transliterate(w)
        ]
        if not each:
            continue
        together = each[0] if len(each) == 1 else ("and", tuple(each))
        if len(words) > 1 and fold(part):
            together = _either([("term", fold(part), True), together])
        wanted.append(together)
    if not wanted:
        raise ValueError("search needs at least one word")
    return wanted[0] if len(wanted) == 1 else ("and", tuple(wanted))


def fts5_query(tree: Tree) -> str:
    """``tree`` in FTS5's query syntax (every token is letters and digits, so nothing in it
    is syntax)."""
    if tree[0] == "term":
        return f'"{tree[1]}"' + ("*" if tree[2] else "")
    joined = f" {tree[0].upper()} ".join(fts5_query(t) for t in tree[1])  # type: ignore[union-attr]
    return f"({joined})"


def tsquery(tree: Tree) -> str:
    """``tree`` in PostgreSQL's to_tsquery syntax."""
    if tree[0] == "term":
        return f"'{tree[1]}'" + (":*" if tree[2] else "")
    joined = (" & " if tree[0] == "and" else " | ").join(tsquery(t) for t in tree[1])  # type: ignore[union-attr]
    return f"({joined})"
