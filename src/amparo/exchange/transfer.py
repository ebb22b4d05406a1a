"""Case packages, disclosure bases and the envelope exchange, on one installation's database.

Every function here runs inside the caller's transaction and audits what it does there:
package reads (permitted or denied), recorded bases, disclosures (envelope exports), imports,
ignored replays, and acknowledgements sent and received. A package read the policy refuses
raises NotFound, exactly as a case that does not exist.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from amparo import audit
from amparo.access.agencies import get_agency
from amparo.access.facts import case_context, person_facts, record_facts
from amparo.access.fields import project, view_of_encounter
from amparo.access.model import AccessDecision, Purpose, RecordFacts, RecordKind, Requester
from amparo.access.models import DisclosureBasisRecord
from amparo.access.policy import authorize
from amparo.audit import anchors
from amparo.engine.registry import PackRegistry
from amparo.errors import AccessDenied, FieldError, InputError, NotFound
from amparo.exchange.envelope import (
    Envelope,
    EnvelopeError,
    Peer,
    make_receipt,
    open_envelope,
    parse_envelope,
    parse_receipt,
    seal,
    verify_receipt,
)
from amparo.exchange.keys import InstallationKeys, b64, key_id
from amparo.exchange.models import ExchangeEnvelope, ExchangePeer
from amparo.exchange.withdrawal import withdraw_unsent
from amparo.iso_countries import is_country
from amparo.store.canonical_json import canonical_json
from amparo.store.db import after_rollback
from amparo.store.models import Case, Encounter

CARD_FORMAT = "amparo-installation/1"
BASIS_KINDS = frozenset({"consent", "decision"})
MAX_AGE = dt.timedelta(days=30)
MAX_SKEW = dt.timedelta(minutes=10)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- installations -------------------------------------------------------------------------


def installation_card(installation: str, keys: InstallationKeys) -> dict[str, str]:
    """This installation's public card: its country and public keys, to give to peers."""
    return {
        "format": CARD_FORMAT,
        "installation": installation,
        "signing_key": b64(keys.signing_public),
        "agreement_key": b64(keys.agreement_public),
        "key_id": keys.key_id,
    }


def add_peer(session: Session, card: dict[str, Any], *, actor: str) -> Peer:
    """Register (or replace) a peer installation from its card; InputError when malformed."""
    problems: list[FieldError] = []
    if card.get("format") != CARD_FORMAT:
        problems.append(FieldError("/format", f"expected '{CARD_FORMAT}'"))
    installation = card.get("installation")
    if not isinstance(installation, str) or len(installation) != 2 or not installation.isupper():
        problems.append(FieldError("/installation", "expected an ISO 3166-1 alpha-2 code"))
    raw: dict[str, bytes] = {}
    for name in ("signing_key", "agreement_key"):
        try:
            raw[name] = base64.b64decode(str(card.get(name, "")), validate=True)
        except (binascii.Error, ValueError):
            raw[name] = b""
        if len(raw[name]) != 32:
            problems.append(FieldError(f"/{name}", "expected a base64 32-byte public key"))
    if problems:
        raise InputError(problems, source="installation card")
    installation = str(installation)
    peer = Peer(installation, raw["signing_key"], raw["agreement_key"])
    row = session.get(ExchangePeer, installation) or ExchangePeer(installation=installation)
    row.signing_key, row.agreement_key = b64(peer.signing_key), b64(peer.agreement_key)
    row.key_id, row.added_at = peer.key_id, _now().isoformat()
    session.add(row)
    audit.record(
        session,
        actor=actor,
        action="peer_added",
        record_kind="installation",
        record_id=installation,
        purpose="exchange",
        outcome="ok",
        detail={"key_id": peer.key_id},
    )
    return peer


def peer(session: Session, installation: str) -> Peer | None:
    """The registered peer installation, or None."""
    row = session.get(ExchangePeer, installation)
    if row is None:
        return None
    return Peer(row.installation, base64.b64decode(row.signing_key), base64.b64decode(row.agreement_key))


# --- facts, bases and packages --------------------------------------------------------------


