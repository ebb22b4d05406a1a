"""The web interface: failed sign-ins per user name (lockout).

Revision ID: 0007_web
Revises: 0006_transfers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007_web"
down_revision: str | None = "0006_transfers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_signin_failures",
        sa.Column("user_name", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("web_signin_failures")
