"""Migrations go up and down on both databases, and match the ORM models exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from hotel_agent.db import migrate
from hotel_agent.db.base import Base

TABLES = {
    "hotels",
    "guests",
    "guest_identities",
    "conversations",
    "messages",
    "inbox_events",
    "outbox",
    "dead_letters",
    "booking_records",
    "booking_changes",
    "pms_sim_hotels",
    "pms_sim_room_types",
    "pms_sim_weekday_rates",
    "pms_sim_seasons",
    "pms_sim_occupancy",
    "pms_sim_bookings",
    "pms_sim_booking_rooms",
    "staff_users",
    "staff_sessions",
    "staff_audit",
    "staff_seen",
    "faq_answer_edits",
    "conversation_events",
    "canned_replies",
    "scheduled_messages",
    "alembic_version",
}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    engine = create_async_engine(empty_database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == TABLES
            assert await connection.run_sync(_diff) == [], "migrations and models disagree"

        await migrate.downgrade(engine, "base")
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == {"alembic_version"}

        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == TABLES
    finally:
        await engine.dispose()


async def test_booking_rooms_are_filled_in_for_bookings_made_before_them(
    empty_database_url: str,
) -> None:
    """0008: a booking of 2 rooms for 3 adults and a child becomes rooms of 2+1 and 1+0."""
    engine = create_async_engine(empty_database_url)
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    try:
        await migrate.upgrade(engine, "0007")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO pms_sim_hotels (id, code, name, check_in_time, check_out_time,"
                    " currency, timezone, tax_rate, created_at) VALUES (1, 'h', 'Hotel',"
                    " '14:00', '11:00', 'EUR', 'Europe/Madrid', 0.1, :now)"
                ),
                {"now": now},
            )
            await connection.execute(
                text(
                    "INSERT INTO pms_sim_room_types (id, hotel_id, code, position, names,"
                    " descriptions, amenities, max_adults, max_children, max_guests, base_rate,"
                    " inventory) VALUES (7, 1, 'DBL', 0, '{}', '{}', '[]', 2, 1, 3, 100, 5)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO pms_sim_bookings (id, reference, status, room_type_id, check_in,"
                    " check_out, adults, children, rooms, guest_name, guest_email, email_key,"
                    " total_price, currency, idempotency_key, request_digest, created_at,"
                    " updated_at) VALUES (1, 'HS-AAAAAA', 'confirmed', 7, '2027-01-10',"
                    " '2027-01-12', 3, 1, 2, 'Ana', 'a@example.com', 'a@example.com', 440,"
                    " 'EUR', 'k', 'd', :now, :now)"
                ),
                {"now": now},
            )
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            rooms = await connection.execute(
                text(
                    "SELECT position, room_type_id, adults, children FROM pms_sim_booking_rooms"
                    " WHERE booking_id = 1 ORDER BY position"
                )
            )
            assert [tuple(room) for room in rooms] == [(0, 7, 2, 1), (1, 7, 1, 0)]
        await migrate.downgrade(engine, "0007")
        async with engine.connect() as connection:
            assert "pms_sim_booking_rooms" not in await connection.run_sync(_tables)
    finally:
        await engine.dispose()


async def test_what_the_desk_had_seen_becomes_each_members(empty_database_url: str) -> None:
    """0015: the conversation's desk-wide "seen up to" becomes every existing member's, so
    nobody's inbox lights up with old messages; a downgrade keeps the furthest any saw."""
    engine = create_async_engine(empty_database_url)
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    try:
        await migrate.upgrade(engine, "0013")
        async with engine.begin() as connection:
            for statement in (
                "INSERT INTO hotels (id, slug, name, timezone, default_language,"
                " knowledge_version, created_at) VALUES (1, 'h', 'Hotel', 'UTC', 'es', 0, :now)",
                "INSERT INTO guests (id, hotel_id, created_at) VALUES (1, 1, :now)",
                "INSERT INTO guest_identities (id, hotel_id, guest_id, channel, external_id,"
                " created_at) VALUES (1, 1, 1, 'webchat', 'w1', :now)",
                "INSERT INTO conversations (id, hotel_id, guest_id, identity_id, channel, owner,"
                " state, staff_seen_message_id, created_at, updated_at) VALUES (1, 1, 1, 1,"
                " 'webchat', 'bot', '{}', 5, :now, :now)",
                "INSERT INTO staff_users (id, username, password_hash, role, failed_logins,"
                " created_at, updated_at) VALUES (1, 'marta', 'x', 'staff', 0, :now, :now),"
                " (2, 'pablo', 'x', 'admin', 0, :now, :now)",
            ):
                await connection.execute(text(statement), {"now": now})
        await migrate.upgrade(engine)
        async with engine.begin() as connection:
            seen = await connection.execute(
                text("SELECT user_id, conversation_id, message_id FROM staff_seen ORDER BY 1")
            )
            assert [tuple(row) for row in seen] == [(1, 1, 5), (2, 1, 5)]
            await connection.execute(text("UPDATE staff_seen SET message_id = 9 WHERE user_id = 2"))
        await migrate.downgrade(engine, "0014")
        async with engine.connect() as connection:
            kept = await connection.scalar(text("SELECT staff_seen_message_id FROM conversations"))
            assert kept == 9
    finally:
        await engine.dispose()


