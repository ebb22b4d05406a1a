"""The one exception hierarchy of amparo.

Every error amparo raises on purpose derives from :class:`AmparoError`. Errors carry the
identifiers they are about as attributes and build their own message. They are mapped to
exit codes (``amparo.cli.exit_codes``) and HTTP statuses (``amparo.api.problems``) only at
the edges, never here.

A message with values in it may be a :class:`Phrase`: its English text everywhere, its template
and values kept so that an edge can say it in the user's language (``amparo.i18n.error_text``).

::

    AmparoError
    ├── ConfigError                 a setting is missing or malformed
    ├── InputError                  a document or file a user gave is malformed
    │   └── EncounterInvalid        an encounter document fails encounter v1
    ├── RuleError                   the law pack itself is wrong or incomplete
    │   ├── NoRuleInForce           no version of a rule covers the date asked
    │   ├── UnknownRule             no rule or instrument with that id
    │   ├── UnknownPack             no installed law pack with that id
    │   └── RuleDefinitionError     a rule or instrument definition is inconsistent
    ├── StoreError                  persistence failed (see amparo.store)
    │   ├── NotFound                a record does not exist (or may not be seen)
    │   ├── Conflict                the same id with a different document
    │   ├── StaleVersion            an update carried an out-of-date version
    │   └── TransitionNotAllowed    a case workflow step is not allowed from here
    ├── AccessDenied                the access policy refuses (rendered as not found)
    ├── AuthError                   no or bad credentials
    ├── LinkageError                record linkage or biometric matching failed
    ├── FlowsError                  the flows data or a query on it is wrong
    ├── ExchangeError               an envelope between installations is refused
    ├── AuditError                  the audit trail is broken
    └── MissingExtra                an optional dependency is not installed
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self


class AmparoError(Exception):
    """Root of every error amparo raises on purpose."""


class ConfigError(AmparoError):
    """Raised when a setting is missing or malformed."""


class Phrase(str):
    """A message with values in it: the English text it reads as everywhere, keeping its template
    and values so that an edge can say it in the user's language (:func:`amparo.i18n.say`
    translates the template, then puts the values in). ``Phrase("no such file: {path}", path=p)``."""

    template: str
    values: dict[str, str]

    def __new__(cls, template: str, **values: object) -> Self:
        # A value that is a phrase itself stays one, to be said in the same language.
        given = {name: value if isinstance(value, Phrase) else str(value) for name, value in values.items()}
        phrase = super().__new__(cls, template.format(**given))
        phrase.template, phrase.values = template, given
        return phrase

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (to a Spark worker) as what it is
        return (_phrase, (self.template, self.values))


def _phrase(template: str, values: dict[str, str]) -> Phrase:
    return Phrase(template, **values)


class Count(Phrase):
    """A whole number in a phrase: ``140,000`` in English; an edge writes it in the user's
    language's way (``140.000`` in Spanish)."""

    number: int

    def __new__(cls, number: int) -> Count:
        count = super().__new__(cls, "{number}", number=format(number, ","))
        count.number = number
        return count

    def __reduce__(self) -> tuple[Any, ...]:
        return (Count, (self.number,))


class Plural(Phrase):
    """A phrase whose words follow a number: its singular and plural templates, chosen in English
    by ``quantity`` (``1 document``, ``2 documents``); an edge asks the user's language for its own
    form of the number (Spanish has three). ``Plural("{n} document", "{n} documents", n, n=Count(n))``."""

    singular: str
    plural: str
    quantity: int

    def __new__(cls, singular: str, plural: str, quantity: int, **values: object) -> Self:
        phrase = super().__new__(cls, singular if quantity == 1 else plural, **values)
        phrase.singular, phrase.plural, phrase.quantity = singular, plural, quantity
        return phrase

    def __reduce__(self) -> tuple[Any, ...]:
        return (_plural, (self.singular, self.plural, self.quantity, self.values))


