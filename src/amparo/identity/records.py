"""Reading the input of ``amparo link``: a CSV with a header, columns recognised by name.

Every problem is reported with the file, the row (the line number in the file, header = 1)
and the column, all at once, as an :class:`amparo.errors.InputError`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from amparo.errors import FieldError, InputError
from amparo.identity.names import normalise_record
from amparo.user_text import decode_user_bytes

INPUT_COLUMNS: tuple[str, ...] = (
    "record_id",
    "given_names",
    "surnames",
    "birth_date",
    "sex",
    "nationality",
    "document_number",
    "address",
    "locality",
    "postcode",
)
MAX_ERRORS = 50


def read_records(path: Path, *, encoding: str | None = None) -> list[dict[str, Any]]:
    """The normalised records of one input CSV (InputError naming file, row and column).

    The file is read as UTF-8 (with or without a byte-order mark), else as cp1252 (what Excel
    saves on Windows), or in ``encoding``; binary data is refused naming the line and byte."""
    source = str(path)
    if path.is_dir():
        raise InputError([FieldError("file", "is a folder; expected a CSV file")], source=source)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([FieldError("", f"cannot read the file: {exc.strerror}")], source=source) from exc
    text = decode_user_bytes(raw, source, "file", encoding=encoding)
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle, strict=True)
        with _csv_errors(reader, source):
            header = [h.strip() for h in (reader.fieldnames or [])]
        if not header:
            raise InputError(
                [FieldError("row 1", "the file is empty; a header row is expected")], source=source
            )
        if "record_id" not in header:
            raise InputError(
                [
                    FieldError(
                        "row 1, column record_id",
                        f"the required column is missing (header: {', '.join(header)})",
                    )
                ],
                source=source,
            )
        reader.fieldnames = header
        errors: list[FieldError] = []
        records: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for line, row in enumerate(_rows(reader, source), start=2):
            record_id = (row.get("record_id") or "").strip()
            if not record_id:
                errors.append(
                    FieldError(f"row {line}, column record_id", "is empty; every record needs an id")
                )
            elif record_id in seen:
                errors.append(
                    FieldError(
                        f"row {line}, column record_id",
                        f"'{record_id}' repeats the id of row {seen[record_id]}",
                    )
                )
            else:
                seen[record_id] = line
            birth = (row.get("birth_date") or "").strip()
            if birth:
                try:
                    dt.date.fromisoformat(birth)
                    if len(birth) != 10:
                        raise ValueError(birth)
                except ValueError:
                    errors.append(
                        FieldError(
                            f"row {line}, column birth_date", f"'{birth}' is not a date YYYY-MM-DD (or empty)"
                        )
                    )
            if len(errors) >= MAX_ERRORS:
                break
            if not errors:
                records.append(normalise_record({k: row.get(k) for k in INPUT_COLUMNS}))
    if errors:
        raise InputError(errors, source=source)
    if not records:
        raise InputError([FieldError("row 2", "the file has a header but no records")], source=source)
    return records


@contextmanager
def _csv_errors(reader: csv.DictReader[str], source: str) -> Iterator[None]:
    """A csv.Error (a stray quote, a field over the size limit) as an InputError with its line."""
    try:
        yield
    except csv.Error as exc:
        raise InputError(
            [FieldError(f"row {reader.line_num}", f"is not valid CSV: {exc}")], source=source
        ) from None


def _rows(reader: csv.DictReader[str], source: str) -> Iterator[dict[str, Any]]:
    while True:
        with _csv_errors(reader, source):
            row = next(reader, None)
        if row is None:
            return
        yield row
