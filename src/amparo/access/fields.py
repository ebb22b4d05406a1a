"""The field vocabulary of records and case packages, and field-level redaction.

A record is shown to a requester as a flat mapping of these fields; the access decision names
the fields allowed and :func:`project` drops every other one. Claim fields reveal that a person
asked for protection or what they fear (8 CFR 208.6(a)-(b)).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from amparo.engine.pack import PersonFacts

IDENTITY: tuple[str, ...] = ("given_names", "surnames", "birth_date")
DEMOGRAPHICS: tuple[str, ...] = ("age", "sex", "nationalities")
ENCOUNTER: tuple[str, ...] = ("encountered_on", "border", "manner", "route", "last_habitual_residence")
CIRCUMSTANCES: tuple[str, ...] = ("family", "documents", "biometrics", "criminal_history")
CLAIM: tuple[str, ...] = ("claim_fact", "fear_claims", "findings", "screening_decision", "notes")
TRANSFER: tuple[str, ...] = ("aca_transfer",)

FIELDS: tuple[str, ...] = IDENTITY + DEMOGRAPHICS + ENCOUNTER + CIRCUMSTANCES + CLAIM + TRANSFER
CLAIM_FIELDS = frozenset(CLAIM)
# Always kept in a permitted view: they only say which record this is.
KEYS: tuple[str, ...] = ("record_id", "record_kind")


def project(view: Mapping[str, Any], allowed: frozenset[str] | None) -> dict[str, Any]:
    """The view with only the allowed fields (``None``: all of them) and the record keys."""
    if allowed is None:
        return copy.deepcopy(dict(view))
    return {k: copy.deepcopy(v) for k, v in view.items() if k in allowed or k in KEYS}


def view_of_encounter(
    record_kind: str,
    record_id: str,
    document: Mapping[str, Any],
    person: PersonFacts,
    *,
    decision_summary: Mapping[str, Any] | None = None,
    aca_transfer: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The flat field view of a record drawn from ``document`` about ``person`` (who it is about,
    as its law pack read it: names, birth date, age, sex, nationalities, the day it happened);
    the other fields are read from an encounter v1 document's own keys when it has them."""
    place = document.get("place") or {}
    findings = document.get("findings") or {}
    claims = list(document.get("fear_claims") or [])
    stated = document.get("person") or {}
    view: dict[str, Any] = {
        "record_id": record_id,
        "record_kind": record_kind,
        "given_names": person.given_names,
        "surnames": person.surnames,
        "birth_date": person.birth_date.isoformat() if person.birth_date is not None else None,
        "age": person.age,
        "sex": person.sex,
        "nationalities": list(person.nationalities),
        "last_habitual_residence": stated.get("last_habitual_residence"),
        "encountered_on": person.occurred_on.isoformat(),
        "border": place.get("border"),
        "manner": place.get("manner"),
        "route": copy.deepcopy(document.get("route") or []),
        "family": copy.deepcopy(document.get("family") or {}),
        "documents": copy.deepcopy(document.get("documents") or {}),
        "criminal_history": findings.get("criminal_history"),
        "claim_fact": bool(claims) or decision_summary is not None,
        "fear_claims": claims,
        "findings": copy.deepcopy(dict(findings)),
    }
    if decision_summary is not None:
        view["screening_decision"] = copy.deepcopy(dict(decision_summary))
    if aca_transfer is not None:
        view["aca_transfer"] = copy.deepcopy(dict(aca_transfer))
    return view
