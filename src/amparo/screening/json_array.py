"""A JSON array's elements decoded one at a time from a window on the text, read in blocks: a file of
any size is read with flat memory (the window holds about one block and the element being read).

Each element is decoded by the standard library's decoder (``raw_decode``) where it starts. When
the decoder stops near the window's end (the element may go on in the next block) the next block is
read and the element decoded again; an error further back is the element's own. The messages, with
the line and column in the whole text, are the ones ``amparo screen`` gives for the same text.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from typing import Protocol

from amparo.errors import EncounterInvalid, FieldError, Phrase
from amparo.screening.json_values import (
    JSON_DECODER,
    TOO_DEEP,
    NotJsonValue,
    json_reason,
    refuse_lone_surrogates,
    too_deep,
)

_WS = " \t\r\n"
#: Bytes read at a time from a file.
BLOCK = 1 << 22
#: An error (or a number's end) this close to the window's end may be the window's end (a cut
#: number, literal or escape: at most a few characters), so the next block is read first.
_NEAR_END = 16


class _Window:
    """The text from some point of the input on; ``line`` and ``column`` say where it starts."""

    def __init__(self, read: Callable[[int], str], *, keep: bool = False) -> None:
        self._read = read
        self._keep = keep  # the whole text was given: never cut (cutting copies it)
        self.text = ""
        self.eof = False
        self.line = 1  # the line of text[0]
        self.column = 0  # characters before text[0] on its line

    def more(self) -> bool:
        """Read the next block onto the window (at least as much as it holds, so that an element
        longer than a block is read in a number of steps that grows as its logarithm)."""
        if self.eof:
            return False
        piece = self._read(max(BLOCK, len(self.text)))
        self.eof = not piece
        self.text += piece
        return not self.eof

    def cut(self, i: int) -> int:
        """Forget the text before ``i`` once it is most of the window; where ``i`` now is."""
        if self._keep or i < BLOCK or i * 2 < len(self.text):
            return i
        gone = self.text[:i]
        newlines = gone.count("\n")
        self.line += newlines
        self.column = len(gone) - gone.rfind("\n") - 1 if newlines else self.column + len(gone)
        self.text = self.text[i:]
        return 0

    def skip(self, i: int) -> int:
        """The first position at or after ``i`` that is not whitespace (``len(text)`` at the end)."""
        while True:
            while i < len(self.text) and self.text[i] in _WS:
                i += 1
            if i < len(self.text) or not self.more():
                return i
            i = self.cut(i)

    def where(self, i: int) -> Phrase:
        newline = self.text.rfind("\n", 0, i)
        line = self.line + self.text.count("\n", 0, i)
        column = i - newline if newline >= 0 else self.column + i + 1
        return Phrase("line {line}, column {column}", line=line, column=column)


def hex_byte(value: int) -> str:
    """A byte as a message names it: ``0xff``."""
    return format(value, "#04x")


def _bad(message: str, source: str) -> tuple[None, EncounterInvalid]:
    return None, EncounterInvalid([FieldError("", message)], source=source)


Element = tuple[object, None] | tuple[None, EncounterInvalid]


class _NotUtf8(ValueError):
    """Bytes of the file that are not UTF-8."""


def _elements(window: _Window, source: str, texts: bool = False) -> Iterator[Element]:
    """The elements of the array whose ``[`` is the window's first character that is not
    whitespace: (document, None), or (None, error) once, as the last. ``texts``: each element's
    JSON text as it stands in the input (checked by decoding it) in place of the document."""
    number = 0
    try:
        i = window.skip(window.skip(0) + 1)
        if i < len(window.text) and window.text[i] == "]":
            yield from _after_array(window, i, source)
            return
        while True:
            i = window.cut(i)
            value, end = _decode(window, i)
            yield (window.text[i:end] if texts else value), None
            i = end
            number += 1
            i = window.skip(i)
            text = window.text
            if i < len(text) and text[i] == ",":
                i = window.skip(i + 1)
                continue
            if i < len(text) and text[i] == "]":
                yield from _after_array(window, i, source)
                return
            yield _bad(
                Phrase(
                    "expected ',' or ']' after element {number} at {where}",
                    number=number - 1,
                    where=window.where(i),
                ),
                source,
            )
            return
    except json.JSONDecodeError as exc:
        yield _bad(
            Phrase(
                "element {number} of the array is not valid JSON ({reason} at {where})",
                number=number,
                reason=json_reason(exc),
                where=window.where(exc.pos),
            ),
            source,
        )
    except NotJsonValue as exc:
        yield _bad(
            Phrase(
                "element {number} of the array is not valid JSON ({reason})", number=number, reason=exc.reason
            ),
            source,
        )
    except _NotUtf8 as exc:
        yield _bad(
            Phrase(
                "element {number} of the array is not UTF-8 text ({reason})",
                number=number,
                reason=exc.args[0],
            ),
            source,
        )
    except RecursionError:
        yield _bad(Phrase("element {number}: {problem}", number=number, problem=Phrase(TOO_DEEP)), source)


def _decode(window: _Window, i: int) -> tuple[object, int]:
    """The element starting at ``i`` and where it ends, reading blocks while it may go on."""
    while True:
        text = window.text
        try:
            value, end = JSON_DECODER.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            cut_short = exc.pos >= len(text) - _NEAR_END or exc.msg.startswith("Unterminated string")
            if cut_short and window.more():
                continue
            raise
        if end > len(text) - _NEAR_END and _more(window, end):  # a number may go on ("0." of "0.5")
            continue
        if too_deep(text, i, end):
            raise RecursionError(TOO_DEEP)
        refuse_lone_surrogates(value, text, i, end)
        return value, end


def _more(window: _Window, end: int) -> bool:
    """Whether more text was read after an element ending at ``end``; bytes that are not UTF-8
    after it end the text there (raised when more is needed), unless they follow it at once."""
    try:
        return window.more()
    except _NotUtf8:
        if end >= len(window.text):
            raise
        return False


def _after_array(window: _Window, i: int, source: str) -> Iterator[Element]:
    end = window.skip(i + 1)
    if end < len(window.text):
        yield _bad(Phrase("unexpected text after the array at {where}", where=window.where(end)), source)


def array_of_text(text: str, source: str) -> Iterator[Element]:
    """The elements of the array that ``text`` holds (its first character that is not whitespace
    is ``[``)."""
    given = [text]

    def read(_: int) -> str:
        return given.pop() if given else ""

    return _elements(_Window(read, keep=True), source)


class ByteSource(Protocol):
    """What the array is read from: a file opened for bytes, or a decompressing reader."""

    def read(self, size: int = -1, /) -> bytes: ...


def array_of_file(handle: ByteSource, source: str, *, texts: bool = False) -> Iterator[Element]:
    """The elements of the JSON array in the file (UTF-8, a byte order mark skipped, as ``amparo
    screen`` skips it), read in blocks from the file's start; ``texts``: each element's text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    mark = handle.read(len(codecs.BOM_UTF8))
    first = b"" if mark == codecs.BOM_UTF8 else mark
    done = len(mark) - len(first)  # bytes of the file handed to the decoder

    broken: list[_NotUtf8] = []  # met at the end of the text read so far: raised at the next read

    def read(size: int) -> str:
        """The next text (empty only at the end: a block may end inside a character)."""
        nonlocal done, first
        if broken:
            raise broken[0]
        while True:
            raw = first + handle.read(size)
            first = b""
            pending = len(decoder.getstate()[0])
            try:
                text: str = decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                offset = done - pending + exc.start
                broken.append(
                    _NotUtf8(
                        Phrase(
                            "byte {byte} at offset {offset}",
                            byte=hex_byte(exc.object[exc.start]),
                            offset=offset,
                        )
                        if exc.start < len(exc.object)
                        else Phrase("a character cut short at offset {offset}", offset=offset)
                    )
                )
                text = bytes(exc.object[: exc.start]).decode("utf-8")  # the elements before it are read
                if not text:
                    raise broken[0] from None
            done += len(raw)
            if text or not raw:
                return text

    return _elements(_Window(read), source, texts)
