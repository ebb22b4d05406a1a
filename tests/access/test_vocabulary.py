"""The access vocabulary is closed: roles and purposes are listed once (``Role``, ``Purpose``),
the arrangements data may name no other, and a stated purpose outside it is an input error
naming where it was given."""

from __future__ import annotations

from typing import Any

import pytest

from amparo.access.arrangements import arrangements, parse_arrangement, purposes
from amparo.access.model import PURPOSES
from amparo.access.policy import DEFAULT_PURPOSES, known_purpose, read_purpose
from amparo.errors import InputError, RuleDefinitionError
from amparo.store.roles import ROLES


def _raw(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": "test_arrangement",
        "title": "A test arrangement",
        "legal_basis": "none (test)",
        "certainty": "test",
        "recipients": ["US-CBP"],
        "roles": ["officer"],
        "purposes": ["case_management"],
        "record_types": ["case"],
        "fields": "all",
        "in_force_from": "2020-01-01",
    }
    raw.update(changes)
    return raw


def test_every_purpose_the_data_names_is_in_the_vocabulary() -> None:
    assert purposes() <= set(PURPOSES)
    assert all(a.roles <= set(ROLES) for a in arrangements())
    assert set(DEFAULT_PURPOSES) == set(ROLES)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"purposes": ["case_management", "curiosity"]}, "unknown purposes ['curiosity']"),
        ({"roles": ["officer", "janitor"]}, "unknown roles ['janitor']"),
    ],
)
def test_an_arrangement_naming_an_unknown_purpose_or_role_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuleDefinitionError) as refused:
        parse_arrangement(_raw(**changes))
    assert str(refused.value) == f"arrangement 'test_arrangement': {message}"
    assert parse_arrangement(_raw()).purposes == {"case_management"}


def test_a_stated_purpose_outside_the_vocabulary_is_bad_input_naming_where() -> None:
    assert read_purpose("analyst", None) == "statistics"
    assert read_purpose("analyst", "case_management") == "case_management"
    assert known_purpose("aca_transfer") == "aca_transfer"
    with pytest.raises(InputError) as raised:
        known_purpose("curiosity", where="--purpose")
    [error] = raised.value.errors
    assert error.path == "--purpose" and "got 'curiosity'" in error.message
