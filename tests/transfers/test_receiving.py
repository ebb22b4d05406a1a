"""The receiving side: events after arrival (audited), receipts, and cohort statistics from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from amparo import audit
from amparo.audit.models import AuditEntry
from amparo.errors import InputError
from amparo.store.db import make_engine, session_factory, transaction
from amparo.transfers.cohorts import cohort_table
from amparo.transfers.receiving import outcome_records, record_event

D = dt.date


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield session_factory(engine)
    engine.dispose()


def test_events_become_cohort_rows_and_receipts(factory) -> None:
    events = [
        ("A", "transferred", D(2019, 12, 12)),
        ("A", "claim_lodged", D(2019, 12, 20)),
        ("A", "abandoned", D(2020, 2, 1)),
        ("B", "transferred", D(2019, 12, 12)),
        ("B", "assisted_return", D(2019, 12, 13)),
        ("C", "transferred", D(2020, 1, 30)),
        ("C", "claim_lodged", D(2020, 2, 2)),
        ("X", "claim_lodged", D(2020, 2, 2)),  # no arrival recorded: not in any cohort
    ]
    with transaction(factory) as session:
        receipts = [
            record_event(session, actor="gt-officer", case_id=c, receiving_country="GT", event=e, event_on=d)
            for c, e, d in events
        ]
    assert receipts[2] == {
        "kind": "transfer_outcome",
        "id": receipts[2]["id"],
        "case_id": "A",
        "receiving_country": "GT",
        "event": "abandoned",
        "event_on": "2020-02-01",
    }
    with transaction(factory) as session:
        rows = {r.cohort: r for r in cohort_table(outcome_records(session, "GT"))}
    assert rows["2019-12"].transferred == 2 and rows["2019-12"].claims_lodged == 1
    assert rows["2019-12"].outcomes["abandoned"] == 1 and rows["2019-12"].outcomes["assisted_return"] == 1
    assert rows["2019-12"].median_days_claim_to_outcome == 43
    assert rows["2020-01"].pending == 1
    audit.settle(factory)
    with factory() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("transfers.outcome.record") == len(events)


def test_an_unknown_event_names_the_field(factory) -> None:
    with pytest.raises(InputError) as caught, transaction(factory) as session:
        record_event(
            session, actor="x", case_id="A", receiving_country="gt", event="won", event_on=D(2020, 1, 1)
        )
    assert {e.path for e in caught.value.errors} == {"/receiving_country", "/event"}