def record_basis(
    session: Session, case_id: str, *, recipient: str, kind: str, legal_basis: str, actor: str
) -> str:
    """Record the applicant's written consent or a decision with its legal basis; its id."""
    problems: list[FieldError] = []
    if kind not in BASIS_KINDS:
        problems.append(FieldError("/kind", "expected 'consent' or 'decision'"))
    if not legal_basis.strip():
        problems.append(
            FieldError("/legal_basis", "name the consent document or the decision and its legal basis")
        )
    if not is_country(recipient):
        try:
            get_agency(recipient)
        except InputError:
            problems.append(
                FieldError(
                    "/recipient",
                    f"'{recipient}' is neither an ISO 3166-1 country code (such as GT) nor an agency code "
                    "(such as GT-IGM)",
                )
            )
    if problems:
        raise InputError(problems)
    if session.get(Case, case_id) is None:
        raise NotFound("case", case_id)
    basis_id = uuid.uuid4().hex
    session.add(
        DisclosureBasisRecord(
            id=basis_id,
            case_id=case_id,
            recipient=recipient,
            kind=kind,
            legal_basis=legal_basis.strip(),
            recorded_by=actor,
            recorded_at=_now().isoformat(),
        )
    )
    audit.record(
        session,
        actor=actor,
        action="disclosure_basis_recorded",
        record_kind="case",
        record_id=case_id,
        purpose="aca_transfer",
        outcome="ok",
        detail={"basis_id": basis_id, "recipient": recipient, "kind": kind, "legal_basis": legal_basis},
    )
    return basis_id


