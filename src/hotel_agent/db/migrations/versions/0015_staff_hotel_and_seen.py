"""staff scoped to one hotel; unread counts per staff member (staff_seen)

Revision ID: 0015_staff_hotel_and_seen
Revises: 0013 (re-chain onto 0014 when the branches are merged)
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_staff_hotel_and_seen"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.add_column(sa.Column("hotel_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_staff_users_hotel_id_hotels"), "hotels", ["hotel_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_staff_users_hotel_id"), ["hotel_id"])
    op.create_table(
        "staff_seen",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_staff_seen_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_seen_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "conversation_id", name=op.f("pk_staff_seen")),
    )
    with op.batch_alter_table("staff_seen") as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_seen_conversation_id"), ["conversation_id"])
    # What the whole desk had seen becomes what each existing member has seen, so nobody's
    # inbox lights up with old messages on the upgrade.
    op.execute(
        "INSERT INTO staff_seen (user_id, conversation_id, message_id) "
        "SELECT u.id, c.id, c.staff_seen_message_id FROM staff_users u CROSS JOIN conversations c "
        "WHERE c.staff_seen_message_id IS NOT NULL"
    )
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_column("staff_seen_message_id")


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(
            sa.Column(
                "staff_seen_message_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
    op.execute(
        "UPDATE conversations SET staff_seen_message_id = (SELECT max(s.message_id) "
        "FROM staff_seen s WHERE s.conversation_id = conversations.id)"
    )
    with op.batch_alter_table("staff_seen") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_seen_conversation_id"))
    op.drop_table("staff_seen")
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_users_hotel_id"))
        batch_op.drop_constraint(batch_op.f("fk_staff_users_hotel_id_hotels"), type_="foreignkey")
        batch_op.drop_column("hotel_id")
