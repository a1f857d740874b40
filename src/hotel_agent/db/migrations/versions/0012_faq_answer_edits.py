"""staff's edits of the FAQ answers (console), and the hotel's knowledge version

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "faq_answer_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("edited_by", sa.String(length=64), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hotel_id"],
            ["hotels.id"],
            name=op.f("fk_faq_answer_edits_hotel_id_hotels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_answer_edits")),
        sa.UniqueConstraint(
            "hotel_id",
            "entry_id",
            "language",
            name=op.f("uq_faq_answer_edits_hotel_id_entry_id_language"),
        ),
    )
    with op.batch_alter_table("hotels") as batch_op:
        batch_op.add_column(
            sa.Column("knowledge_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("hotels") as batch_op:
        batch_op.drop_column("knowledge_version")
    op.drop_table("faq_answer_edits")