def case_record(
    session: Session, case_id: str, packs: PackRegistry, kind: RecordKind = "case_package"
) -> tuple[RecordFacts, dict[str, Any]]:
    """What the policy needs to know about a case (:mod:`amparo.access.facts`, as the case
    API builds it), and its full field view (unredacted)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    encounter = session.get(Encounter, case.encounter_id)
    if encounter is None:
        raise NotFound("case", case_id)
    context = case_context(session, case, packs)
    person = person_facts(packs, encounter.document)
    facts = record_facts(kind, case_id, person, context)
    aca_to = facts.aca_receiving_country
    transfer = {"receiving_country": aca_to, "case_state": case.state} if aca_to else None
    summary = dict(context.summary) if context.summary is not None else None
    view = view_of_encounter(
        kind, case_id, encounter.document, person, decision_summary=summary, aca_transfer=transfer
    )
    return facts, view


def _audit_decision(
    session: Session,
    actor: str,
    action: str,
    facts: RecordFacts,
    purpose: str,
    decision: AccessDecision,
    **extra: Any,
) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        record_kind=facts.kind,
        record_id=facts.record_id,
        purpose=purpose,
        outcome="ok" if decision.permitted else "denied",
        detail={
            "arrangements": list(decision.arrangements),
            "reasons": list(decision.reasons[:6]),
            "fields": sorted(decision.fields) if decision.fields is not None else "all",
            **extra,
        },
    )


def write_permitted(
    session: Session, requester: Requester, case_id: str, *, packs: PackRegistry, on: dt.date
) -> bool:
    """Whether ``requester`` may write to the case (a recorded basis): the one access decision
    on the case, for case management, on ``on``. A refusal or a missing case is audited; the
    caller commits, then answers it as not found."""
    decision: AccessDecision | None = None
    try:
        facts, _view = case_record(session, case_id, packs, "case")
    except NotFound:
        pass
    else:
        decision = authorize(requester, facts, "case_management", on)
        if decision.permitted:
            return True
    audit.record(
        session,
        actor=requester.user_id,
        action="write",
        record_kind="case",
        record_id=case_id,
        purpose="case_management",
        outcome="denied" if decision is not None else "not_found",
        detail={"reasons": list(decision.reasons[:6])} if decision is not None else None,
    )
    return False


def package_for(
    session: Session,
    requester: Requester,
    case_id: str,
    purpose: Purpose,
    *,
    packs: PackRegistry,
    on: dt.date,
) -> dict[str, Any] | None:
    """The case package as ``requester`` may see it for ``purpose`` on ``on`` (the caller's
    today); None when refused or missing.

    The read is audited either way; the caller commits, then answers a refusal as not found.
    """
    try:
        facts, view = case_record(session, case_id, packs)
    except NotFound:
        audit.record(
            session,
            actor=requester.user_id,
            action="read",
            record_kind="case_package",
            record_id=case_id,
            purpose=purpose,
            outcome="not_found",
        )
        return None
    decision = authorize(requester, facts, purpose, on)
    _audit_decision(session, requester.user_id, "read", facts, purpose, decision, agency=requester.agency)
    return project(view, decision.fields) if decision.permitted else None


# --- envelopes ------------------------------------------------------------------------------


class DisclosureRefused(AccessDenied):
    """Raised when the access policy refuses to disclose a case to an agency for a purpose
    (the refusal is audited). The API answers it as not found, like any refused record."""

    def __init__(self, case_id: str, agency: str, purpose: str, reasons: Sequence[str]) -> None:
        super().__init__(reasons)
        self.case_id = case_id
        self.agency = agency
        self.purpose = purpose
        self.args = (
            f"Case '{case_id}' may not be disclosed to {agency} for {purpose}: {'; '.join(reasons[:3])}. "
            "If the applicant consented in writing or a decision allows it, record it first with "
            f"'amparo exchange basis {case_id} --to {agency} --kind consent|decision --basis TEXT'; "
            "the refusal is in the audit trail.",
        )


def export_envelope(
    session: Session,
    *,
    me: str,
    keys: InstallationKeys,
    case_id: str,
    recipient_agency: str,
    purpose: Purpose,
    actor: str,
    packs: PackRegistry,
    on: dt.date,
) -> Envelope:
    """Seal the case package the policy lets ``recipient_agency`` have on ``on`` (the caller's
    today), for its installation."""
    agency = get_agency(recipient_agency)
    if agency.country is None:
        raise InputError([FieldError("/agency", f"{agency.code} has no installation of its own")])
    target = peer(session, agency.country)
    if target is None:
        raise InputError(
            [
                FieldError(
                    "/agency",
                    f"no peer installation {agency.country} (of {agency.code}) is registered; register "
                    "its card first (amparo exchange peer-add CARD)",
                )
            ]
        )
    facts, view = case_record(session, case_id, packs)
    case = session.get(Case, case_id)
    if case is not None:  # what was sealed for the person and is now barred is withdrawn first
        withdraw_unsent(session, case.person_id, packs=packs, actor=actor)
    requester = Requester(f"installation:{agency.country}", "partner", agency.code, agency.country)
    decision = authorize(requester, facts, purpose, on)
    if not decision.permitted:  # audited after the rollback, so the refusal stays in the trail
        after_rollback(
            session,
            lambda fresh: _audit_decision(
                fresh, actor, "disclosure", facts, purpose, decision, to=agency.code
            ),
        )
        if case is not None:  # and what was sealed for the person and is now barred is withdrawn
            person_id = case.person_id

            def withdraw(fresh: Session) -> None:
                withdraw_unsent(fresh, person_id, packs=packs, actor=actor)

            after_rollback(session, withdraw)
        raise DisclosureRefused(case_id, agency.code, purpose, decision.reasons)
    payload = {
        "record_kind": "case_package",
        "record_id": case_id,
        "recipient_agency": agency.code,
        "purpose": purpose,
        "package": project(view, decision.fields),
        "arrangements": list(decision.arrangements),
        "citations": list(decision.citations),
    }
    audit.integrate(session, keys)  # the head locked: a checkpoint signed on it, sent along
    witnessed = anchors.make_anchor(
        session, keys, with_tree=False
    )  # the peer keeps it: proof of what our trail held
    if witnessed is not None:
        payload["sender_checkpoint"] = witnessed
    envelope = seal(payload, sender=me, keys=keys, recipient=target, purpose=purpose)
    session.add(
        ExchangeEnvelope(
            envelope_id=envelope.envelope_id,
            direction="out",
            peer=agency.country,
            purpose=purpose,
            record_id=case_id,
            nonce=envelope.fields["nonce"] + envelope.fields["ephemeral_public"][:20],
            digest=envelope.digest,
            at=_now().isoformat(),
        )
    )
    _audit_decision(
        session,
        actor,
        "disclosure",
        facts,
        purpose,
        decision,
        to=agency.code,
        envelope_id=envelope.envelope_id,
        digest=envelope.digest,
    )
    return envelope


def import_envelope(
    session: Session,
    data: bytes,
    *,
    me: str,
    keys: InstallationKeys,
    actor: str,
    now: dt.datetime | None = None,
) -> tuple[bytes, bool]:
    """Open an envelope addressed here: (the signed receipt, whether it was a duplicate).

    An identical envelope imported again changes nothing and returns the same receipt; an
    envelope reusing an id or nonce with other content is refused as a replay.
    """
    envelope = parse_envelope(data)
    now = now or _now()
    f = envelope.fields
    if f["recipient"] != me:  # said before the replay check: the sender's copy is also known here
        raise EnvelopeError(
            f"this envelope is addressed to installation {f['recipient']}, not to this one ({me}); "
            f"it was sent from {f['sender']}: import it at {f['recipient']}",
            "recipient",
        )
    known = session.get(ExchangeEnvelope, envelope.envelope_id)
    if known is not None:
        if known.direction == "in" and known.digest == envelope.digest and known.receipt:
            audit.record(
                session,
                actor=actor,
                action="envelope_duplicate",
                record_kind="envelope",
                record_id=envelope.envelope_id,
                purpose=f["purpose"],
                outcome="ignored",
            )
            return known.receipt.encode(), True
        raise EnvelopeError("replay: this envelope id was already used with other content", "envelope_id")
    nonce = f["nonce"] + f["ephemeral_public"][:20]
    if session.scalar(select(ExchangeEnvelope.envelope_id).where(ExchangeEnvelope.nonce == nonce)):
        raise EnvelopeError("replay: this nonce was already used", "nonce")
    created = dt.datetime.fromisoformat(f["created_at"])
    if created > now + MAX_SKEW:
        raise EnvelopeError("created in the future", "created_at")
    if created < now - MAX_AGE:
        raise EnvelopeError(f"older than {MAX_AGE.days} days", "created_at")
    sender = peer(session, f["sender"])
    if sender is None:
        raise EnvelopeError(f"the sender {f['sender']} is not a known peer", "sender")
    payload = open_envelope(envelope, me=me, keys=keys, sender=sender)
    if payload.get("purpose") != f["purpose"] or not isinstance(payload.get("package"), dict):
        raise EnvelopeError("the payload's purpose or package does not match its envelope", "ciphertext")
    agency_code = payload.get("recipient_agency")
    try:
        agency = get_agency(str(agency_code))
    except InputError:
        raise EnvelopeError(f"unknown recipient agency '{agency_code}'", "ciphertext") from None
    if agency.country != me:
        raise EnvelopeError(f"the package is for {agency.code}, not an agency of {me}", "ciphertext")
    checkpoint = payload.get("sender_checkpoint")
    if isinstance(checkpoint, dict):  # the sender's latest signed checkpoint, kept as a witness
        anchors.keep_witnessed(session, f["sender"], checkpoint, sender.signing_key, via=envelope.envelope_id)
    audit.integrate(session, keys)  # the head locked: our checkpoint goes back in the receipt
    receipt = make_receipt(
        envelope, me=me, keys=keys, now=now, checkpoint=anchors.make_anchor(session, keys, with_tree=False)
    )
    session.add(
        ExchangeEnvelope(
            envelope_id=envelope.envelope_id,
            direction="in",
            peer=f["sender"],
            purpose=f["purpose"],
            record_id=str(payload.get("record_id", ""))[:200],
            nonce=nonce,
            digest=envelope.digest,
            at=now.isoformat(),
            package=canonical_json(payload),
            receipt=receipt.decode(),
            acknowledged_at=now.isoformat(),
        )
    )
    detail = {
        "envelope_id": envelope.envelope_id,
        "from": f["sender"],
        "digest": envelope.digest,
        "to_agency": agency.code,
        "fields": sorted(payload["package"]),
    }
    audit.record(
        session,
        actor=actor,
        action="envelope_import",
        record_kind="case_package",
        record_id=str(payload.get("record_id", "")),
        purpose=f["purpose"],
        outcome="ok",
        detail=detail,
    )
    audit.record(
        session,
        actor=actor,
        action="acknowledgement_sent",
        record_kind="envelope",
        record_id=envelope.envelope_id,
        purpose=f["purpose"],
        outcome="ok",
        detail={"to": f["sender"], "digest": envelope.digest},
    )
    return receipt, False


def accept_receipt(session: Session, data: bytes, *, actor: str) -> dict[str, str]:
    """Record a peer's signed acknowledgement of an envelope this installation sent."""
    receipt = parse_receipt(data)
    sent = session.get(ExchangeEnvelope, receipt["envelope_id"])
    if sent is None or sent.direction != "out":
        raise EnvelopeError("no envelope with this id was sent from here", "envelope_id")
    receiver = peer(session, sent.peer)
    if receiver is None:
        raise EnvelopeError(f"the peer {sent.peer} is no longer registered", "receiver")
    verify_receipt(receipt, receiver=receiver)
    if receipt["digest"] != sent.digest:
        raise EnvelopeError("the receipt acknowledges other content than the envelope sent", "digest")
    if "checkpoint" in receipt:  # the receiver's signed checkpoint, kept as a witness of its trail
        try:
            checkpoint = json.loads(receipt["checkpoint"])
        except ValueError:
            raise EnvelopeError("not JSON", "checkpoint") from None
        if not isinstance(checkpoint, dict) or not anchors.keep_witnessed(
            session, receiver.installation, checkpoint, receiver.signing_key, via=sent.envelope_id
        ):
            raise EnvelopeError("the receiver's checkpoint does not verify with its key", "checkpoint")
    if sent.acknowledged_at is None:
        sent.acknowledged_at = receipt["received_at"]
        sent.receipt = canonical_json(receipt)
        audit.record(
            session,
            actor=actor,
            action="acknowledgement_received",
            record_kind="envelope",
            record_id=sent.envelope_id,
            purpose=sent.purpose,
            outcome="ok",
            detail={
                "from": receipt["receiver"],
                "digest": sent.digest,
                "key_id": key_id(receiver.signing_key),
            },
        )
    return receipt


