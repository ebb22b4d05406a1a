"""Reads and lists called directly: typed results, refusals answered like missing records and
audited after the rollback, pages that cover every visible record once."""

from __future__ import annotations

import pytest
from case_packs import arrival
from case_support import Cases, us_encounter
from sqlalchemy import select

from amparo.access.actor import DeniedRead
from amparo.audit.entries import ENTRIES
from amparo.cases import lists, reads, steps
from amparo.cases.models import CaseOut, CasePage, DeadlinePage, EncounterOut, EncounterPage, NoteOut
from amparo.errors import NotFound
from amparo.store.db import transaction


def _audit(cases: Cases, outcome: str) -> list[tuple[str, str, str]]:
    with transaction(cases.factory) as session:
        rows = session.execute(
            select(ENTRIES.c.action, ENTRIES.c.record_kind, ENTRIES.c.purpose).where(
                ENTRIES.c.outcome == outcome
            )
        )
        return [tuple(r) for r in rows]


def test_reads_return_typed_results(cases: Cases) -> None:
    case_id = cases.intake(us_encounter("EX-1")).body.encounter.case_id
    assert case_id is not None
    encounter = cases.run(reads.get_encounter, "EX-1")
    assert isinstance(encounter, EncounterOut)
    assert (encounter.id, encounter.case_id, encounter.nationality, encounter.redacted) == (
        "EX-1",
        case_id,
        "HN",
        [],
    )
    case = cases.run(reads.get_case, case_id)
    assert isinstance(case, CaseOut)
    note = cases.run(steps.add_note, case_id, "first contact")
    assert isinstance(note, NoteOut) and note.text == "first contact"
    assert [n.id for n in cases.run(reads.case_notes, case_id)] == [note.id]
    deadlines = cases.run(reads.case_deadlines, case_id)
    assert [(d.step, d.overdue, d.met_at) for d in deadlines] == [("screened", False, None)]


def test_a_redacted_encounter_nulls_what_the_purpose_withholds(cases: Cases) -> None:
    cases.intake(us_encounter("EX-1"))
    with transaction(cases.factory) as session:
        shown = reads.get_encounter(
            session, cases.packs, cases.actors["analyst"].reading("statistics"), "EX-1"
        )
    assert shown.person_id is None
    assert "given_names" in shown.redacted and "given_names" not in shown.document
    assert shown.document["record_id"] == "EX-1"


def test_a_refused_read_is_not_found_and_audited_after_the_rollback(cases: Cases) -> None:
    case_id = cases.intake(us_encounter("EX-1")).body.encounter.case_id
    assert case_id is not None
    with pytest.raises(DeniedRead) as raised:
        cases.run(reads.get_case, case_id, user="partner")
    assert isinstance(raised.value, NotFound)
    assert (raised.value.record_kind, raised.value.record_id, raised.value.purpose) == (
        "case",
        case_id,
        "case_management",
    )
    assert raised.value.reasons  # the policy said why
    assert _audit(cases, "denied") == [("read", "case", "case_management")]
    with pytest.raises(NotFound):
        cases.run(reads.get_case, "C-missing")
    assert len(_audit(cases, "denied")) == 1  # a missing record is no refusal


def test_lists_page_through_every_visible_case_once_and_leave_out_the_refused(cases: Cases) -> None:
    for n in range(5):
        cases.intake(us_encounter(f"EX-{n}"))
    cases.intake(arrival("AR-1"))
    seen: list[str] = []
    cursor = None
    while True:
        page = cases.run(lists.list_cases, cursor=cursor, limit=2)
        assert isinstance(page, CasePage) and len(page.items) <= 2
        seen += [c.id for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6
    states = {c.state for c in cases.run(lists.list_cases, limit=50).items}
    assert states == {"screened", "registered"}  # each case read with its own pack's workflow
    encounters = cases.run(lists.list_encounters, nationality="HN", limit=50)
    assert isinstance(encounters, EncounterPage)
    assert sorted(e.id for e in encounters.items) == [f"EX-{n}" for n in range(5)]
    partner = cases.run(lists.list_cases, limit=50, user="partner")
    assert partner.items == [] and partner.next_cursor is None
    deadlines = cases.run(lists.list_deadlines, limit=50)
    assert isinstance(deadlines, DeadlinePage)
    assert sorted(d.step for d in deadlines.items) == ["registered", "return_request"] + ["screened"] * 5
