"""partial indexes over unfinished inbox and outbox rows

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNFINISHED = sa.text("state IN ('pending', 'processing')")


def upgrade() -> None:
    with op.batch_alter_table("inbox_events") as batch_op:
        batch_op.drop_index("ix_inbox_events_state_key_id")
        batch_op.create_index(
            "ix_inbox_events_unfinished",
            ["id"],
            postgresql_where=UNFINISHED,
            sqlite_where=UNFINISHED,
        )
        batch_op.create_index(
            "ix_inbox_events_unfinished_key",
            ["conversation_key", "id"],
            postgresql_where=UNFINISHED,
            sqlite_where=UNFINISHED,
        )
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_state_conversation_id_id")
        batch_op.create_index(
            "ix_outbox_unfinished", ["id"], postgresql_where=UNFINISHED, sqlite_where=UNFINISHED
        )
        batch_op.create_index(
            "ix_outbox_unfinished_conversation",
            ["conversation_id", "id"],
            postgresql_where=UNFINISHED,
            sqlite_where=UNFINISHED,
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_index("ix_outbox_unfinished_conversation")
        batch_op.drop_index("ix_outbox_unfinished")
        batch_op.create_index(
            "ix_outbox_state_conversation_id_id", ["state", "conversation_id", "id"]
        )
    with op.batch_alter_table("inbox_events") as batch_op:
        batch_op.drop_index("ix_inbox_events_unfinished_key")
        batch_op.drop_index("ix_inbox_events_unfinished")
        batch_op.create_index("ix_inbox_events_state_key_id", ["state", "conversation_key", "id"])