def _plural(singular: str, plural: str, quantity: int, values: dict[str, str]) -> Plural:
    return Plural(singular, plural, quantity, **values)


#: How a :class:`Size` past its last unit is said (``more than 1,000 YB``; the edge translates it).
BEYOND_LAST_UNIT = Phrase("more than {size}", size="1,000 YB")

#: Decimal units of a :class:`Size`, each a thousand times the one before (``df -H``'s).
_SIZE_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


class Size(Phrase):
    """A number of bytes in a phrase, in decimal units, with a decimal below ten: ``6.1 PB``,
    ``41 GB`` in English; an edge writes the number in the user's language's way (``6,1 PB``).
    From a thousand yottabytes on, ``more than 1,000 YB`` (``--n 10**400`` wrote 380 digits)."""

    size: int
    number: Decimal
    unit: str
    beyond: bool

    def __new__(cls, size: int, *, exact: bool = False) -> Size:
        """``exact``: in bytes, every digit (``2,097,152 B``), where two sizes round alike."""
        number, units = Decimal(max(size, 0)), list(_SIZE_UNITS)
        while not exact and round(number) >= 1000 and len(units) > 1:  # however large (--n 10**400)
            number, units = number.scaleb(-3), units[1:]
        number = round(number, 1) if number < Decimal("9.95") and units[0] != "B" else Decimal(round(number))
        beyond = not exact and number >= 1000
        if beyond:
            number = Decimal(1000)
        shown = f"{number:,f} {units[0]}"
        phrase = super().__new__(cls, BEYOND_LAST_UNIT.template if beyond else "{size}", size=shown)
        phrase.size, phrase.number, phrase.unit, phrase.beyond = size, number, units[0], beyond
        return phrase

    def __reduce__(self) -> tuple[Any, ...]:
        return (_size, (self.size, self.unit == "B" and self.size >= 1000))


def _size(size: int, exact: bool) -> Size:
    return Size(size, exact=exact)


def system_reason(exc: OSError, *, lower: bool = False) -> Phrase:
    """The reason an OSError gives (the system's ``strerror``, ``lower`` in lower case as some
    messages put it in brackets), as a phrase an edge says in the user's language where the
    catalogue has those words (``Permission denied``: ``Permiso denegado``), else as written."""
    text = str(exc.strerror or exc or type(exc).__name__)
    return fixed_phrase(text.lower() if lower else text)


def fixed_phrase(text: str) -> Phrase:
    """A text with no values in it as a phrase (its braces are the text's own): an edge says it in
    the user's language where the catalogue has those words, else as written."""
    return Phrase(text.replace("{", "{{").replace("}", "}}"))


def as_written(message: str) -> str:
    """A message as written (English): the ``say`` of :meth:`InputError.describe` by default."""
    return message


