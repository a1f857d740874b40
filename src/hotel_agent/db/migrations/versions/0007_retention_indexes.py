"""indexes the retention job needs: messages, handled inbox payloads, dead letters and idle
conversations by age

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = (
    ("ix_messages_created_at", "messages", "created_at"),
    ("ix_inbox_events_received_at", "inbox_events", "received_at"),
    ("ix_dead_letters_created_at", "dead_letters", "created_at"),
    ("ix_conversations_updated_at", "conversations", "updated_at"),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
