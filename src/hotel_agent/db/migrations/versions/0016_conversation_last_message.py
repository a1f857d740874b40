"""each conversation's latest message id, and the inbox's indexes on it

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each composite index starts with what a filter of the inbox fixes (nothing, an owner, a
# hotel) and goes on in the inbox's order; the one on hotel_id also serves its foreign key,
# as the index it replaces did, and the one on owner the look-ups by owner.
_INDEXES = {
    "ix_conversations_last_message_id_id": ["last_message_id", "id"],
    "ix_conversations_owner_last_message_id_id": ["owner", "last_message_id", "id"],
    "ix_conversations_hotel_id_last_message_id_id": ["hotel_id", "last_message_id", "id"],
}
_REPLACED = {"ix_conversations_owner": ["owner"], "ix_conversations_hotel_id": ["hotel_id"]}


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(
            sa.Column(
                "last_message_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                server_default="0",
                nullable=False,
            )
        )
    # One statement on both databases: each conversation's highest message id, through the
    # messages' (conversation_id, id) index.
    op.execute(
        "UPDATE conversations SET last_message_id = COALESCE((SELECT max(m.id) FROM messages m "
        "WHERE m.conversation_id = conversations.id), 0)"
    )
    with op.batch_alter_table("conversations") as batch_op:
        for name, columns in _INDEXES.items():
            batch_op.create_index(name, columns)
        for name in _REPLACED:
            batch_op.drop_index(name)


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        for name, columns in _REPLACED.items():
            batch_op.create_index(name, columns)
        for name in _INDEXES:
            batch_op.drop_index(name)
        batch_op.drop_column("last_message_id")
