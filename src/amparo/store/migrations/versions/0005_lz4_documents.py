"""PostgreSQL: compress the large JSON values (decision documents and traces, encounter
documents) with lz4 instead of pglz when they are moved out of line (TOAST). A decision's trace
is about 10 KB; pglz spent a large share of the database's CPU per intake compressing it, lz4
does it several times faster. Existing values keep their compression until rewritten. SQLite:
nothing to do.

Revision ID: 0005_lz4_documents
Revises: 0004_audit_queue
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005_lz4_documents"
down_revision: str | None = "0004_audit_queue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("decisions", "document"), ("decisions", "trace"), ("encounters", "document"))


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    # lz4 needs PostgreSQL 14 or later built with lz4 (the Debian and Docker builds are)
    found = bind.exec_driver_sql(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
    ).first()
    return found is not None


def upgrade() -> None:
    if _lz4_available():
        for table, column in COLUMNS:
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION lz4')


def downgrade() -> None:
    if _lz4_available():
        for table, column in COLUMNS:
            op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION pglz')
