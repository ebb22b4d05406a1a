"""HTTP routes of the exchange (mounted by the API app factory under /api/v1/exchange).

Case packages are read through the one access policy (a refused package answers 404, like a
missing case); envelopes are exported for a peer installation, imported with a signed receipt
in reply, and receipts are accepted back. Every step is audited in the same transaction; a
refused envelope is audited in a transaction of its own and answers 400 with what is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from amparo import audit
from amparo.access.actor import Actor
from amparo.access.clock import Clock
from amparo.access.policy import read_purpose
from amparo.api.deps import Factory, Reader, allowed
from amparo.api.problems import EXCHANGE_REFUSED, EXCHANGE_REFUSED_TITLE, problem_response
from amparo.api.routes import ReadFor
from amparo.engine.registry import PackRegistry
from amparo.errors import ExchangeError, NotFound
from amparo.exchange import transfer
from amparo.exchange.keys import installation_keys
from amparo.settings import Settings
from amparo.store.db import transaction

router = APIRouter(prefix="/api/v1/exchange", tags=["exchange"])

CaseWorker = Annotated[Actor, Depends(allowed("casework"))]
Supervisor = Annotated[Actor, Depends(allowed("concur"))]
RAW_BODY = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _packs(request: Request) -> PackRegistry:
    packs: PackRegistry = request.app.state.packs
    return packs


def _today(request: Request) -> dt.date:
    """The day access decisions are made on: the app's clock (amparo.access.clock)."""
    clock: Clock = request.app.state.clock
    return clock()


class BasisIn(BaseModel):
    """A recorded written consent of the applicant, or a decision with its legal basis."""

    recipient: str = Field(description="ISO country code or agency code the disclosure may go to")
    kind: str = Field(description="'consent' or 'decision'")
    legal_basis: str = Field(description="the consent document, or the decision and its legal basis")


class EnvelopeRequest(BaseModel):
    """Which agency the package goes to, and for which purpose."""

    agency: str = Field(description="recipient agency code, e.g. GT-IGM")
    purpose: str = Field(default="aca_transfer", description="the purpose of the disclosure")


@router.get("/installation", summary="This installation's public card (country and public keys)")
def installation(request: Request, actor: Reader) -> dict[str, str]:
    del actor
    settings = _settings(request)
    return transfer.installation_card(settings.installation, installation_keys(settings.data_dir))


@router.get(
    "/cases/{case_id}/package", summary="The case package, as the access policy lets the caller see it"
)
def package(case_id: str, request: Request, actor: ReadFor, made: Factory) -> dict[str, Any]:
    """``purpose`` as on every read route (default: the role's; 422 when no arrangement names it)."""
    with transaction(made) as session:
        view = transfer.package_for(
            session, actor.requester, case_id, actor.purpose, packs=_packs(request), on=_today(request)
        )
    if view is None:  # committed above: the refusal is in the audit trail
        raise NotFound("case", case_id)
    return view


@router.get("/packages", summary="Case packages received here for the caller's agency, newest first")
def received(actor: Reader, made: Factory) -> list[dict[str, Any]]:
    """What peer installations disclosed to the caller's agency (a package disclosed to another
    agency of this country is absent); every read is audited."""
    with transaction(made) as session:
        return transfer.received_for(session, actor.requester)


@router.get("/packages/{envelope_id}", summary="One case package received here for the caller's agency")
def received_one(envelope_id: str, actor: Reader, made: Factory) -> dict[str, Any]:
    with transaction(made) as session:
        views = transfer.received_for(session, actor.requester, envelope_id)
    if not views:  # committed above: the refusal is in the audit trail
        raise NotFound("received package", envelope_id)
    return views[0]


@router.post("/cases/{case_id}/bases", status_code=201, summary="Record a consent or decision to disclose")
def add_basis(
    case_id: str, body: BasisIn, request: Request, actor: Supervisor, made: Factory
) -> dict[str, str]:
    """A write, so decided for case management on the case like every other; a case the
    supervisor may not see answers 404, exactly as a missing one."""
    basis_id: str | None = None
    with transaction(made) as session:
        if transfer.write_permitted(
            session, actor.requester, case_id, packs=_packs(request), on=_today(request)
        ):
            basis_id = transfer.record_basis(
                session,
                case_id,
                recipient=body.recipient,
                kind=body.kind,
                legal_basis=body.legal_basis,
                actor=actor.id,
            )
    if basis_id is None:  # committed above: the refusal is in the audit trail
        raise NotFound("case", case_id)
    return {"id": basis_id, "case_id": case_id}


@router.post(
    "/cases/{case_id}/envelopes", status_code=201, summary="Seal the case package for a peer installation"
)
def export(
    case_id: str, body: EnvelopeRequest, request: Request, actor: CaseWorker, made: Factory
) -> Response:
    purpose = read_purpose(actor.user.role, body.purpose, where="/purpose")
    settings = _settings(request)
    keys = installation_keys(settings.data_dir)
    try:
        with transaction(made) as session:
            envelope = transfer.export_envelope(
                session,
                me=settings.installation,
                keys=keys,
                case_id=case_id,
                recipient_agency=body.agency,
                purpose=purpose,
                actor=actor.id,
                packs=_packs(request),
                on=_today(request),
            )
    except NotFound:
        with transaction(made) as session:  # the refused disclosure stays in the audit trail
            audit.record(
                session,
                actor=actor.id,
                action="disclosure",
                record_kind="case_package",
                record_id=case_id,
                purpose=purpose,
                outcome="denied",
                detail={"to": body.agency},
            )
        raise
    return Response(envelope.to_bytes(), status_code=201, media_type="application/json")


def _refused(request: Request, made: Any, actor: Actor, action: str, exc: ExchangeError) -> JSONResponse:
    with transaction(made) as session:
        audit.record(
            session,
            actor=actor.id,
            action=action,
            record_kind="envelope",
            record_id="-",
            purpose="exchange",
            outcome="refused",
            detail={"problem": str(exc)},
        )
    return problem_response(request, 400, EXCHANGE_REFUSED, EXCHANGE_REFUSED_TITLE, str(exc))


@router.post(
    "/envelopes",
    summary="Import an envelope addressed here; answers the signed receipt",
    openapi_extra=RAW_BODY,
)
async def import_(request: Request, actor: Reader, made: Factory) -> Response:
    data = await request.body()
    return await run_in_threadpool(_import, request, actor, made, data)


def _import(request: Request, actor: Actor, made: Any, data: bytes) -> Response:
    settings = _settings(request)
    keys = installation_keys(settings.data_dir)
    try:
        with transaction(made) as session:
            receipt, duplicate = transfer.import_envelope(
                session, data, me=settings.installation, keys=keys, actor=actor.id
            )
    except ExchangeError as exc:
        return _refused(request, made, actor, "envelope_refused", exc)
    return Response(receipt, status_code=200 if duplicate else 201, media_type="application/json")


@router.post(
    "/receipts",
    summary="Accept a peer's signed receipt for an envelope sent from here",
    openapi_extra=RAW_BODY,
)
async def receipt(request: Request, actor: Reader, made: Factory) -> Any:
    data = await request.body()
    return await run_in_threadpool(_receipt, request, actor, made, data)


def _receipt(request: Request, actor: Actor, made: Any, data: bytes) -> Any:
    try:
        with transaction(made) as session:
            return transfer.accept_receipt(session, data, actor=actor.id)
    except ExchangeError as exc:
        return _refused(request, made, actor, "receipt_refused", exc)
