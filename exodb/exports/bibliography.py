"""The bibliography export: the source review and every reference with a checked record, as
BibTeX, RIS or CSL-JSON.

Bibliographic records come only from checked sources: a reference without a checked title is
left out, and every exported record says where it was checked.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from exodb.io.escape import bibtex_name, latex_escape, one_line
from exodb.schema import tables as t

REFERENCE_FORMATS = ("bibtex", "ris", "csl-json")

# The review exodb is curated from, with the citation given in seeds/README.md; it is exported
# with the references so that a manuscript can cite it too.
REVIEW = {
    "key": "cha2025exosome",
    "authors": ["Cha, Z.", "Li, Y."],
    "et_al": True,
    "year": 2025,
    "title": (
        "Exosome-mediated repair of spinal cord injury: cellular sources, mechanisms of action, "
        "and combined therapeutic strategies"
    ),
    "journal": "Frontiers in Neurology",
    "doi": "10.3389/fneur.2025.1645457",
    "note": "Source review of exodb",
}
# The review cited in one line, and where its DOI resolves: the data package's source and the
# web UI's.
REVIEW_CITATION = (
    f"{', '.join(REVIEW['authors'])} et al. ({REVIEW['year']}). {REVIEW['title']}. "
    f"{REVIEW['journal']}."
)
REVIEW_URL = f"https://doi.org/{REVIEW['doi']}"


@dataclass
class BibRecord:
    key: str
    authors: list[str]
    et_al: bool
    year: int | None
    title: str
    journal: str | None
    doi: str | None
    pmid: str | None
    note: str
    number: int | None = None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _citation_key(ref: Row, taken: set[str]) -> str:
    """``liu2020exosome``: first author, year, first title word; ``ref46`` without an author."""
    author = re.sub(r"[^a-z]", "", _ascii(ref.first_author or "").lower())
    word = next(
        (w for w in re.findall(r"[a-z]+", _ascii(ref.title or "").lower()) if len(w) > 3), ""
    )
    base = f"{author}{ref.year or ''}{word}" if author else f"ref{ref.number}"
    key, suffix = base, ord("a")
    while key in taken:
        key = f"{base}{chr(suffix)}"
        suffix += 1
    taken.add(key)
    return key


def bibliography(session: Session) -> list[BibRecord]:
    """The review and every reference with a checked title, keyed for citation."""
    records = [
        BibRecord(
            key=REVIEW["key"],
            authors=list(REVIEW["authors"]),
            et_al=True,
            year=REVIEW["year"],
            title=REVIEW["title"],
            journal=REVIEW["journal"],
            doi=REVIEW["doi"],
            pmid=None,
            note=REVIEW["note"],
        )
    ]
    taken = {REVIEW["key"]}
    reference = t.reference.c
    stmt = select(t.reference).where(reference.title.is_not(None)).order_by(reference.number)
    for ref in session.execute(stmt):
        records.append(
            BibRecord(
                key=_citation_key(ref, taken),
                authors=[ref.first_author] if ref.first_author else [],
                et_al=bool(ref.first_author),
                year=ref.year,
                title=ref.title or "",
                journal=ref.journal,
                doi=ref.doi,
                pmid=ref.pmid,
                note=(
                    f"Reference {ref.number} of the source review; record {ref.check_status}, "
                    f"checked at {ref.checked_at}"
                ),
                number=ref.number,
            )
        )
    return records


def to_bibtex(records: list[BibRecord]) -> str:
    """The records as BibTeX. Every field is written with the LaTeX tables' escaping, so a file
    stays readable to BibTeX (and biber, pybtex, reference managers) whatever the records hold:
    balanced braces, no raw special character, every character outside ASCII spelled as LaTeX."""
    entries = []
    for r in records:
        fields = []
        if r.authors:
            names = " and ".join(bibtex_name(a) for a in r.authors)
            fields.append(("author", names + (" and others" if r.et_al else "")))
        # Double braces keep the title's capitals (NF-κB, PI3K) from a style's lowercasing.
        fields.append(("title", "{" + latex_escape(r.title) + "}"))
        if r.journal:
            fields.append(("journal", latex_escape(r.journal)))
        if r.year:
            fields.append(("year", str(r.year)))
        if r.doi:
            fields.append(("doi", latex_escape(r.doi)))
        if r.pmid:
            fields.append(("pmid", latex_escape(r.pmid)))
        fields.append(("note", latex_escape(r.note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@article{{{r.key},\n{body}\n}}")
    return "\n\n".join(entries) + "\n"


def to_ris(records: list[BibRecord]) -> str:
    """The records as RIS, one line a value: a line break in a value would begin a tag of its
    own (a forged ``ER  -`` ends the record), so line breaks and tabs become spaces."""
    blocks = []
    for r in records:
        lines = ["TY  - JOUR", f"ID  - {r.key}"]
        values = [("AU", a) for a in r.authors]
        values.append(("TI", r.title))
        if r.journal:
            values.append(("JO", r.journal))
        if r.year:
            values.append(("PY", str(r.year)))
        if r.doi:
            values.append(("DO", r.doi))
        if r.pmid:
            values.append(("AN", f"PMID:{r.pmid}"))
        values.append(("N1", r.note))
        lines += [f"{tag}  - {one_line(value).strip()}" for tag, value in values]
        lines.append("ER  - ")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def to_csl_json(records: list[BibRecord]) -> str:
    items = []
    for r in records:
        item: dict[str, Any] = {"id": r.key, "type": "article-journal", "title": r.title}
        if r.authors:
            item["author"] = [{"family": a.split(",")[0].strip(), **_given(a)} for a in r.authors]
        if r.journal:
            item["container-title"] = r.journal
        if r.year:
            item["issued"] = {"date-parts": [[r.year]]}
        if r.doi:
            item["DOI"] = r.doi
        if r.pmid:
            item["PMID"] = r.pmid
        item["note"] = r.note
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _given(name: str) -> dict[str, str]:
    _, _, given = name.partition(",")
    return {"given": given.strip()} if given.strip() else {}


def export_references(session: Session, fmt: str) -> str:
    """The bibliography in ``fmt``: bibtex, ris or csl-json."""
    records = bibliography(session)
    if fmt == "bibtex":
        return to_bibtex(records)
    if fmt == "ris":
        return to_ris(records)
    if fmt == "csl-json":
        return to_csl_json(records)
    raise ValueError(f"format must be one of {', '.join(REFERENCE_FORMATS)}")
