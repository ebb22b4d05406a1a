"""Store persons and encounter documents as the normalised records the model compares."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from amparo.identity.names import normalise_record


def person_record(person: Any) -> dict[str, Any]:
    """A store Person (anything with its attributes) as a normalised record (record_id = its id)."""
    nationalities = list(person.nationalities or [])
    return normalise_record(
        {
            "record_id": person.id,
            "given_names": person.given_names,
            "surnames": person.surnames,
            "birth_date": person.birth_date,
            "nationality": nationalities[0] if nationalities else None,
        }
    )


def encounter_record(encounter: Mapping[str, Any]) -> dict[str, Any] | None:
    """The encounter's person as a normalised record, or None when it carries no name."""
    person = encounter.get("person") or {}
    if not (person.get("given_names") or person.get("surnames")):
        return None
    nationalities = person.get("nationalities") or []
    birth = person.get("birth_date")
    try:
        return normalise_record(
            {
                "record_id": encounter.get("id") or "new",
                "given_names": person.get("given_names"),
                "surnames": person.get("surnames"),
                "birth_date": birth if isinstance(birth, str) else None,
                "sex": person.get("sex"),
                "nationality": nationalities[0] if nationalities else None,
            }
        )
    except ValueError:
        return None
