"""The request guard: what every request to the API must be before any route sees it.

* **Size.** A request body is at most :data:`MAX_BODY` bytes (1 MiB; envelopes and receipts
  of the exchange :data:`MAX_EXCHANGE_BODY`, 8 MiB, their format's own limit): a larger one is
  a 413 ``payload-too-large`` problem, refused while it streams in, never buffered whole.
* **NUL and lone surrogates.** No string amparo stores may hold U+0000 (PostgreSQL text cannot)
  or a lone UTF-16 surrogate (no database can encode it): a path, a query parameter or a JSON
  string holding one is a 422 ``invalid-input`` problem naming where (``path``,
  ``query:NAME``, or the JSON Pointer of the string in the body).
* **Nesting.** A JSON body nested deeper than the parser allows is the documented 400
  ``malformed-json`` problem, not a generic 400.
* **Lengths in an encounter.** In the intake body (``PUT /api/v1/encounters/{id}``) a string is
  at most :data:`MAX_STRING` characters and a list (route, family, nationalities, fear claims)
  at most :data:`MAX_ITEMS` items: a 422 naming the JSON Pointer. The OpenAPI document states the
  same bounds (:mod:`amparo.api.openapi`).

The checks cost a byte search per request; a body is parsed here only when that search finds
something to name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, unquote

import orjson
from starlette.requests import Request

from amparo.api.problems import problem_response
from amparo.errors import FieldError

MAX_BODY = 1024 * 1024
#: The longest string and the longest list an encounter document may hold.
MAX_STRING = 2000
MAX_ITEMS = 100
_ENCOUNTER_PREFIX = "/api/v1/encounters/"
MAX_EXCHANGE_BODY = 8 * 1024 * 1024
_EXCHANGE_RAW = ("/api/v1/exchange/envelopes", "/api/v1/exchange/receipts")
_SUSPECT = re.compile(rb"\x00|\\u0000|\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


def _bad_text(value: str) -> str | None:
    """Why ``value`` cannot be stored, or None."""
    if "\x00" in value:
        return "must not contain a NUL character (U+0000)"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
        return "must not contain a lone UTF-16 surrogate"
    return None


def _pointer(parts: list[str]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _first_bad(value: Any, parts: list[str]) -> FieldError | None:
    """The first string (key or value) in a parsed JSON value that cannot be stored."""
    if isinstance(value, str):
        why = _bad_text(value)
        return FieldError(_pointer(parts), why) if why else None
    if isinstance(value, dict):
        for key, item in value.items():
            why = _bad_text(key)
            if why:
                return FieldError(_pointer([*parts, key.encode("utf-8", "replace").decode()]), f"a key {why}")
            found = _first_bad(item, [*parts, key])
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_bad(item, [*parts, str(index)])
            if found:
                return found
    return None


def _too_long(value: Any, parts: list[str]) -> FieldError | None:
    """The first string or list in an encounter longer than the bounds (see the module doc)."""
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            return FieldError(_pointer(parts), f"at most {MAX_STRING} characters (got {len(value)})")
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _too_long(item, [*parts, str(key)])
            if found:
                return found
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            return FieldError(_pointer(parts), f"at most {MAX_ITEMS} items (got {len(value)})")
        for index, item in enumerate(value):
            found = _too_long(item, [*parts, str(index)])
            if found:
                return found
    return None


def _url_problem(scope: Scope) -> FieldError | None:
    path = scope.get("path", "")
    why = _bad_text(path) if isinstance(path, str) else None
    if why:
        return FieldError("path", why)
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" in query or "%ed%a" in query.lower() or "%ed%b" in query.lower():
        for name, value in parse_qsl(query, keep_blank_values=True, errors="surrogateescape"):
            why = _bad_text(value) or _bad_text(unquote(value, errors="surrogatepass"))
            if why or "\x00" in name:
                return FieldError(f"query:{name.replace(chr(0), '')}", why or "the name holds a NUL")
        return FieldError("query", "must not contain a NUL character or a lone surrogate")
    return None


def _body_problem(body: bytes, encounter: bool = False) -> tuple[int, FieldError] | None:
    """(status, error) when the body cannot be accepted (see the module docstring);
    ``encounter``: the intake body, whose lengths are bounded too."""
    if not body:
        return None
    if _SUSPECT.search(body):
        try:
            parsed = json.loads(body)
        except (ValueError, RecursionError):
            parsed = None
        if parsed is not None:
            found = _first_bad(parsed, [])
            if found:
                return 422, found
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower() or "depth" in str(exc).lower():
            return 400, FieldError("", f"not valid JSON: nested deeper than {orjson_depth()} levels")
        return None
    if encounter:
        found = _too_long(parsed, [])
        if found:
            return 422, found
    return None


def orjson_depth() -> int:
    """How deep the JSON parser nests (orjson's documented recursion limit)."""
    return 1024


class RequestGuard:
    """ASGI middleware applying the checks of the module docstring to /api/ requests."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or not str(scope.get("path", "")).startswith("/api/"):
            await self.app(scope, receive, send)
            return
        problem = _url_problem(scope)
        if problem is not None:
            await self._answer(scope, send, 422, "invalid-input", "The input is not valid", problem)
            return
        limit = MAX_EXCHANGE_BODY if scope.get("path") in _EXCHANGE_RAW else MAX_BODY
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._too_large(scope, send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            path = str(scope.get("path", ""))
            encounter = scope.get("method") == "PUT" and path.startswith(_ENCOUNTER_PREFIX)
            found = _body_problem(body, encounter)
            if found is not None:
                status, error = found
                if status == 400:
                    await self._answer(
                        scope, send, 400, "malformed-json", "The request body is not JSON", error
                    )
                else:
                    await self._answer(scope, send, 422, "invalid-input", "The input is not valid", error)
                return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        await self._answer(
            scope,
            send,
            413,
            "payload-too-large",
            "The request body is too large",
            FieldError("", f"at most {limit} bytes"),
        )

    async def _answer(
        self, scope: Scope, send: Send, status: int, kind: str, title: str, error: FieldError
    ) -> None:
        request = Request(scope)
        response = problem_response(request, status, kind, title, None, [error])

        async def nothing() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, nothing, send)
