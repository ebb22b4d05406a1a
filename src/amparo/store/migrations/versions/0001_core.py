"""Core tables: persons, users, encounters, cases, decisions, findings, notes, transitions, deadlines.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-23 01:37:54.075657
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

JSON = sa.JSON()

revision: str = "0001_core"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=True),
        sa.Column("surnames", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("nationalities", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persons")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_users_token_sha256")),
    )
    op.create_table(
        "encounters",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("encountered_on", sa.Date(), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("border", sa.String(length=32), nullable=False),
        sa.Column("manner", sa.String(length=32), nullable=False),
        sa.Column("agency", sa.String(length=32), nullable=False),
        sa.Column("received_by", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_encounters_person_id_persons")),
        sa.ForeignKeyConstraint(["received_by"], ["users.id"], name=op.f("fk_encounters_received_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
    )
    op.create_index(op.f("ix_encounters_agency"), "encounters", ["agency"], unique=False)
    op.create_index(op.f("ix_encounters_border"), "encounters", ["border"], unique=False)
    op.create_index(op.f("ix_encounters_encountered_on"), "encounters", ["encountered_on"], unique=False)
    op.create_index(op.f("ix_encounters_nationality"), "encounters", ["nationality"], unique=False)
    op.create_index(op.f("ix_encounters_person_id"), "encounters", ["person_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("encounter_id", sa.String(length=128), nullable=False),
        sa.Column("person_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("pending_target", sa.String(length=40), nullable=True),
        sa.Column("pending_from", sa.String(length=40), nullable=True),
        sa.Column("proposed_by", sa.String(length=40), nullable=True),
        sa.Column("concurred_by", sa.String(length=40), nullable=True),
        sa.Column("current_decision_id", sa.String(length=40), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["concurred_by"], ["users.id"], name=op.f("fk_cases_concurred_by_users")),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_cases_encounter_id_encounters")
        ),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=op.f("fk_cases_person_id_persons")),
        sa.ForeignKeyConstraint(["proposed_by"], ["users.id"], name=op.f("fk_cases_proposed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("encounter_id", name=op.f("uq_cases_encounter_id")),
    )
    op.create_index(op.f("ix_cases_person_id"), "cases", ["person_id"], unique=False)
    op.create_index(op.f("ix_cases_state"), "cases", ["state"], unique=False)

    op.create_table(
        "deadlines",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_deadlines_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadlines")),
    )
    op.create_index(op.f("ix_deadlines_case_id"), "deadlines", ["case_id"], unique=False)
    op.create_index(op.f("ix_deadlines_due_at"), "deadlines", ["due_at"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("encounter_id", sa.String(length=128), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("ruleset_version", sa.String(length=64), nullable=False),
        sa.Column("summary", JSON, nullable=False),
        sa.Column("trace", JSON, nullable=False),
        sa.Column("flags", JSON, nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("made_by", sa.String(length=40), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_decisions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_decisions_encounter_id_encounters")
        ),
        sa.ForeignKeyConstraint(["made_by"], ["users.id"], name=op.f("fk_decisions_made_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_case_id"), "decisions", ["case_id"], unique=False)
    op.create_index(op.f("ix_decisions_encounter_id"), "decisions", ["encounter_id"], unique=False)
    op.create_index(op.f("uq_decisions_case_sequence"), "decisions", ["case_id", "sequence"], unique=True)

    op.create_table(
        "notes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=40), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_notes_case_id_cases")),
        sa.ForeignKeyConstraint(["written_by"], ["users.id"], name=op.f("fk_notes_written_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes")),
    )
    op.create_index(op.f("ix_notes_case_id"), "notes", ["case_id"], unique=False)

    op.create_table(
        "transitions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=True),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("by_user", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_user"], ["users.id"], name=op.f("fk_transitions_by_user_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_transitions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transitions")),
    )
    op.create_index(op.f("ix_transitions_case_id"), "transitions", ["case_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("interview", sa.String(length=200), nullable=True),
        sa.Column("interviewed_on", sa.Date(), nullable=True),
        sa.Column("established_by", sa.String(length=40), nullable=False),
        sa.Column("established_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_findings_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_findings_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["established_by"], ["users.id"], name=op.f("fk_findings_established_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    op.create_index(op.f("ix_findings_case_id"), "findings", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_findings_case_id"), table_name="findings")

    op.drop_table("findings")
    op.drop_index(op.f("ix_transitions_case_id"), table_name="transitions")

    op.drop_table("transitions")
    op.drop_index(op.f("ix_notes_case_id"), table_name="notes")

    op.drop_table("notes")
    op.drop_index(op.f("uq_decisions_case_sequence"), table_name="decisions")
    op.drop_index(op.f("ix_decisions_encounter_id"), table_name="decisions")
    op.drop_index(op.f("ix_decisions_case_id"), table_name="decisions")

    op.drop_table("decisions")
    op.drop_index(op.f("ix_deadlines_due_at"), table_name="deadlines")
    op.drop_index(op.f("ix_deadlines_case_id"), table_name="deadlines")

    op.drop_table("deadlines")
    op.drop_index(op.f("ix_cases_state"), table_name="cases")
    op.drop_index(op.f("ix_cases_person_id"), table_name="cases")

    op.drop_table("cases")
    op.drop_index(op.f("ix_encounters_person_id"), table_name="encounters")
    op.drop_index(op.f("ix_encounters_nationality"), table_name="encounters")
    op.drop_index(op.f("ix_encounters_encountered_on"), table_name="encounters")
    op.drop_index(op.f("ix_encounters_border"), table_name="encounters")
    op.drop_index(op.f("ix_encounters_agency"), table_name="encounters")

    op.drop_table("encounters")
    op.drop_table("users")
    op.drop_table("persons")
