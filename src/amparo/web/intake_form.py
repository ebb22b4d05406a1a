"""The intake form as an encounter v1 document: form fields in, a document out, and each
validation problem placed on the form field its JSON path names.

Form field names are the document's JSON paths written with dots (``person.nationalities``);
lists are comma-separated; repeated rows (family members, route steps) are numbered
(``route.0.country``). Empty fields are left out of the document, as encounter v1 wants.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LISTS = {"person.nationalities", "findings.more_likely_than_not_harm_in"}
INTEGERS = {"person.age"}
BOOLEANS = {
    "family.with_parent_or_legal_guardian",
    "family.family_unit",
    "documents.valid_us_visa",
    "documents.visa_exempt_entry",
    "documents.cbp_one_appointment",
    "documents.parole_travel_authorization",
    "documents.lawful_permanent_resident",
}
MAX_ROWS = 20


def _set(doc: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    target: Any = doc
    for index, part in enumerate(parts[:-1]):
        following = parts[index + 1]
        if part.isdigit():
            position = int(part)
            while len(target) <= position:
                target.append({})
            target = target[position]
            continue
        if part not in target:
            target[part] = [] if following.isdigit() else {}
        target = target[part]
    target[parts[-1]] = value


def _value(name: str, raw: str) -> Any:
    text = raw.strip()
    if name in LISTS:
        return [part.strip().upper() for part in text.split(",") if part.strip()]
    if name in INTEGERS:
        try:
            return int(text)
        except ValueError:
            return text  # left as text: validation names the field
    if name.endswith(("country", "arrived_from", "last_habitual_residence")):
        return text.upper()
    return text


def document_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The encounter v1 document the form describes (empty fields left out)."""
    doc: dict[str, Any] = {}
    for name in sorted(form, key=_order):
        if name in {"csrf"} or not name or name.startswith("_"):
            continue
        raw = form[name]
        if name in BOOLEANS:
            if raw:
                _set(doc, name, raw in {"on", "true", "yes", "1"})
            continue
        if not raw.strip():
            continue
        parts = name.split(".")
        if any(p.isdigit() and int(p) >= MAX_ROWS for p in parts):
            continue
        _set(doc, name, _value(name, raw))
    for key in ("route", "fear_claims"):
        if isinstance(doc.get(key), list):
            doc[key] = [row for row in doc[key] if row.get("country")]
            if not doc[key]:
                del doc[key]
    members = doc.pop("family_members", None)
    if members:
        doc.setdefault("family", {})["members"] = [m["id"] for m in members if m.get("id")]
    return doc


def _order(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in name.split("."))


def field_id(path: str) -> str:
    """The id of the form field a JSON path points at (``/person/nationalities/0`` → ``f-person-nationalities``)."""
    parts = [p for p in path.strip("/").split("/") if p]
    if parts and parts[-1].isdigit() and parts[:-1] in (["person", "nationalities"],):
        parts = parts[:-1]
    if parts[:2] == ["family", "members"]:
        parts = ["family_members", *parts[2:3], "id"] if len(parts) > 2 else ["family_members"]
    return "f-" + "-".join(parts) if parts else "f-id"