@dataclass(frozen=True)
class FieldError:
    """One problem in a document: where (a JSON Pointer) and what was expected."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class InputError(AmparoError):
    """Raised when a document or a file given by a user is malformed.

    ``errors`` lists every problem with its JSON path; the message summarises them.
    """

    type_uri = "https://amparo.example/problems/invalid-input"
    title = "The input is not valid"

    def __init__(self, errors: Sequence[FieldError], *, source: str | None = None) -> None:
        self.errors = list(errors)
        self.source = source
        super().__init__(self.describe())

    def describe(self, say: Callable[[str], str] = as_written) -> str:
        """The error in one line: its title, the file, and the first five problems with their
        paths, each message said by ``say`` (a translation; English as written by default)."""
        problems = "; ".join(f"{e.path or '/'}: {say(e.message)}" for e in self.errors[:5])
        if len(self.errors) > 5:
            problems += say(Phrase(" (and {count} more)", count=len(self.errors) - 5))
        if self.source:
            return say(
                Phrase(
                    "{title} in {source}: {problems}",
                    title=say(self.title),
                    source=self.source,
                    problems=problems,
                )
            )
        return f"{say(self.title)}: {problems}"


class EncounterInvalid(InputError):
    """Raised when an encounter document does not follow encounter v1."""

    type_uri = "https://amparo.example/problems/invalid-encounter"
    title = "The encounter document is not valid encounter v1"

    def __init__(
        self, errors: Sequence[FieldError], *, encounter_id: str | None = None, source: str | None = None
    ) -> None:
        self.encounter_id = encounter_id
        super().__init__(errors, source=source)


class RuleError(AmparoError):
    """Raised when the law pack itself is wrong or incomplete."""


class NoRuleInForce(RuleError):
    """Raised when no version of a rule covers the date asked: the law is silent there."""

    def __init__(self, rule_id: str, on: dt.date, *, covered: str | None = None) -> None:
        self.rule_id = rule_id
        self.on = on
        hint = f" The rule covers {covered}." if covered else ""
        super().__init__(f"No version of rule '{rule_id}' is in force on {on.isoformat()}.{hint}")


class UnknownRule(RuleError):
    """Raised when a rule or instrument id is not in the law pack."""

    def __init__(self, rule_id: str, *, known: Sequence[str] = ()) -> None:
        self.rule_id = rule_id
        close = [k for k in known if rule_id.split(".")[0] in k][:5]
        hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'amparo rules list' to see them."
        super().__init__(f"There is no rule or instrument '{rule_id}'.{hint}")


class UnknownPack(RuleError):
    """Raised when no installed law pack has the id asked for."""

    def __init__(self, pack_id: str, known: Sequence[str] = ()) -> None:
        self.pack_id = pack_id
        self.known = tuple(known)
        super().__init__(f"There is no law pack '{pack_id}'; installed: {', '.join(self.known) or 'none'}.")


class RuleDefinitionError(RuleError):
    """Raised when a rule or instrument definition is inconsistent (overlapping versions...)."""


class StoreError(AmparoError):
    """Raised when persistence fails."""


class NotFound(StoreError):
    """Raised when a record does not exist, or exists but may not be seen by the requester."""

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"No {kind} '{key}'.")


class Conflict(StoreError):
    """Raised when the same id arrives with a different document."""

    def __init__(self, kind: str, key: str, detail: str = "") -> None:
        self.kind = kind
        self.key = key
        super().__init__(f"{kind} '{key}' already exists with a different content. {detail}".strip())


class StaleVersion(StoreError):
    """Raised when an update carries a version that is no longer current."""

    def __init__(self, kind: str, key: str, *, given: str, current: str) -> None:
        self.kind = kind
        self.key = key
        self.given = given
        self.current = current
        super().__init__(f"{kind} '{key}' is at version {current}; the update was made on version {given}.")


class TransitionNotAllowed(StoreError):
    """Raised when a case workflow transition is not allowed from the current state."""

    def __init__(self, case_id: str, state: str, target: str, reason: str) -> None:
        self.case_id = case_id
        self.state = state
        self.target = target
        self.reason = reason
        super().__init__(f"Case '{case_id}' cannot go from '{state}' to '{target}': {reason}")


class AccessDenied(AmparoError):
    """Raised when the access policy refuses. Edges render it exactly like NotFound."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = list(reasons)
        super().__init__("Access denied: " + "; ".join(self.reasons))


class AuthError(AmparoError):
    """Raised when credentials are missing or invalid."""


class LinkageError(AmparoError):
    """Raised when record linkage or biometric matching cannot be done."""


class FlowsError(AmparoError):
    """Raised when the flows data or a query on it is wrong."""


class ExchangeError(AmparoError):
    """Raised when an envelope between installations is malformed, forged, replayed or misaddressed."""


class AuditError(AmparoError):
    """Raised when the audit trail cannot be written or read."""


class MissingExtra(AmparoError):
    """Raised when an optional dependency is needed but not installed."""

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            Phrase(
                "This needs the optional package '{module}'. Install it with: pip install 'amparo[{extra}]'",
                module=module,
                extra=extra,
            )
        )
