"""Identity tables: blocking keys, indexed persons, links, review queue, merges/splits, templates.

Revision ID: 0003_identity
Revises: 0002_exchange
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_identity"
down_revision: str | None = "0002_exchange"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "identity_keys",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("key", "person_id", name=op.f("pk_identity_keys")),
    )
    op.create_index("ix_identity_keys_person_id", "identity_keys", ["person_id"])
    op.create_table(
        "identity_indexed",
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("indexed_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_identity_indexed")),
    )
    op.create_table(
        "identity_links",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("encounter_id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=True),
        sa.Column("biometric_score", sa.Float(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_links")),
    )
    op.create_index(op.f("ix_identity_links_encounter_id"), "identity_links", ["encounter_id"])
    op.create_index(op.f("ix_identity_links_person_id"), "identity_links", ["person_id"])
    op.create_table(
        "identity_reviews",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("encounter_id", sa.String(length=128), nullable=False),
        sa.Column("candidate_person_id", sa.String(length=40), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("explanation", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=40), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_reviews")),
    )
    op.create_index(op.f("ix_identity_reviews_encounter_id"), "identity_reviews", ["encounter_id"])
    op.create_index(op.f("ix_identity_reviews_status"), "identity_reviews", ["status"])
    op.create_table(
        "identity_changes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("from_person_id", sa.String(length=40), nullable=False),
        sa.Column("to_person_id", sa.String(length=40), nullable=False),
        sa.Column("encounter_ids", sa.JSON(), nullable=False),
        sa.Column("created_person", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("by_user", sa.String(length=40), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("reverses", sa.String(length=40), nullable=True),
        sa.Column("reversed_by", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_changes")),
    )
    op.create_index(op.f("ix_identity_changes_from_person_id"), "identity_changes", ["from_person_id"])
    op.create_index(op.f("ix_identity_changes_to_person_id"), "identity_changes", ["to_person_id"])
    op.create_table(
        "identity_templates",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("modality", sa.String(length=20), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("nonce", sa.LargeBinary(), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_templates")),
    )
    op.create_index(op.f("ix_identity_templates_person_id"), "identity_templates", ["person_id"])


def downgrade() -> None:
    for table in (
        "identity_templates",
        "identity_changes",
        "identity_reviews",
        "identity_links",
        "identity_indexed",
        "identity_keys",
    ):
        op.drop_table(table)
