"""Where domain errors become exit codes: the command line's edge, and only here.

=====  ==========================================================================================
code   meaning
=====  ==========================================================================================
0      done
1      internal error (a bug), or the audit trail is not intact (``amparo audit verify``)
2      invalid input: a document, a file, an option or an argument (usage errors included)
3      configuration or environment: the database (unreachable, never upgraded), a setting, a
       missing optional package, the shipped data missing or altered
4      the law pack is wrong or silent (no rule in force on the date, unknown rule or pack)
5      denied: no or bad credentials
6      not found (a record the access policy refuses is reported the same way)
7      conflict: already exists, changed since read, or a workflow step not allowed from here
130    interrupted (Ctrl-C)
143    terminated (SIGTERM: ``kill``, ``timeout``, a scheduler); files being written are removed
=====  ==========================================================================================
"""

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
    LinkageError,
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
INTERRUPTED = 130
TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process the signal ended

_TABLE: tuple[tuple[type[AmparoError], int], ...] = (
    (InputError, INVALID_INPUT),
    (LinkageError, INVALID_INPUT),  # a model, key or file given for linkage is not what it should be
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
