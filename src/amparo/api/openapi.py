"""What the generated OpenAPI document lacks by itself, added so a client generated from it
works: the encounter v1 schema of the intake body, the purpose values a read may state, and the
formats of pagination cursors and of If-Match."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from amparo.access.model import PURPOSES
from amparo.api.guard import MAX_ITEMS, MAX_STRING

#: A pagination cursor: opaque URL-safe base64 without padding, as a list returned it.
CURSOR_PATTERN = "^[A-Za-z0-9_-]{1,400}$"
#: If-Match: the ETag of the case (its version), quoted, optionally weak.
IF_MATCH_PATTERN = '^(W/)?"?[0-9]{1,18}"?$'
ENCOUNTER_PATH = "/api/v1/encounters/{encounter_id}"


def _bounded(node: Any) -> None:
    """State the API's length bounds (amparo.api.guard) on every string and list without one."""
    if isinstance(node, dict):
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "string" in kinds and "enum" not in node and "format" not in node:
            node.setdefault("maxLength", MAX_STRING)
        if "array" in kinds:
            node.setdefault("maxItems", MAX_ITEMS)
        for value in node.values():
            _bounded(value)
    elif isinstance(node, list):
        for value in node:
            _bounded(value)


def _encounter_schema() -> dict[str, Any]:
    text = (
        resources.files("amparo.encounter").joinpath("encounter-v1.schema.json").read_text(encoding="utf-8")
    )
    schema: dict[str, Any] = json.loads(text)
    schema.pop("$schema", None)
    schema.pop("$id", None)
    _bounded(schema)
    return schema


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the encounter schema, purpose values, cursor and If-Match formats (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["EncounterV1"] = _encounter_schema()
    put = schema.get("paths", {}).get(ENCOUNTER_PATH, {}).get("put")
    if put is not None:
        put["requestBody"] = {
            "required": True,
            "description": "An encounter v1 document; its id must equal the path's. At most 1 MiB.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EncounterV1"}}},
        }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                name, where = parameter.get("name"), parameter.get("in")
                if where == "query" and name == "purpose":
                    parameter["schema"] = {"type": "string", "enum": sorted(PURPOSES)}
                elif where == "query" and name == "cursor":
                    parameter["schema"] = {"type": "string", "pattern": CURSOR_PATTERN}
                    parameter["description"] = "The next_cursor of the previous page (opaque)."
                elif where == "header" and name.lower() == "if-match":
                    parameter["schema"] = {"type": "string", "pattern": IF_MATCH_PATTERN}
                    parameter["description"] = 'The ETag of the case as read, e.g. "3".'
    return schema
