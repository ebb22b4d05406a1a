"""Security (issue 11): token expiry and revocation, MACs on audit queue rows and entries,
peers' witnessed checkpoints, withdrawn envelopes.

Revision ID: 0008_security
Revises: 0007_web
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008_security"
down_revision: str | None = "0007_web"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("token_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audit_queue") as batch:
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))
    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("mac", sa.String(64), nullable=True))
    with op.batch_alter_table("exchange_envelopes") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.String(40), nullable=True))
    op.create_table(
        "audit_witnessed",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("peer", sa.String(2), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("checkpoint", sa.Text, nullable=False),
        sa.Column("received_at", sa.String(40), nullable=False),
        sa.Column("via", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_witnessed")),
    )
    op.create_index(op.f("ix_audit_witnessed_peer"), "audit_witnessed", ["peer"])


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_witnessed_peer"), table_name="audit_witnessed")
    op.drop_table("audit_witnessed")
    with op.batch_alter_table("exchange_envelopes") as batch:
        batch.drop_column("withdrawn_at")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_column("mac")
    with op.batch_alter_table("audit_queue") as batch:
        batch.drop_column("mac")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("token_expires_at")
