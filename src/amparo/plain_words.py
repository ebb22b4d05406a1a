"""Pydantic's validation errors in plain words: the field as a JSON Pointer, what was expected.

Used where a user's document or request is validated by a pydantic model outside encounter v1
(claims files, scenario files, API request bodies and parameters), so that no message reads
"Input should be a valid dictionary or instance of ClaimsFile".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from amparo.errors import FieldError

_TYPES = {
    "dict_type": "expected a JSON object (key: value pairs)",
    "model_type": "expected a JSON object (key: value pairs)",
    "model_attributes_type": "expected a JSON object (key: value pairs)",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "string_type": "expected a text string",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_type": "expected a date written YYYY-MM-DD",
    "date_parsing": "expected a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "datetime_type": "expected a date and time written YYYY-MM-DDTHH:MM:SSZ",
    "datetime_parsing": "expected a date and time written YYYY-MM-DDTHH:MM:SSZ",
    "datetime_from_date_parsing": "expected a date and time written YYYY-MM-DDTHH:MM:SSZ",
    "uuid_type": "expected a UUID",
    "uuid_parsing": "expected a UUID",
    "missing": "is required",
    "extra_forbidden": "is not a known field (check the spelling)",
    "none_required": "expected no value",
    "json_invalid": "not valid JSON",
}


def pointer(loc: Sequence[int | str]) -> str:
    """A JSON Pointer for a pydantic location (``("claims", 0, "month")`` -> ``/claims/0/month``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def plain_message(error: Any) -> str:
    """One pydantic error (an ``ErrorDetails`` mapping) as what was expected, in plain words."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    got = error.get("input")
    if kind in _TYPES:
        words = _TYPES[kind]
        if kind.endswith(("_type", "_parsing")) and got is not None and not isinstance(got, dict | list):
            shown = repr(got) if len(repr(got)) <= 40 else repr(got)[:37] + "..."
            words += f", got {shown}"
        return words
    if kind in ("literal_error", "enum"):
        return f"expected one of {ctx.get('expected', '')}"
    if kind == "string_too_short":
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"expected at least {ctx.get('min_length')} characters"
        )
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return (
            "must not be empty"
            if ctx.get("min_length") == 1
            else f"expected at least {ctx.get('min_length')} items"
        )
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items"
    if kind == "string_pattern_mismatch":
        return f"does not have the expected form ({ctx.get('pattern', '')})"
    bounds = {"greater_than": "more than", "greater_than_equal": "at least", "less_than": "less than",
              "less_than_equal": "at most"}  # fmt: skip
    if kind in bounds:
        limit = next((ctx[k] for k in ("gt", "ge", "lt", "le") if k in ctx), "")
        return f"expected a number {bounds[kind]} {limit}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error.get("msg", "is not valid")))
    return str(error.get("msg", "is not valid")).removeprefix("Value error, ")


def field_errors(exc: ValidationError, *, drop: int = 0) -> list[FieldError]:
    """Every error of ``exc`` as a FieldError (JSON Pointer, plain words); ``drop`` leading parts of
    each location (such as FastAPI's ``body``) are left out."""
    return [FieldError(pointer(tuple(e["loc"])[drop:]), plain_message(e)) for e in exc.errors()]
