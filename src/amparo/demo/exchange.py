"""Step 5: the case packages to a Guatemala installation, signed and encrypted, and outcomes back.

The Guatemala installation runs in the same process on its own store and keys (``DIR/guatemala``).
For every accepted transfer, on its departure day:

- the US records the disclosure basis (a recorded decision under 8 CFR 208.6(a), which the
  Guatemala ACA arrangement requires; a write the access policy decides first, as for the API's
  ``POST …/bases``), seals the case package the access policy lets GT-IGM have
  (:func:`amparo.exchange.transfer.export_envelope`), Guatemala opens it
  (:func:`~amparo.exchange.transfer.import_envelope`) and the US accepts its signed receipt;
- the US case moves to ``transferred``;
- Guatemala records what happens after arrival (:func:`amparo.transfers.receiving.record_event`):
  the arrival, and for some a claim lodged and later abandoned, at the rates the US Senate staff
  report published for the 945 transferred (34 began a claim, 16 abandoned it, 18 pending, none
  granted; ``transfers/data/partner_capacity.yaml``);
- those receipts flow back in a signed, encrypted envelope from Guatemala
  (:func:`amparo.exchange.envelope.seal`), which the US opens with the same import and records.

A case whose package was already acknowledged is not sent again (a second run sends nothing new).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.access.model import Purpose
from amparo.access.models import DisclosureBasisRecord
from amparo.cases.steps import transition
from amparo.demo.installation import Installation
from amparo.errors import NotFound
from amparo.exchange.envelope import Peer
from amparo.exchange.keys import InstallationKeys, installation_keys
from amparo.exchange.models import ExchangeEnvelope
from amparo.store.models import Case
from amparo.transfers.tables import TransferOutcome

PURPOSE: Purpose = "aca_transfer"
BASIS = (
    "Decision of the Secretary under 8 CFR 208.6(a) to disclose the case package to Guatemala for the "
    "transfer scheduled under the Asylum Cooperative Agreement (demo)"
)
#: US Senate Foreign Relations Committee staff report S. Prt. 117-13: of 945 transferred,
#: 34 began a claim in Guatemala and 16 of those abandoned it (partner_capacity.yaml).
CLAIM_RATE = 34 / 945
ABANDON_RATE = 16 / 34


@dataclass
class ExchangeTally:
    packages_sent: int = 0
    packages_acknowledged: int = 0
    transferred: int = 0
    outcome_envelopes: int = 0
    outcomes_back: Counter[str] = field(default_factory=Counter)  # events the US holds from GT
    guatemala_events: Counter[str] = field(default_factory=Counter)


def _draw(case_id: str, what: str) -> float:
    """A number in [0, 1) fixed by the case and what it decides (the same on every run)."""
    digest = hashlib.sha256(f"{case_id}|{what}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def guatemala_events(case_id: str, arrived: dt.date) -> list[tuple[str, dt.date]]:
    """What the demo's Guatemala records after one arrival (published rates, drawn per case)."""
    events = [("transferred", arrived)]
    if _draw(case_id, "claim") < CLAIM_RATE:
        lodged = arrived + dt.timedelta(days=1 + int(_draw(case_id, "lodged_after") * 30))
        events.append(("claim_lodged", lodged))
        if _draw(case_id, "abandon") < ABANDON_RATE:
            events.append(("abandoned", lodged + dt.timedelta(days=30 + int(_draw(case_id, "left") * 90))))
    return events


def _peers(us: Installation, gt: Installation) -> tuple[InstallationKeys, InstallationKeys]:
    from amparo.exchange.transfer import add_peer, installation_card

    us_keys = installation_keys(us.settings.data_dir)
    gt_keys = installation_keys(gt.settings.data_dir)
    with us.session() as session:
        add_peer(session, installation_card("GT", gt_keys), actor=us.actors["demo-supervisor"].id)
    with gt.session() as session:
        add_peer(session, installation_card("US", us_keys), actor=gt.actors["demo-igm"].id)
    return us_keys, gt_keys


def _peer(session: Session, installation: str) -> Peer:
    from amparo.exchange.transfer import peer

    found = peer(session, installation)
    if found is None:
        raise NotFound("peer installation", installation)
    return found


def _acknowledged(us: Installation, case_id: str) -> bool:
    with us.factory() as session:
        return (
            session.scalar(
                select(ExchangeEnvelope.envelope_id).where(
                    ExchangeEnvelope.direction == "out",
                    ExchangeEnvelope.record_id == case_id,
                    ExchangeEnvelope.acknowledged_at.is_not(None),
                )
            )
            is not None
        )


def _send_package(
    us: Installation,
    gt: Installation,
    keys: tuple[InstallationKeys, InstallationKeys],
    case_id: str,
    day: dt.date,
) -> None:
    from amparo.exchange.transfer import (
        accept_receipt,
        export_envelope,
        import_envelope,
        record_basis,
        write_permitted,
    )

    us_keys, gt_keys = keys
    supervisor = us.actors["demo-supervisor"]
    with us.session() as session:
        has_basis = session.scalar(
            select(DisclosureBasisRecord.id).where(
                DisclosureBasisRecord.case_id == case_id, DisclosureBasisRecord.recipient == "GT"
            )
        )
        # a write decided like the API's (case management, on the case, on the departure day)
        if has_basis is None and write_permitted(
            session, supervisor.requester, case_id, packs=us.packs, on=day
        ):
            record_basis(
                session, case_id, recipient="GT", kind="decision", legal_basis=BASIS, actor=supervisor.id
            )
    with us.session() as session:
        envelope = export_envelope(
            session, me="US", keys=us_keys, case_id=case_id, recipient_agency="GT-IGM", purpose=PURPOSE,
            actor=us.actors["demo-officer"].id, packs=us.packs, on=day,
        )  # fmt: skip
    with gt.session() as session:
        receipt, _ = import_envelope(
            session, envelope.to_bytes(), me="GT", keys=gt_keys, actor=gt.actors["demo-igm"].id
        )
    with us.session() as session:
        accept_receipt(session, receipt, actor=supervisor.id)