async def test_each_conversation_learns_its_latest_message(empty_database_url: str) -> None:
    """0016: a conversation's latest message id is filled in from its transcript (0 for one
    without a message), and the downgrade takes the column and the inbox's indexes away."""
    engine = create_async_engine(empty_database_url)
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    try:
        await migrate.upgrade(engine, "0015")
        async with engine.begin() as connection:
            for statement in (
                "INSERT INTO hotels (id, slug, name, timezone, default_language,"
                " knowledge_version, created_at) VALUES (1, 'h', 'Hotel', 'UTC', 'es', 0, :now)",
                "INSERT INTO guests (id, hotel_id, created_at) VALUES (1, 1, :now), (2, 1, :now),"
                " (3, 1, :now)",
                "INSERT INTO guest_identities (id, hotel_id, guest_id, channel, external_id,"
                " created_at) VALUES (1, 1, 1, 'webchat', 'w1', :now),"
                " (2, 1, 2, 'webchat', 'w2', :now), (3, 1, 3, 'webchat', 'w3', :now)",
                "INSERT INTO conversations (id, hotel_id, guest_id, identity_id, channel, owner,"
                " state, created_at, updated_at) VALUES (1, 1, 1, 1, 'webchat', 'bot', '{}',"
                " :now, :now), (2, 1, 2, 2, 'webchat', 'bot', '{}', :now, :now),"
                " (3, 1, 3, 3, 'webchat', 'bot', '{}', :now, :now)",
                # Interleaved: conversation 1's latest is 12, conversation 2's 11, 3 has none.
                "INSERT INTO messages (id, conversation_id, direction, channel, type, body,"
                " payload, status, status_rank, author, created_at) VALUES"
                " (10, 1, 'in', 'webchat', 'text', 'a', '{}', 'received', 0, 'guest', :now),"
                " (11, 2, 'in', 'webchat', 'text', 'b', '{}', 'received', 0, 'guest', :now),"
                " (12, 1, 'out', 'webchat', 'text', 'c', '{}', 'sent', 1, 'bot', :now)",
            ):
                await connection.execute(text(statement), {"now": now})
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            latest = await connection.execute(
                text("SELECT id, last_message_id FROM conversations ORDER BY id")
            )
            assert [tuple(row) for row in latest] == [(1, 12), (2, 11), (3, 0)]
            indexes = await connection.run_sync(
                lambda c: {i["name"] for i in inspect(c).get_indexes("conversations")}
            )
            assert "ix_conversations_hotel_id_last_message_id_id" in indexes
        await migrate.downgrade(engine, "0015")
        async with engine.connect() as connection:
            columns = await connection.run_sync(
                lambda c: {col["name"] for col in inspect(c).get_columns("conversations")}
            )
            indexes = await connection.run_sync(
                lambda c: {i["name"] for i in inspect(c).get_indexes("conversations")}
            )
            assert "last_message_id" not in columns
            assert {"ix_conversations_owner", "ix_conversations_hotel_id"} <= indexes
            assert not any("last_message_id" in name for name in indexes)
    finally:
        await engine.dispose()
