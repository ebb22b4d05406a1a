"""The edge where errors become HTTP: one handler, RFC 9457 ``application/problem+json``.

Domain errors (:mod:`amparo.errors`) are mapped to statuses here and nowhere else. Field
errors carry a JSON Pointer into the request body (``/person/nationalities/0``); a query,
path or header parameter is named ``query:limit``, ``path:id`` or ``header:if-match``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from amparo.errors import (
    AccessDenied,
    AmparoError,
    AuthError,
    ConfigError,
    Conflict,
    ExchangeError,
    FieldError,
    InputError,
    NotFound,
    StaleVersion,
    TransitionNotAllowed,
)
from amparo.plain_words import plain_message

log = logging.getLogger("amparo.api")
PROBLEM = "application/problem+json"
BASE = "https://amparo.example/problems/"
#: A malformed, forged, replayed or misaddressed envelope or receipt (ExchangeError): 400.
EXCHANGE_REFUSED = "exchange-refused"
EXCHANGE_REFUSED_TITLE = "The envelope is refused"


class RoleForbidden(AuthError):
    """Raised when the user's role may not do what the route does (HTTP 403)."""

    def __init__(self, role: str, action: str) -> None:
        self.role = role
        self.action = action
        super().__init__(f"The role '{role}' may not {action}.")


class VersionRequired(InputError):
    """Raised when an update comes without If-Match (HTTP 428)."""

    type_uri = BASE + "version-required"
    title = "This update needs the version it was made on"

    def __init__(self) -> None:
        super().__init__([FieldError("header:if-match", "send If-Match with the ETag of the case you read")])


class FieldProblem(BaseModel):
    path: str = Field(description="JSON Pointer into the request body, or location:name for a parameter.")
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with amparo's ``errors`` and version members."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)
    current_version: str | None = None
    given_version: str | None = None


def problem_response(
    request: Request,
    status: int,
    kind: str,
    title: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": kind if kind.startswith("http") else BASE + kind,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "errors": [e.as_dict() for e in errors or []],
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _domain(request: Request, exc: AmparoError) -> JSONResponse:
    if isinstance(exc, VersionRequired):
        return problem_response(request, 428, exc.type_uri, exc.title, str(exc), exc.errors)
    if isinstance(exc, InputError):
        return problem_response(request, 422, exc.type_uri, exc.title, str(exc), exc.errors)
    if isinstance(exc, RoleForbidden):
        return problem_response(request, 403, "forbidden", "Forbidden", str(exc))
    if isinstance(exc, AuthError):
        return problem_response(
            request,
            401,
            "unauthenticated",
            "Authentication required",
            str(exc),
            headers={"WWW-Authenticate": "Bearer"},
        )
    if isinstance(exc, NotFound | AccessDenied):
        # A record the policy refuses is reported exactly like a missing one.
        detail = str(exc) if isinstance(exc, NotFound) else "No such record."
        return problem_response(request, 404, "not-found", "Not found", detail)
    if isinstance(exc, StaleVersion):
        return problem_response(
            request,
            412,
            "stale-version",
            "The record changed since you read it",
            str(exc),
            headers={"ETag": f'"{exc.current}"'},
            current_version=exc.current,
            given_version=exc.given,
        )
    if isinstance(exc, TransitionNotAllowed):
        return problem_response(
            request, 409, "transition-not-allowed", "This workflow step is not allowed", str(exc)
        )
    if isinstance(exc, Conflict):
        return problem_response(request, 409, "conflict", "Conflict", str(exc))
    if isinstance(exc, ExchangeError):
        return problem_response(request, 400, EXCHANGE_REFUSED, EXCHANGE_REFUSED_TITLE, str(exc))
    if isinstance(exc, ConfigError):  # the operator's to fix: logged in full, said without the settings
        log.error("configuration error: %s", exc)
        return problem_response(
            request, 503, "unavailable", "Service unavailable", "The service is not configured correctly; "
            "its operator has been told (for example: the database needs 'amparo db upgrade')."
        )  # fmt: skip
    log.exception("unmapped domain error", exc_info=exc)
    return problem_response(request, 500, "internal", "Internal error", type(exc).__name__)


def _location(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return ""
    where, rest = str(loc[0]), loc[1:]
    if where == "body":
        return "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in rest) if rest else ""
    return f"{where}:{'.'.join(str(p) for p in rest)}"


def _allowed_methods(request: Request) -> list[str]:
    """Every method the app's OpenAPI document gives the request's path."""
    import re

    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, request.url.path):
            methods |= {m.upper() for m in operations if m in {"get", "put", "post", "delete", "patch"}}
    return sorted(methods)


def install(app: FastAPI) -> None:
    """Register the one exception handler family on ``app``."""

    async def domain(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, AmparoError):  # registered for that class only
            raise exc
        return _domain(request, exc)

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, RequestValidationError):  # registered for that class only
            raise exc
        errors = []
        malformed = False
        for err in exc.errors():
            if err.get("type") == "json_invalid":
                malformed = True
                ctx = err.get("ctx") or {}
                errors.append(FieldError("", f"not valid JSON: {ctx.get('error', 'decode error')}"))
                continue
            errors.append(FieldError(_location(tuple(err.get("loc", ()))), plain_message(err)))
        if malformed:
            return problem_response(
                request, 400, "malformed-json", "The request body is not JSON", None, errors
            )
        return problem_response(request, 422, "invalid-input", "The input is not valid", None, errors)

    async def http(request: Request, exc: Exception) -> JSONResponse:
        if not isinstance(exc, StarletteHTTPException):  # registered for that class only
            raise exc
        headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() != "allow"}
        if exc.status_code == 405:  # every method the path answers, not only the first route's
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return problem_response(
            request,
            exc.status_code,
            f"http-{exc.status_code}",
            str(exc.detail),
            None,
            headers=headers or None,
        )

    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return problem_response(request, 500, "internal", "Internal error", "This is a bug in amparo.")

    app.add_exception_handler(AmparoError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(Exception, internal)


ERROR_STATUSES = ("400", "401", "403", "404", "409", "412", "413", "422", "428", "500", "503")


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare problem+json for every error status of every operation in the OpenAPI document."""
    ref = {"$ref": "#/components/schemas/Problem"}
    schema.setdefault("components", {}).setdefault("schemas", {})
    schema["components"]["schemas"]["Problem"] = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    schema["components"]["schemas"].update(
        {"FieldProblem": FieldProblem.model_json_schema(ref_template="#/components/schemas/{model}")}
    )
    schema["components"]["schemas"]["Problem"].pop("$defs", None)
    for path in schema.get("paths", {}).values():
        for op in path.values():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            for status in ERROR_STATUSES:
                op["responses"][status] = {
                    "description": "Problem details (RFC 9457)",
                    "content": {PROBLEM: {"schema": ref}},
                }
    schema["components"]["schemas"].pop("HTTPValidationError", None)
    schema["components"]["schemas"].pop("ValidationError", None)
    return schema