def _received_view(row: ExchangeEnvelope, payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "envelope_id": row.envelope_id,
        "from": row.peer,
        "purpose": row.purpose,
        "record_id": row.record_id,
        "recipient_agency": payload.get("recipient_agency"),
        "received_at": row.at,
        "acknowledged_at": row.acknowledged_at,
        "arrangements": list(payload.get("arrangements") or []),
        "citations": list(payload.get("citations") or []),
        "package": payload.get("package") or {},
    }


def received_for(
    session: Session, requester: Requester, envelope_id: str | None = None
) -> list[dict[str, Any]]:
    """The packages this installation received that were disclosed to the requester's agency
    (the recipient the sending installation's policy named), newest first; ``envelope_id``
    picks one. A package for another agency is absent, exactly like one never received. Every
    read is audited in the caller's transaction (one for another agency as denied)."""
    query = select(ExchangeEnvelope).where(ExchangeEnvelope.direction == "in")
    if envelope_id is not None:
        query = query.where(ExchangeEnvelope.envelope_id == envelope_id)
    views: list[dict[str, Any]] = []
    refused: list[str] = []
    for row in session.scalars(query.order_by(ExchangeEnvelope.at.desc(), ExchangeEnvelope.envelope_id)):
        payload = json.loads(row.package) if row.package else {}
        if payload.get("recipient_agency") == requester.agency:
            views.append(_received_view(row, payload))
        else:
            refused.append(row.envelope_id)
    outcome: audit.Outcome
    if envelope_id is None:
        action, outcome, purpose = "list", "ok", "exchange"
    else:
        action, purpose = "read", views[0]["purpose"] if views else "exchange"
        outcome = "ok" if views else ("denied" if refused else "not_found")
    audit.record(
        session,
        actor=requester.user_id,
        action=action,
        record_kind="received_package",
        record_id=envelope_id or "*",
        purpose=purpose,
        outcome=outcome,
        detail={
            "agency": requester.agency,
            "envelopes": [v["envelope_id"] for v in views][:200],
            **({"reasons": ["the package was disclosed to another agency"]} if outcome == "denied" else {}),
        },
    )
    return views
