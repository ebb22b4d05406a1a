"""Transfers: dated partner capacity, departures, plans as proposals and their decisions, and
outcomes after arrival.

Revision ID: 0006_transfers
Revises: 0005_lz4_documents
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_transfers"
down_revision: str | None = "0005_lz4_documents"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "transfer_capacity",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("receiving_country", sa.String(length=2), nullable=False),
        sa.Column("measure", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("certainty", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.Column("superseded_by", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_capacity")),
    )
    op.create_index(
        "ix_transfer_capacity_country_measure", "transfer_capacity", ["receiving_country", "measure"]
    )
    op.create_table(
        "transfer_slots",
        sa.Column("slot_id", sa.String(length=80), nullable=False),
        sa.Column("receiving_country", sa.String(length=2), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("slot_id", name=op.f("pk_transfer_slots")),
    )
    op.create_index(op.f("ix_transfer_slots_date"), "transfer_slots", ["date"])
    op.create_table(
        "transfer_plans",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("potentials", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_transfer_plans")),
    )
    op.create_table(
        "transfer_proposals",
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("group_id", sa.String(length=128), nullable=False),
        sa.Column("planned_case", sa.JSON(), nullable=False),
        sa.Column("proposed_slot_id", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("decided_slot_id", sa.String(length=80), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["transfer_plans.plan_id"],
            name=op.f("fk_transfer_proposals_plan_id_transfer_plans"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "case_id", name=op.f("pk_transfer_proposals")),
    )
    op.create_index("ix_transfer_proposals_case_id", "transfer_proposals", ["case_id"])
    op.create_table(
        "transfer_outcomes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=128), nullable=False),
        sa.Column("receiving_country", sa.String(length=2), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=80), nullable=False),
        sa.Column("recorded_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_outcomes")),
    )
    op.create_index(op.f("ix_transfer_outcomes_case_id"), "transfer_outcomes", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_transfer_outcomes_case_id"), table_name="transfer_outcomes")
    op.drop_table("transfer_outcomes")
    op.drop_index("ix_transfer_proposals_case_id", table_name="transfer_proposals")
    op.drop_table("transfer_proposals")
    op.drop_table("transfer_plans")
    op.drop_index(op.f("ix_transfer_slots_date"), table_name="transfer_slots")
    op.drop_table("transfer_slots")
    op.drop_index("ix_transfer_capacity_country_measure", table_name="transfer_capacity")
    op.drop_table("transfer_capacity")
