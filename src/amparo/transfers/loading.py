"""Reading and validating the CASES and CAPACITY files of ``amparo transfers plan``.

Every problem is collected with its JSON path (``/12/people``, ``/slots/3/seats``) and raised as one
:class:`~amparo.errors.InputError`, so the command line exits 2 naming each field at fault.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from amparo.errors import FieldError, InputError
from amparo.transfers.model import Capacity, Case, MonthlyCap, Shelter, Slot

CASE_FIELDS = (
    "case_id",
    "group_id",
    "people",
    "receiving_country",
    "nationalities",
    "excluded_countries",
    "earliest",
    "deadline",
    "waiting_since",
    "vulnerable",
)
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


class _Collector:
    """Gathers field errors; ``fail`` raises them all at once."""

    def __init__(self, source: str, joined_lists: bool = False) -> None:
        self.source = source
        self.joined_lists = joined_lists  # CSV: lists are ';'-joined text
        self.errors: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def fail(self) -> None:
        if self.errors:
            raise InputError(self.errors, source=self.source)

    def text(self, row: Mapping[str, Any], key: str, path: str) -> str | None:
        value = row.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(f"{path}/{key}", f"'{key}' is required")
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            self.add(f"{path}/{key}", f"expected text; got {type(value).__name__}")
            return None
        return str(value).strip()

    def integer(self, row: Mapping[str, Any], key: str, path: str, minimum: int) -> int | None:
        value = row.get(key)
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
            number = int(value)
        if number is None or number < minimum:
            self.add(f"{path}/{key}", f"expected an integer ≥ {minimum}; got {value!r}")
            return None
        return number

    def date(self, row: Mapping[str, Any], key: str, path: str) -> dt.date | None:
        value = row.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except (TypeError, ValueError):
            self.add(f"{path}/{key}", f"expected a date YYYY-MM-DD; got {value!r}")
            return None

    def country(self, row: Mapping[str, Any], key: str, path: str) -> str | None:
        value = row.get(key)
        if not isinstance(value, str) or not _COUNTRY.match(value.strip()):
            self.add(f"{path}/{key}", f"expected an ISO 3166-1 alpha-2 code such as 'GT'; got {value!r}")
            return None
        return value.strip()

    def countries(self, row: Mapping[str, Any], key: str, path: str) -> tuple[str, ...] | None:
        value = row.get(key)
        if value is None:
            self.add(f"{path}/{key}", f"'{key}' is required (a list, possibly empty)")
            return None
        items: list[Any]
        if isinstance(value, str) and self.joined_lists:
            items = [v.strip() for v in value.split(";") if v.strip()]
        elif isinstance(value, list):
            items = value
        else:
            self.add(f"{path}/{key}", f"expected a list of ISO alpha-2 codes; got {type(value).__name__}")
            return None
        bad = [v for v in items if not isinstance(v, str) or not _COUNTRY.match(v.strip())]
        if bad:
            self.add(f"{path}/{key}", f"expected ISO 3166-1 alpha-2 codes; got {bad[0]!r}")
            return None
        return tuple(str(v).strip() for v in items)

    def boolean(self, row: Mapping[str, Any], key: str, path: str) -> bool | None:
        value = row.get(key)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.add(f"{path}/{key}", f"expected true or false; got {value!r}")
        return None


def _case_rows(path: Path, collector: _Collector) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError([FieldError("", f"cannot read the file: {exc.strerror}")], source=str(path)) from exc
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        missing = [f for f in CASE_FIELDS if f not in (reader.fieldnames or [])]
        if missing:
            raise InputError(
                [FieldError(f"/0/{m}", "column missing from the header") for m in missing], source=str(path)
            )
        return [dict(row) for row in reader]
    if suffix in (".jsonl", ".ndjson"):
        rows: list[dict[str, Any]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                collector.add(f"/{len(rows)}", f"line {number} is not JSON: {exc.msg}")
                continue
            if not isinstance(row, dict):
                collector.add(f"/{len(rows)}", f"line {number}: expected a JSON object")
                continue
            rows.append(row)
        collector.fail()
        return rows
    raise InputError([FieldError("", "expected a .csv or .jsonl file of cases")], source=str(path))


def parse_cases(
    rows: Iterable[Mapping[str, Any]], source: str = "cases", *, joined_lists: bool = False
) -> list[Case]:
    """Validate case rows (dicts as read from JSON Lines, or CSV with ``joined_lists``).

    Raises InputError naming each field at fault (``/ROW/FIELD``, rows counted from 0).
    """
    errors = _Collector(source, joined_lists)
    cases: list[Case] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        path = f"/{index}"
        case_id = errors.text(row, "case_id", path)
        group_id = errors.text(row, "group_id", path)
        people = errors.integer(row, "people", path, 1)
        country = errors.country(row, "receiving_country", path)
        nationalities = errors.countries(row, "nationalities", path)
        excluded = errors.countries(row, "excluded_countries", path)
        earliest = errors.date(row, "earliest", path)
        deadline = errors.date(row, "deadline", path)
        waiting = errors.date(row, "waiting_since", path)
        vulnerable = errors.boolean(row, "vulnerable", path)
        if earliest and deadline and deadline < earliest:
            errors.add(f"{path}/deadline", f"deadline {deadline} is before earliest {earliest}")
        if case_id is not None:
            if case_id in seen:
                errors.add(f"{path}/case_id", f"case_id '{case_id}' repeats row {seen[case_id]}")
            seen[case_id] = index
        values = (
            case_id,
            group_id,
            people,
            country,
            nationalities,
            excluded,
            earliest,
            deadline,
            waiting,
            vulnerable,
        )
        if any(v is None for v in values):
            continue
        cases.append(
            Case(
                case_id=case_id or "",
                group_id=group_id or "",
                people=people or 1,
                receiving_country=country or "",
                nationalities=nationalities or (),
                excluded_countries=excluded or (),
                earliest=earliest or dt.date.min,
                deadline=deadline or dt.date.max,
                waiting_since=waiting or dt.date.min,
                vulnerable=bool(vulnerable),
            )
        )
    countries: dict[str, tuple[str, int]] = {}
    for index, case in enumerate(cases):
        first = countries.setdefault(case.group_id, (case.receiving_country, index))
        if first[0] != case.receiving_country:
            errors.add(
                f"/{index}/receiving_country",
                f"family '{case.group_id}' has members for {first[0]} and {case.receiving_country}; "
                "a family travels to one country",
            )
    errors.fail()
    return cases


def read_cases(path: Path) -> list[Case]:
    """The CASES file (``.jsonl`` or ``.csv``), validated."""
    collector = _Collector(str(path))
    rows = _case_rows(path, collector)
    return parse_cases(rows, source=str(path), joined_lists=path.suffix.lower() == ".csv")


def _entries(document: Mapping[str, Any], key: str, errors: _Collector, required: bool) -> list[Any]:
    value = document.get(key)
    if value is None:
        if required:
            errors.add(f"/{key}", f"'{key}' is required (a list)")
        return []
    if not isinstance(value, list):
        errors.add(f"/{key}", f"expected a list; got {type(value).__name__}")
        return []
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            errors.add(f"/{key}/{index}", "expected an object")
    return [item if isinstance(item, dict) else {} for item in value]


def parse_capacity(document: Any, source: str = "capacity") -> Capacity:
    """Validate a CAPACITY document (``slots``, ``monthly_caps``, ``shelter``)."""
    errors = _Collector(source)
    if not isinstance(document, dict):
        raise InputError(
            [FieldError("", "expected an object with 'slots', 'monthly_caps', 'shelter'")], source=source
        )
    slots: list[Slot] = []
    seen_slots: set[str] = set()
    for index, row in enumerate(_entries(document, "slots", errors, required=True)):
        path = f"/slots/{index}"
        slot_id = errors.text(row, "slot_id", path)
        date = errors.date(row, "date", path)
        country = errors.country(row, "receiving_country", path)
        seats = errors.integer(row, "seats", path, 0)
        if slot_id is not None and slot_id in seen_slots:
            errors.add(f"{path}/slot_id", f"slot_id '{slot_id}' repeats")
        if slot_id is not None:
            seen_slots.add(slot_id)
        if slot_id is not None and date is not None and country is not None and seats is not None:
            slots.append(Slot(slot_id, date, country, seats))
    caps: list[MonthlyCap] = []
    seen_caps: set[tuple[str, str]] = set()
    for index, row in enumerate(_entries(document, "monthly_caps", errors, required=False)):
        path = f"/monthly_caps/{index}"
        country = errors.country(row, "receiving_country", path)
        month = row.get("month")
        if not isinstance(month, str) or not _MONTH.match(month.strip()):
            errors.add(f"{path}/month", f"expected a month YYYY-MM; got {month!r}")
            month = None
        people = errors.integer(row, "people", path, 0)
        if country is not None and month is not None and people is not None:
            key = (country, month.strip())
            if key in seen_caps:
                errors.add(f"{path}/month", f"a second cap for {country} in {month}")
            seen_caps.add(key)
            caps.append(MonthlyCap(country, month.strip(), people))
    shelters: list[Shelter] = []
    seen_shelter: set[str] = set()
    for index, row in enumerate(_entries(document, "shelter", errors, required=False)):
        path = f"/shelter/{index}"
        country = errors.country(row, "receiving_country", path)
        places = errors.integer(row, "places", path, 0)
        stay = errors.integer(row, "stay_days", path, 1)
        if country is not None and places is not None and stay is not None:
            if country in seen_shelter:
                errors.add(f"{path}/receiving_country", f"a second shelter entry for {country}")
            seen_shelter.add(country)
            shelters.append(Shelter(country, places, stay))
    errors.fail()
    return Capacity(tuple(slots), tuple(caps), tuple(shelters))


def read_capacity(path: Path) -> Capacity:
    """The CAPACITY file (``.json``, ``.yaml`` or ``.yml``), validated."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError([FieldError("", f"cannot read the file: {exc.strerror}")], source=str(path)) from exc
    try:
        if path.suffix.lower() == ".json":
            document = json.loads(text)
        elif path.suffix.lower() in (".yaml", ".yml"):
            document = yaml.safe_load(text)
        else:
            raise InputError(
                [FieldError("", "expected a .json, .yaml or .yml capacity file")], source=str(path)
            )
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InputError([FieldError("", f"not valid JSON/YAML: {exc}")], source=str(path)) from exc
    return parse_capacity(document, source=str(path))
