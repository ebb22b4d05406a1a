"""A rule change given as data (``amparo impact --change FILE``): the change file read and checked,
every bad field named at once. :mod:`amparo.batch.overlay` lays it over the law packs.

.. code-block:: yaml

    changes:
      - block: {instrument: securing_border_2024}   # or {rule: bar.securing_border_2024}
        from: 2024-07-01
        to: 2025-01-01            # optional: the block lifted on this date
        status: vacated           # enjoined, vacated, stayed, suspended or terminated
        citation: "What-if: the 2024 rule vacated from July 1, 2024"
      - extend: {rule: aca.guatemala_2019, version: phase_1_el_paso}
        until: 2020-02-01         # the version stays in force until this date (later than its end)
        citation: "What-if: the first phase extended"
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from amparo.errors import FieldError, InputError, Phrase
from amparo.screening.json_values import nesting

BlockStatus = Literal["enjoined", "vacated", "stayed", "suspended", "terminated"]


def _day_as_text(value: Any) -> Any:
    """A day written ``YYYY-MM-DD`` (a date already read as one passes): pydantic alone would read
    a number as Unix seconds (``from: 0`` as 1970-01-01) and take a date-time at midnight."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(Phrase("{expected}, got {value}", expected=_A_DATE, value=repr(value)))


#: What a day of a change file is expected to be.
_A_DATE = Phrase("expected a date written YYYY-MM-DD")