def _transferred(us: Installation, case_id: str, day: dt.date) -> bool:
    with us.session() as session:
        case = session.get(Case, case_id)
        if case is None or case.state != "transfer_scheduled":
            return False
        transition(
            session, us.packs, us.actors["demo-officer"], case_id, to="transferred",
            reason=f"transferred to Guatemala on {day.isoformat()}", expected_version=case.version,
        )  # fmt: skip
    return True


def _record_in_guatemala(gt: Installation, case_id: str, day: dt.date) -> list[dict[str, Any]]:
    """Guatemala's events for one arrival (once), and their receipts."""
    from amparo.transfers.receiving import record_event

    with gt.session() as session:
        if session.scalar(select(TransferOutcome.id).where(TransferOutcome.case_id == case_id)) is not None:
            return []
        return [
            record_event(
                session,
                actor=gt.actors["demo-igm"].id,
                case_id=case_id,
                receiving_country="GT",
                event=event,
                event_on=on,
            )  # fmt: skip
            for event, on in guatemala_events(case_id, day)
        ]


def _outcomes_back(
    us: Installation,
    gt: Installation,
    keys: tuple[InstallationKeys, InstallationKeys],
    receipts: list[dict[str, Any]],
) -> None:
    """Guatemala seals its receipts to the US; the US opens them and records each event."""
    from amparo.exchange.envelope import parse_receipt, seal, verify_receipt
    from amparo.exchange.transfer import import_envelope
    from amparo.transfers.receiving import record_event

    us_keys, gt_keys = keys
    igm = gt.actors["demo-igm"].id
    record_id = f"outcomes-{len(receipts)}-{receipts[0]['id']}"
    payload = {
        "record_kind": "transfer_outcomes",
        "record_id": record_id,
        "recipient_agency": "US-USCIS",
        "purpose": PURPOSE,
        "package": {"receipts": receipts},
    }
    with gt.session() as session:
        us_peer = _peer(session, "US")
        envelope = seal(payload, sender="GT", keys=gt_keys, recipient=us_peer, purpose=PURPOSE)
        audit.record(
            session, actor=igm, action="disclosure", record_kind="transfer_outcomes",
            record_id=record_id, purpose=PURPOSE, outcome="ok",
            detail={"to": "US-USCIS", "envelope_id": envelope.envelope_id, "digest": envelope.digest},
        )  # fmt: skip
    with us.session() as session:
        receipt, _ = import_envelope(
            session, envelope.to_bytes(), me="US", keys=us_keys, actor=us.actors["demo-supervisor"].id
        )
        for item in receipts:
            record_event(
                session, actor=us.actors["demo-supervisor"].id, case_id=item["case_id"],
                receiving_country=item["receiving_country"], event=item["event"],
                event_on=dt.date.fromisoformat(item["event_on"]),
            )  # fmt: skip
    with gt.session() as session:
        verify_receipt(parse_receipt(receipt), receiver=_peer(session, "US"))
        audit.record(
            session, actor=igm, action="acknowledgement_received", record_kind="envelope",
            record_id=envelope.envelope_id, purpose=PURPOSE, outcome="ok",
            detail={"from": "US", "digest": envelope.digest},
        )  # fmt: skip


def exchange_packages(
    us: Installation, gt: Installation, accepted: dict[str, tuple[str, dt.date]], advance: Callable[[], None]
) -> ExchangeTally:
    """Send every accepted transfer's package, move it to transferred, bring outcomes back."""
    tally = ExchangeTally()
    keys = _peers(us, gt)
    receipts: list[dict[str, Any]] = []
    for case_id, (_, day) in sorted(accepted.items(), key=lambda kv: (kv[1][1], kv[0])):
        if not _acknowledged(us, case_id):
            _send_package(us, gt, keys, case_id, day)
            tally.packages_sent += 1
        tally.transferred += _transferred(us, case_id, day)
        receipts += _record_in_guatemala(gt, case_id, day)
        advance()
    if receipts:
        _outcomes_back(us, gt, keys, receipts)
        tally.outcome_envelopes += 1
    with us.factory() as session:
        tally.packages_acknowledged = len(
            session.scalars(
                select(ExchangeEnvelope.record_id).where(
                    ExchangeEnvelope.direction == "out",
                    ExchangeEnvelope.record_id.in_(list(accepted)),
                    ExchangeEnvelope.acknowledged_at.is_not(None),
                )
            ).all()
        )
        tally.outcomes_back.update(
            session.scalars(select(TransferOutcome.event).where(TransferOutcome.case_id.in_(list(accepted))))
        )
    with gt.factory() as session:
        tally.guatemala_events.update(session.scalars(select(TransferOutcome.event)))
    return tally


def guatemala_folder(out: Path) -> Path:
    """Where the demo's Guatemala installation keeps its store and keys."""
    return out / "guatemala"
