"""Sharing arrangements as dated instruments: who may receive what, for which purpose, when.

The content is data (``arrangements.yaml`` beside this module); this module is its small typed
model and loader. Each arrangement names its recipients (agency codes), the roles and purposes
it serves, the record types and fields it lets pass, its legal basis and citations, its
in-force dates (inclusive) and what is not known about it (``unknown``): details the public
sources do not give are flagged there, never filled in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from amparo.access.agencies import get_agency
from amparo.access.fields import FIELDS
from amparo.access.model import PURPOSES, Purpose
from amparo.errors import RuleDefinitionError
from amparo.store.roles import ROLES as ROLE_NAMES

DATA_FILE = Path(__file__).with_name("arrangements.yaml")

# Conditions an arrangement may require of the record, on top of dates, purposes and types.
REQUIREMENTS = frozenset(
    {"aca_transfer_scheduled_to_recipient", "recorded_disclosure_basis", "recorded_written_consent"}
)
RECORD_TYPES = frozenset({"encounter", "case", "decision", "case_package"})
ROLES = frozenset(ROLE_NAMES)


@dataclass(frozen=True)
class Arrangement:
    """One sharing instrument (see the module docstring); ``fields`` None means every field."""

    id: str
    title: str
    parties: tuple[str, ...]
    recipients: tuple[str, ...]
    roles: frozenset[str]
    purposes: frozenset[Purpose]
    record_types: frozenset[str]
    fields: frozenset[str] | None
    asylum_information: bool
    requires: frozenset[str]
    in_force_from: dt.date | None
    in_force_to: dt.date | None
    legal_basis: str
    citations: tuple[str, ...]
    certainty: str
    unknown: tuple[str, ...]

    def in_force(self, on: dt.date) -> bool:
        """In force on ``on`` (dates inclusive; an unknown start is never in force)."""
        if self.in_force_from is None or on < self.in_force_from:
            return False
        return self.in_force_to is None or on <= self.in_force_to

    def window(self) -> str:
        """The in-force window in words, for reasons."""
        start = self.in_force_from.isoformat() if self.in_force_from else "an unknown date"
        end = self.in_force_to.isoformat() if self.in_force_to else "no known end"
        return f"{start} to {end}"


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RuleDefinitionError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleDefinitionError(f"{where}: '{key}' must be a list of strings")
    return tuple(value)


def parse_arrangement(raw: dict[str, Any]) -> Arrangement:
    """One arrangement from its data-file entry; RuleDefinitionError naming what is wrong."""
    where = f"arrangement '{raw.get('id', '?')}'"
    for key in ("id", "title", "legal_basis", "certainty"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise RuleDefinitionError(f"{where}: '{key}' must be a non-empty string")
    fields_raw = raw.get("fields")
    fields: frozenset[str] | None
    if fields_raw == "all":
        fields = None
    else:
        fields = frozenset(_strings(raw, "fields", where))
        unknown_fields = fields - set(FIELDS)
        if unknown_fields:
            raise RuleDefinitionError(f"{where}: unknown fields {sorted(unknown_fields)}")
    requires = frozenset(_strings(raw, "requires", where))
    if requires - REQUIREMENTS:
        raise RuleDefinitionError(f"{where}: unknown requirements {sorted(requires - REQUIREMENTS)}")
    record_types = frozenset(_strings(raw, "record_types", where))
    if record_types - RECORD_TYPES:
        raise RuleDefinitionError(f"{where}: unknown record types {sorted(record_types - RECORD_TYPES)}")
    roles = frozenset(_strings(raw, "roles", where))
    if roles - ROLES:
        raise RuleDefinitionError(f"{where}: unknown roles {sorted(roles - ROLES)}")
    named = frozenset(_strings(raw, "purposes", where))
    if named - set(PURPOSES):
        raise RuleDefinitionError(f"{where}: unknown purposes {sorted(named - set(PURPOSES))}")
    serves = frozenset(p for p in PURPOSES if p in named)
    start = _date(raw.get("in_force_from"), where)
    end = _date(raw.get("in_force_to"), where)
    if start and end and end < start:
        raise RuleDefinitionError(f"{where}: in_force_to is before in_force_from")
    return Arrangement(
        id=raw["id"],
        title=raw["title"],
        parties=_strings(raw, "parties", where),
        recipients=_strings(raw, "recipients", where),
        roles=roles,
        purposes=serves,
        record_types=record_types,
        fields=fields,
        asylum_information=bool(raw.get("asylum_information", False)),
        requires=requires,
        in_force_from=start,
        in_force_to=end,
        legal_basis=raw["legal_basis"],
        citations=_strings(raw, "citations", where),
        certainty=raw["certainty"],
        unknown=_strings(raw, "unknown", where),
    )


@cache
def arrangements() -> tuple[Arrangement, ...]:
    """Every arrangement in the data file, checked (ids unique, recipients known agencies)."""
    import yaml

    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise RuleDefinitionError(f"{DATA_FILE.name}: expected a list of arrangements")
    parsed = tuple(parse_arrangement(item) for item in raw)
    ids = [a.id for a in parsed]
    if len(ids) != len(set(ids)):
        raise RuleDefinitionError(f"{DATA_FILE.name}: duplicate arrangement ids")
    for arrangement in parsed:
        for code in arrangement.recipients:
            get_agency(code)
    return parsed


def purposes() -> frozenset[Purpose]:
    """Every purpose some arrangement serves."""
    return frozenset().union(*(a.purposes for a in arrangements()))
