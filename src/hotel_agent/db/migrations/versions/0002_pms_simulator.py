"""embedded PMS simulator: hotel, room types, rate rules, nightly occupancy, bookings

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "pms_sim_hotels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("check_in_time", sa.Time(), nullable=False),
        sa.Column("check_out_time", sa.Time(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("tax_rate", sa.Numeric(precision=5, scale=4), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pms_sim_hotels")),
        sa.UniqueConstraint("code", name=op.f("uq_pms_sim_hotels_code")),
    )
    op.create_table(
        "pms_sim_room_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("names", _json(), nullable=False),
        sa.Column("descriptions", _json(), nullable=False),
        sa.Column("amenities", _json(), nullable=False),
        sa.Column("max_adults", sa.Integer(), nullable=False),
        sa.Column("max_children", sa.Integer(), nullable=False),
        sa.Column("max_guests", sa.Integer(), nullable=False),
        sa.Column("base_rate", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("inventory", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hotel_id"],
            ["pms_sim_hotels.id"],
            name=op.f("fk_pms_sim_room_types_hotel_id_pms_sim_hotels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pms_sim_room_types")),
        sa.UniqueConstraint("hotel_id", "code", name=op.f("uq_pms_sim_room_types_hotel_id_code")),
    )
    op.create_table(
        "pms_sim_seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.String(length=5), nullable=False),
        sa.Column("ends_on", sa.String(length=5), nullable=False),
        sa.Column("multiplier", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["hotel_id"],
            ["pms_sim_hotels.id"],
            name=op.f("fk_pms_sim_seasons_hotel_id_pms_sim_hotels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pms_sim_seasons")),
    )
    with op.batch_alter_table("pms_sim_seasons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pms_sim_seasons_hotel_id"), ["hotel_id"], unique=False)

    op.create_table(
        "pms_sim_weekday_rates",
        sa.Column("hotel_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("multiplier", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["hotel_id"],
            ["pms_sim_hotels.id"],
            name=op.f("fk_pms_sim_weekday_rates_hotel_id_pms_sim_hotels"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("hotel_id", "weekday", name=op.f("pk_pms_sim_weekday_rates")),
    )
    op.create_table(
        "pms_sim_bookings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("reference", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("room_type_id", sa.Integer(), nullable=False),
        sa.Column("check_in", sa.Date(), nullable=False),
        sa.Column("check_out", sa.Date(), nullable=False),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.Integer(), nullable=False),
        sa.Column("rooms", sa.Integer(), nullable=False),
        sa.Column("guest_name", sa.String(length=200), nullable=False),
        sa.Column("guest_email", sa.String(length=254), nullable=False),
        sa.Column("guest_phone", sa.String(length=32), nullable=True),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("phone_key", sa.String(length=32), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("total_price", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_type_id"],
            ["pms_sim_room_types.id"],
            name=op.f("fk_pms_sim_bookings_room_type_id_pms_sim_room_types"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pms_sim_bookings")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_pms_sim_bookings_idempotency_key")),
        sa.UniqueConstraint("reference", name=op.f("uq_pms_sim_bookings_reference")),
    )
    with op.batch_alter_table("pms_sim_bookings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pms_sim_bookings_email_key"), ["email_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pms_sim_bookings_phone_key"), ["phone_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pms_sim_bookings_room_type_id"), ["room_type_id"], unique=False
        )

    op.create_table(
        "pms_sim_occupancy",
        sa.Column("room_type_id", sa.Integer(), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint("booked >= 0", name=op.f("ck_pms_sim_occupancy_booked_not_negative")),
        sa.ForeignKeyConstraint(
            ["room_type_id"],
            ["pms_sim_room_types.id"],
            name=op.f("fk_pms_sim_occupancy_room_type_id_pms_sim_room_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("room_type_id", "night", name=op.f("pk_pms_sim_occupancy")),
    )


def downgrade() -> None:
    op.drop_table("pms_sim_occupancy")
    with op.batch_alter_table("pms_sim_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pms_sim_bookings_room_type_id"))
        batch_op.drop_index(batch_op.f("ix_pms_sim_bookings_phone_key"))
        batch_op.drop_index(batch_op.f("ix_pms_sim_bookings_email_key"))

    op.drop_table("pms_sim_bookings")
    op.drop_table("pms_sim_weekday_rates")
    with op.batch_alter_table("pms_sim_seasons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pms_sim_seasons_hotel_id"))

    op.drop_table("pms_sim_seasons")
    op.drop_table("pms_sim_room_types")
    op.drop_table("pms_sim_hotels")
