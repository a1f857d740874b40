"""staff accounts, console sessions and the audit of staff actions; a conversation's assignee

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _when(name: str, *, nullable: bool) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        _when("disabled_at", nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        _when("locked_until", nullable=True),
        _when("last_login_at", nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_table(
        "staff_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("detail", _json(), nullable=False),
        _when("created_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_audit_user_id_staff_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_audit")),
    )
    with op.batch_alter_table("staff_audit") as batch_op:
        batch_op.create_index("ix_staff_audit_conversation_id", ["conversation_id"])
        batch_op.create_index("ix_staff_audit_created_at", ["created_at"])
        batch_op.create_index("ix_staff_audit_user_id", ["user_id"])
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        _when("created_at", nullable=False),
        _when("expires_at", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_users.id"],
            name=op.f("fk_staff_sessions_user_id_staff_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_sessions")),
    )
    with op.batch_alter_table("staff_sessions") as batch_op:
        batch_op.create_index("ix_staff_sessions_expires_at", ["expires_at"])
        batch_op.create_index("ix_staff_sessions_user_id", ["user_id"])
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_conversations_assignee_id_staff_users",
            "staff_users",
            ["assignee_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_constraint("fk_conversations_assignee_id_staff_users", type_="foreignkey")
        batch_op.drop_column("assignee_id")
    with op.batch_alter_table("staff_sessions") as batch_op:
        batch_op.drop_index("ix_staff_sessions_user_id")
        batch_op.drop_index("ix_staff_sessions_expires_at")
    op.drop_table("staff_sessions")
    with op.batch_alter_table("staff_audit") as batch_op:
        batch_op.drop_index("ix_staff_audit_user_id")
        batch_op.drop_index("ix_staff_audit_created_at")
        batch_op.drop_index("ix_staff_audit_conversation_id")
    op.drop_table("staff_audit")
    op.drop_table("staff_users")
