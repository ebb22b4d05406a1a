"""Where domain errors become exit codes: the command line's edge, and only here."""

from __future__ import annotations

from amparo.errors import (
    AccessDenied,
    AmparoError,
    AuditError,
    AuthError,
    ConfigError,
    Conflict,
    ExchangeError,
    FlowsError,
    InputError,
    MissingExtra,
    NotFound,
    RuleError,
    StaleVersion,
    TransitionNotAllowed,
)

OK = 0
INTERNAL = 1  # also: audit trail not intact (contract of 'amparo audit verify')
INVALID_INPUT = 2  # contract of 'amparo screen': any input invalid
CONFIG = 3
RULES = 4
DENIED = 5
NOT_FOUND = 6
CONFLICT = 7

_TABLE: tuple[tuple[type[AmparoError], int], ...] = (
    (InputError, INVALID_INPUT),
    (ExchangeError, INVALID_INPUT),  # a malformed, forged, replayed or misaddressed envelope
    (FlowsError, CONFIG),  # the shipped data is missing or altered
    (ConfigError, CONFIG),
    (MissingExtra, CONFIG),
    (RuleError, RULES),
    (AuthError, DENIED),
    (AccessDenied, NOT_FOUND),  # a denied record looks exactly like a missing one
    (NotFound, NOT_FOUND),
    (Conflict, CONFLICT),
    (StaleVersion, CONFLICT),
    (TransitionNotAllowed, CONFLICT),
    (AuditError, INTERNAL),
)


def exit_code_for(error: AmparoError) -> int:
    """The exit code for a domain error (first matching class in the table)."""
    for cls, code in _TABLE:
        if isinstance(error, cls):
            return code
    return INTERNAL
