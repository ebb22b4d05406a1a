"""Nothing beyond the sources: every citation and every date the US pack names is in its source
registry (amparo.rules.us.sources), and a source from outside the brief carries a flag."""

from __future__ import annotations

import datetime as dt

from amparo.engine.law import LawBook
from amparo.rules.us import law_book
from amparo.rules.us.flags import BRIEF
from amparo.rules.us.sources import CITATIONS, DATES


def _split(citation: str) -> list[str]:
    return [c for c in citation.split("; ") if c]


def cited(book: LawBook) -> set[str]:
    out: set[str] = set()
    for inst in book.instruments.values():
        for c in inst.citations:
            out.update(_split(c))
        for event in inst.events:
            for c in event.citations:
                out.update(_split(c))
    for rule in book.rules.values():
        for v in rule.versions:
            for c in v.citations:
                out.update(_split(c))
            for x in v.exceptions:
                out.update(_split(x.citation))
            for case in v.cases:
                out.update(_split(case.citation))
    for flag in book.flags.values():
        out.update(c for cite in flag.citations for c in _split(cite) if not c.startswith(BRIEF))
    return out


def dated(book: LawBook) -> set[dt.date]:
    out = {e.on for inst in book.instruments.values() for e in inst.events}
    for rule in book.rules.values():
        for v in rule.versions:
            out.add(v.valid_from)
            if v.valid_to is not None:
                out.add(v.valid_to)
    return out


def test_every_citation_is_in_the_registry() -> None:
    missing = sorted(cited(law_book()) - set(CITATIONS))
    assert not missing, f"citations the source registry does not hold: {missing}"


def test_every_date_is_in_the_registry() -> None:
    missing = sorted(d.isoformat() for d in dated(law_book()) - set(DATES))
    assert not missing, f"dates the source registry does not hold: {missing}"


def test_a_source_outside_the_brief_is_flagged() -> None:
    book = law_book()
    for citation, source in CITATIONS.items():
        if source.outside_brief:
            assert source.flag in book.flags or source.certainty == "U", citation


def test_the_registry_holds_nothing_the_pack_does_not_name() -> None:
    """A stale entry hides nothing, but it is a sign the pack changed without its registry."""
    stale = sorted(set(CITATIONS) - cited(law_book()))
    assert not stale, f"registry entries no longer cited: {stale}"


def test_an_unregistered_citation_is_caught() -> None:
    book = law_book()
    assert "8 USC 1225(b)(1)(A)(i)" not in cited(book)  # a clause the brief does not give
    assert "8 USC 1225(b)(1)(A)(i)" not in CITATIONS


def test_no_statement_beyond_the_brief() -> None:
    """Phrases the review found that the brief does not contain never come back."""
    text = str(book_text(law_book()))
    for phrase in (
        "Hill Tinoco",
        "2021-12-02",
        "Wolf v. Innovation Law Lab",
        "D.D.C. 2025",
        "Guaranteeing the States",
        "land and coastal borders",
    ):
        assert phrase not in text, phrase


def book_text(book: LawBook) -> object:
    return book.canonical() | {
        "notes": [i.notes for i in book.instruments.values()],
        "titles": [i.title for i in book.instruments.values()],
        "summaries": [v.summary for r in book.rules.values() for v in r.versions],
    }
