"""booking record rooms: every room of a booking the agent asked for (mixed types)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

Existing records get [] (their rooms are those of `room_type_id`, `rooms`, `adults` and
`children`, as before); a downgrade drops the rooms.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("booking_records") as batch:
        batch.add_column(sa.Column("room_lines", _json(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("booking_records") as batch:
        batch.drop_column("room_lines")