#: A day in a change file.
Day = Annotated[dt.date, BeforeValidator(_day_as_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _name_as_text(value: Any) -> Any:
    """A version named by a whole number (``version: 2019``, MPP's first) read as its text, as
    YAML would need it quoted; ``true`` or ``1.5`` stay refused."""
    return str(value) if type(value) is int else value


class Target(_Strict):
    """The rules a change touches: one rule, or every rule implementing an instrument."""

    rule: str | None = None
    instrument: str | None = None
    version: Annotated[str | None, BeforeValidator(_name_as_text)] = None


class Change(_Strict):
    """One change: ``block`` rules from a date (to a date), or ``extend`` a version until a date."""

    block: Target | None = None
    extend: Target | None = None
    pack: str | None = None  # the law pack whose book the change applies to (when several hold it)
    from_: Day | None = Field(default=None, alias="from")
    to: Day | None = None
    until: Day | None = None
    status: BlockStatus = "enjoined"
    citation: str = "Hypothetical rule change (amparo impact --change)"

    def errors(self, where: str) -> list[FieldError]:
        """What this change lacks or gives that its kind does not take, each at its path (``where``:
        the change's own, ``/changes/0``); the law book is not needed to tell."""
        given = self.model_fields_set
        what, target = ("block", self.block) if self.block is not None else ("extend", self.extend)
        if target is None or (self.block is not None and self.extend is not None):
            return [FieldError(where, Phrase("give either 'block' or 'extend'"))]
        out = []
        if (target.rule is None) == (target.instrument is None):
            out.append(FieldError(f"{where}/{what}", Phrase("name either a rule or an instrument")))
        if self.block is not None:
            if self.from_ is None:
                out.append(FieldError(f"{where}/from", Phrase("a block needs the date it starts")))
            elif self.to is not None and self.to <= self.from_:
                out.append(
                    FieldError(
                        f"{where}/to",
                        Phrase(
                            "the block is lifted on {to}, not after it starts on {start}",
                            to=self.to,
                            start=self.from_,
                        ),
                    )
                )
            if target.version is not None:
                out.append(
                    FieldError(
                        f"{where}/block/version",
                        Phrase(
                            "a block covers every version in force between 'from' and 'to': give the "
                            "dates, not a version"
                        ),
                    )
                )
            if self.until is not None:
                out.append(
                    FieldError(f"{where}/until", Phrase("a block is lifted on 'to'; 'until' is for 'extend'"))
                )
            return out
        if target.version is None:
            out.append(FieldError(f"{where}/extend/version", Phrase("name the version to extend")))
        if self.until is None:
            out.append(FieldError(f"{where}/until", Phrase("an extension needs its new end")))
        for name, field in (("from_", "from"), ("to", "to"), ("status", "status")):
            if name in given:
                out.append(
                    FieldError(
                        f"{where}/{field}",
                        Phrase("an extension takes only 'until'; '{field}' is for 'block'", field=field),
                    )
                )
        return out


class RuleChange(_Strict):
    """A change file."""

    changes: list[Change] = Field(min_length=1)

    def errors(self, indices: Collection[int] | None = None) -> list[FieldError]:
        """Every change's :meth:`Change.errors` (``indices``: only the changes at these positions)."""
        return [
            error
            for index, item in enumerate(self.changes)
            if indices is None or index in indices
            for error in item.errors(f"/changes/{index}")
        ]


class _DatesAsText(yaml.SafeLoader):
    """YAML read with dates left as the text they are written in, so that a date that is not one
    (``2024-13-01``) is refused at its field, as in a JSON change file, not for the whole file; a
    key written twice in one mapping is refused (YAML would keep the last silently: a second
    ``changes:`` list dropped the first, and the answer with it)."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            self._keys_once(node, deep)
        return super().construct_mapping(node, deep=deep)

    def _keys_once(self, node: Any, deep: bool) -> set[Any]:
        """The keys ``node`` gives, those of the mappings it merges (``<<:``) included; a key
        written twice in it, or given by two of the mappings it merges, is refused (YAML keeps one
        silently). A key written in it overrides a merged one, as YAML's merge intends."""
        written: set[Any] = set()
        merged: set[Any] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    if isinstance(source, yaml.MappingNode):
                        given = self._keys_once(source, deep)
                        twice = next(iter(given & merged), None)
                        if twice is not None:
                            raise _KeyTwice(twice, source.start_mark.line + 1, merged_twice=True)
                        merged |= given
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                repeated = key in written
                written.add(key)
            except TypeError:  # an unhashable key: the constructor says so
                continue
            if repeated:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else key
                raise _KeyTwice(shown, key_node.start_mark.line + 1)
        return written | merged


_MERGE = "tag:yaml.org,2002:merge"


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _KeyTwice(ValueError):
    """A key written twice in one mapping or object of a change file (``line``: where, when known;
    ``merged_twice``: given by two mappings merged into one)."""

    def __init__(self, key: Any, line: int | None = None, *, merged_twice: bool = False) -> None:
        if merged_twice and line is not None:
            message = Phrase(
                "the key {key} is given by two of the mappings merged into one (line {line}); give it once",
                key=repr(key),
                line=line,
            )
        elif merged_twice:
            message = Phrase(
                "the key {key} is given by two of the mappings merged into one; give it once", key=repr(key)
            )
        elif line is not None:
            message = Phrase(
                "the key {key} is written twice in one mapping (line {line}); write it once",
                key=repr(key),
                line=line,
            )
        else:
            message = Phrase("the key {key} is written twice in one mapping; write it once", key=repr(key))
        super().__init__(message)
        self.message = message


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object of a change file, refused where a key is written twice (``json`` keeps the last)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _KeyTwice(key)
        out[key] = value
    return out


_FOUND = {
    str: Phrase("text"),
    int: Phrase("a number"),
    float: Phrase("a number"),
    bool: Phrase("true or false"),
}

#: The deepest a change file may be nested (a change is four levels deep; 2,000 brackets stopped
#: the parser with an internal error).
CHANGE_FILE_DEPTH = 100


def _too_deep(path: Path) -> InputError:
    return InputError(
        [
            FieldError(
                "--change",
                Phrase(
                    "{name} is nested too deeply to be a change file (more than {most} levels)",
                    name=path.name,
                    most=CHANGE_FILE_DEPTH,
                ),
            )
        ]
    )


#: The most a change file may hold (``--change /dev/zero`` was read until memory ran out).
CHANGE_FILE_BYTES = 64 * 1024 * 1024

#: Pydantic's words for a JSON document, said of a YAML one.
_YAML_WORDS = {"a JSON object (key: value pairs)": "a mapping (key: value pairs)"}

#: The plain words of a validation error (:mod:`amparo.plain_words`) a change file can meet, as
#: phrases (said in the user's language), by their English.
_PLAIN_WORDS = {
    str(phrase): phrase
    for phrase in (
        Phrase("expected a JSON object (key: value pairs)"),
        Phrase("expected a mapping (key: value pairs)"),
        Phrase("expected a list"),
        Phrase("expected a text string"),
        _A_DATE,
        Phrase("expected true or false"),
        Phrase("expected a whole number"),
        Phrase("expected a number"),
        Phrase("expected no value"),
        Phrase("is required"),
        Phrase("is not a known field (check the spelling)"),
        Phrase("must not be empty"),
    )
}


def load_change(path: Path) -> RuleChange:
    """The change file at ``path`` (YAML or JSON), or InputError naming each bad field."""
    from amparo.plain_words import pointer
    from amparo.user_text import read_user_text

    if not path.exists():
        raise InputError([FieldError("--change", Phrase("no such file: {path}", path=path))])
    text = read_user_text(path, "--change", most=CHANGE_FILE_BYTES)
    is_json = path.suffix.lower() == ".json"
    if not text.strip():  # as YAML reads it: an empty file, not "Expecting value: line 1 column 1"
        text = "null"
    if nesting(text)[0] > CHANGE_FILE_DEPTH:  # brackets (JSON, YAML's flow style) past any change's
        raise _too_deep(path)
    try:
        data = (
            json.loads(text, object_pairs_hook=_json_object)
            if is_json
            else yaml.load(text, Loader=_DatesAsText)
        )
    except RecursionError:  # YAML's block style, nested by indentation past the parser's depth
        raise _too_deep(path) from None
    except _KeyTwice as exc:
        raise InputError(
            [FieldError("--change", Phrase("{path}: {reason}", path=path.name, reason=exc.message))]
        ) from None
    except (ValueError, yaml.YAMLError) as exc:  # malformed YAML or JSON: say where, in one line
        raise InputError(
            [
                FieldError(
                    "--change",
                    Phrase(
                        "{name} is not valid YAML or JSON: {reason}", name=path.name, reason=_one_line(exc)
                    ),
                )
            ]
        ) from None
    if not isinstance(data, dict):
        found = _FOUND.get(type(data), Phrase("a list")) if data is not None else Phrase("an empty file")
        expected = (
            Phrase("expected an object with the list of changes under 'changes'; found {found}", found=found)
            if is_json
            else Phrase(
                "expected a mapping with the list of changes under 'changes'; found {found}", found=found
            )
        )
        raise InputError([FieldError("/", expected)], source=str(path))
    try:
        change = RuleChange.model_validate(data)
    except ValidationError as exc:
        errors = [FieldError(pointer(tuple(error["loc"])), _said(error, is_json)) for error in exc.errors()]
        # ... and what the changes that were read lack or give wrongly, so that every bad field
        # of the file is named at once.
        raise InputError(
            in_file_order([*errors, *_read_changes_errors(data, errors)]), source=str(path)
        ) from None
    errors = change.errors()
    if errors:
        raise InputError(errors, source=str(path))
    return change


def _one_line(exc: Exception) -> str:
    """A parser's error in one line: YAML's problem and where (its message spans several lines,
    with the text it read), JSON's as it is."""
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem is not None:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        context = f"{exc.context} " if exc.context else ""
        return f"{context}{exc.problem}{where}"
    return " ".join(str(exc).split())


def _said(error: ErrorDetails, is_json: bool) -> str:
    """A validation error's plain words (:func:`amparo.plain_words.plain_message`) in the words of
    the change file's language (:func:`_worded`), as a phrase where they are one this module knows
    (else as written): the values in them (what was given, the choices) kept as values."""
    from amparo.plain_words import plain_message

    english = _worded(plain_message(error), is_json)
    phrase = _phrase_of(error, english)
    return phrase if phrase is not None and phrase == english else english


def _phrase_of(error: ErrorDetails, english: str) -> Phrase | None:
    """The phrase of a validation error whose plain words are ``english`` (None: none known)."""
    ctx = error.get("ctx") or {}
    if error["type"] == "value_error":  # a validator's own words (a day not written YYYY-MM-DD)
        raised = ctx.get("error")
        said = raised.args[0] if isinstance(raised, Exception) and raised.args else None
        return said if isinstance(said, Phrase) else None
    if error["type"] in ("literal_error", "enum"):  # 'enjoined', 'vacated' ... or 'terminated'
        choices = str(ctx.get("expected", ""))
        first, either, last = choices.rpartition(" or ")
        said_choices = Phrase("{first} or {second}", first=first, second=last) if either else choices
        return Phrase("expected one of {choices}", choices=said_choices)
    if english in _PLAIN_WORDS:
        return _PLAIN_WORDS[english]
    words, got, shown = english.partition(", got ")
    if got and words in _PLAIN_WORDS:
        return Phrase("{expected}, got {value}", expected=_PLAIN_WORDS[words], value=shown)
    return None


def _worded(message: str, is_json: bool) -> str:
    """A validation message in the words of the change file's language (YAML: a mapping)."""
    if is_json:
        return message
    for json_words, yaml_words in _YAML_WORDS.items():
        message = message.replace(json_words, yaml_words)
    return message


def _read_changes_errors(data: dict[str, Any], refused: list[FieldError]) -> list[FieldError]:
    """:meth:`Change.errors` of each item of ``changes``, read without the fields the validation
    ``refused`` (a bad date, an unknown field), at paths it did not name already."""
    items = data.get("changes")
    if not isinstance(items, list):
        return []
    named = {error.path for error in refused}
    errors = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        where = f"/changes/{index}"
        for path in named:
            if path.startswith(where + "/"):
                item = _without(item, path.split("/")[3:])
        try:
            change = Change.model_validate(item)
        except ValidationError:
            continue
        # a refused 'block' or 'extend' was given: the change does not lack one
        target_refused = any(
            path.split("/")[3:4] in (["block"], ["extend"]) for path in named if path.startswith(where + "/")
        )
        errors += [
            error
            for error in change.errors(where)
            if not any(error.path == path or error.path.startswith(path + "/") for path in named)
            and not (target_refused and error.path == where)
        ]
    return errors


def _without(item: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """A copy of ``item`` without the field at ``keys`` (a path inside it)."""
    head, rest = keys[0], keys[1:]
    if head not in item:
        return item
    if rest and isinstance(item[head], dict):
        return {**item, head: _without(item[head], rest)}
    return {key: value for key, value in item.items() if key != head}


def in_file_order(errors: list[FieldError]) -> list[FieldError]:
    """``errors`` by the change they are in (the file's order); errors of the file itself first."""

    def change_index(error: FieldError) -> int:
        parts = error.path.split("/")
        return int(parts[2]) if len(parts) > 2 and parts[1] == "changes" and parts[2].isdigit() else -1

    return sorted(errors, key=change_index)
