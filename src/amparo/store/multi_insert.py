"""Insert one row into each of several tables in as few round trips as the database allows.

On PostgreSQL the rows go in ONE statement: every INSERT but the last is a data-modifying CTE
(``WITH r0 AS (INSERT ...), r1 AS (INSERT ...) INSERT ...``), and each row travels as one JSON
parameter read by ``json_populate_record`` into the table's row type (a handful of parameters,
so the driver reuses its parsed and prepared statement). Foreign keys are checked at the end of
the statement, so a row may refer to another inserted by the same statement, and the statement
is atomic on its own. Elsewhere (SQLite, in process: no round trips) the rows are inserted one
after the other in the caller's transaction.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Dialect, Insert, Table, TextClause, bindparam, insert, text
from sqlalchemy.orm import Session

Shape = tuple[tuple[Table, tuple[str, ...]], ...]
_combined: dict[Shape, TextClause] = {}
_single: dict[tuple[Table, tuple[str, ...]], Insert] = {}
_lock = threading.Lock()


def _combined_statement(shape: Shape, dialect: Dialect) -> TextClause:
    built = _combined.get(shape)
    if built is None:
        quote = dialect.identifier_preparer
        inserts = []
        for i, (table, columns) in enumerate(shape):
            name = quote.format_table(table)
            listed = ", ".join(quote.quote(c) for c in columns)
            inserts.append(
                f"INSERT INTO {name} ({listed}) SELECT {listed} "
                f"FROM json_populate_record(NULL::{name}, CAST(:r{i} AS json))"
            )
        ctes = ", ".join(f"r{i} AS ({sql})" for i, sql in enumerate(inserts[:-1]))
        built = text(f"WITH {ctes} {inserts[-1]}" if ctes else inserts[-1])
        with _lock:
            built = _combined.setdefault(shape, built)
    return built


def _single_statement(table: Table, columns: tuple[str, ...]) -> Insert:
    built = _single.get((table, columns))
    if built is None:
        built = insert(table).values({c: bindparam(c, type_=table.c[c].type) for c in columns})
        with _lock:
            built = _single.setdefault((table, columns), built)
    return built


def insert_rows(session: Session, rows: Sequence[tuple[Table, Mapping[str, Any]]]) -> None:
    """Insert each ``(table, row)`` in the caller's transaction (one statement on PostgreSQL).

    Values must be what the columns take: strings, numbers, None, dates and aware datetimes
    (sent as ISO 8601), and JSON-able values for JSON columns.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        shape: Shape = tuple((table, tuple(row)) for table, row in rows)
        params = {f"r{i}": orjson.dumps(dict(row)).decode() for i, (_, row) in enumerate(rows)}
        connection.execute(_combined_statement(shape, connection.dialect), params)
        return
    for table, row in rows:
        connection.execute(_single_statement(table, tuple(row)), dict(row))
