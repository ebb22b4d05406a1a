"""The rule catalogue: each pack's instruments and rules, and the law read as of any date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from amparo.access.actor import Actor
from amparo.engine.law import LawBook
from amparo.errors import NoRuleInForce
from amparo.web.render import page
from amparo.web.sessions import signed_in

router = APIRouter(include_in_schema=False)


def law_as_of(book: LawBook, on: dt.date) -> dict[str, Any]:
    """Every rule with the version in force on ``on`` (or none), every instrument with its events so far."""
    rules = []
    for rule in book.rules.values():
        try:
            version = rule.at(on)
        except NoRuleInForce:
            version = None
        rules.append({"rule": rule, "version": version, "versions": rule.versions})
    instruments = [
        {"instrument": i, "events": i.events_until(on), "later": [e for e in i.events if e.on > on]}
        for i in book.instruments.values()
    ]
    return {"book": book, "rules": rules, "instruments": instruments, "flags": list(book.flags.values())}


@router.get("/rules", response_class=HTMLResponse)
async def catalogue(
    request: Request,
    actor: Annotated[Actor, Depends(signed_in)],
    as_of: str | None = None,
    pack: str | None = None,
) -> Response:
    packs = request.app.state.packs
    error = None
    on = dt.date.today()
    if as_of:
        try:
            on = dt.date.fromisoformat(as_of)
        except ValueError:
            error = as_of
    chosen = [p for p in packs if pack in (None, "", p.id)] or list(packs)
    return page(
        request,
        "rules.html",
        actor=actor,
        section="rules",
        on=on,
        bad_date=error,
        packs=[(p, law_as_of(p.law_book(), on)) for p in chosen],
        pack_ids=[p.id for p in packs],
        chosen=pack or "",
    )
