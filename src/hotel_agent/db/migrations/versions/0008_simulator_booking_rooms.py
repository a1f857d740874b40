"""simulator booking rooms: each room of a booking with its type and party (mixed types)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Existing bookings get one row per room, of their one type, the party spread evenly (fuller
rooms first), as the simulator has always counted them. A downgrade keeps each booking's first
room type and totals only: the rooms of other types in mixed bookings are forgotten.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    rooms = op.create_table(
        "pms_sim_booking_rooms",
        sa.Column(
            "booking_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("room_type_id", sa.Integer(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("child_ages", _json(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["pms_sim_bookings.id"],
            name=op.f("fk_pms_sim_booking_rooms_booking_id_pms_sim_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["room_type_id"],
            ["pms_sim_room_types.id"],
            name=op.f("fk_pms_sim_booking_rooms_room_type_id_pms_sim_room_types"),
        ),
        sa.PrimaryKeyConstraint("booking_id", "position", name=op.f("pk_pms_sim_booking_rooms")),
    )
    with op.batch_alter_table("pms_sim_booking_rooms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pms_sim_booking_rooms_room_type_id"), ["room_type_id"], unique=False
        )
    bookings = op.get_bind().execute(
        sa.text("SELECT id, room_type_id, adults, children, rooms FROM pms_sim_bookings")
    )
    rows = [
        {
            "booking_id": booking_id,
            "position": position,
            "room_type_id": room_type_id,
            "adults": adults // count + (position < adults % count),
            "children": children // count + (position < children % count),
            "child_ages": [],
        }
        for booking_id, room_type_id, adults, children, count in bookings
        for position in range(count)
    ]
    if rows:
        op.bulk_insert(rooms, rows)


def downgrade() -> None:
    with op.batch_alter_table("pms_sim_booking_rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pms_sim_booking_rooms_room_type_id"))
    op.drop_table("pms_sim_booking_rooms")
