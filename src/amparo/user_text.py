"""Text files a user gives (CSV, YAML, JSON): UTF-8 or the encoding Excel saves, binary refused.

An undecodable byte is an :class:`amparo.errors.InputError` naming the file, the line and the byte,
and saying how to give another encoding; a folder or a missing file is said as such.
"""

from __future__ import annotations

from pathlib import Path

from amparo.errors import Count, FieldError, InputError, Phrase, system_reason

#: Encodings tried, in order, for a text file a user gives (Excel on Windows saves cp1252).
USER_TEXT_ENCODINGS = ("utf-8-sig", "cp1252")


def read_user_text(path: Path, field: str, *, encoding: str | None = None, most: int | None = None) -> str:
    """The text of a file a user named: UTF-8 (with or without a byte-order mark), else cp1252,
    or ``encoding`` when given. Binary data, a folder, a missing file or one of more than ``most``
    bytes (when given: ``/dev/zero`` never ends) is an InputError naming ``field``, the file, and
    for undecodable bytes the line and byte."""
    if path.is_dir():
        raise InputError([FieldError(field, Phrase("is a folder; expected a file"))], source=str(path))
    try:
        with path.open("rb") as file:
            raw = file.read() if most is None else file.read(most + 1)
    except OSError as exc:
        raise InputError(
            [FieldError(field, Phrase("cannot read {path}: {reason}", path=path, reason=system_reason(exc)))]
        ) from None
    if most is not None and len(raw) > most:
        raise InputError(
            [
                FieldError(
                    field,
                    Phrase(
                        "{path} holds more than {most} bytes; expected a smaller file",
                        path=path,
                        most=Count(most),
                    ),
                )
            ],
            source=str(path),
        )
    return decode_user_bytes(raw, str(path), field, encoding=encoding)


def decode_user_bytes(
    raw: bytes, source: str, field: str, *, encoding: str | None = None, encoding_hint: bool = True
) -> str:
    """Decode bytes a user gave (see :func:`read_user_text`); ``encoding_hint``: an undecodable
    byte's error says to give ``--encoding`` (a command that takes one). A file opening with a
    UTF-16 or UTF-32 byte order mark (Excel's "Unicode text", Windows Notepad's "Unicode") is read
    in it where no encoding is asked, and refused as such where one is (JSON is UTF-8): its NUL
    bytes made it "binary data"."""
    wide = next((name for mark, name in _WIDE_MARKS if raw.startswith(mark)), None)
    asked_wide = encoding is not None and encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32"))
    if wide is not None and not asked_wide:
        if encoding is None:
            try:
                return raw.decode(wide)
            except UnicodeDecodeError:
                pass  # not that text after all: the checks below say what it is
        else:
            raise InputError(
                [
                    FieldError(
                        field,
                        Phrase(
                            "is {name} text (it starts with its byte order mark); save it as {wanted}",
                            name=wide.upper(),
                            wanted="UTF-8" if encoding.lower().startswith("utf-8") else encoding,
                        ),
                    )
                ],
                source=source,
            )
    nul = -1 if asked_wide else raw.find(b"\x00", 0, 8192)  # a wide text is half NUL bytes
    if nul >= 0:
        line, byte = _where(raw, nul)
        raise InputError(
            [
                FieldError(
                    field,
                    Phrase(
                        "is binary data, not text (a NUL byte at line {line}, byte {byte})",
                        line=line,
                        byte=byte,
                    ),
                )
            ],
            source=source,
        )
    tried = (encoding,) if encoding else USER_TEXT_ENCODINGS
    first: UnicodeDecodeError | None = None
    for name in tried:
        try:
            text = raw.decode(name)
        except LookupError:
            raise InputError(
                [
                    FieldError(
                        "--encoding", Phrase("unknown encoding '{name}'; try utf-8 or cp1252", name=name)
                    )
                ]
            ) from None
        except UnicodeDecodeError as exc:
            first = first or exc
            continue
        if name == "cp1252" and _controls(text):
            break  # decodes, but into control characters: binary data, not Windows text
        return text
    at = first.start if first is not None else 0
    shown = ["UTF-8" if n.lower().startswith("utf-8") else n for n in tried]
    names = Phrase("{first} or {second}", first=shown[0], second=shown[1]) if len(shown) == 2 else shown[0]
    line, byte = _where(raw, at)
    values = {"names": names, "value": format(raw[at], "02x"), "line": line, "byte": byte}
    problem = (
        Phrase(
            "is not {names} text (byte 0x{value} at line {line}, byte {byte}); "
            "give --encoding if it is another encoding",
            **values,
        )
        if encoding_hint
        else Phrase("is not {names} text (byte 0x{value} at line {line}, byte {byte})", **values)
    )
    raise InputError([FieldError(field, problem)], source=source)


#: Byte order marks of the wide encodings, the longer first (UTF-32's little-endian mark opens
#: with UTF-16's).
_WIDE_MARKS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _where(raw: bytes, offset: int) -> tuple[Count, Count]:
    """The line and the byte within it (both from 1) of ``offset``."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return Count(line), Count(column)


def _controls(text: str) -> bool:
    """True when text has control characters other than tab, newline and carriage return."""
    return any(ord(c) < 32 and c not in "\t\n\r\f" for c in text[:8192])
