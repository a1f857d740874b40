from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hotel_agent.db.base import Base
from hotel_agent.db.types import UTCDateTime, utcnow


class Hotel(Base):
    __tablename__ = "hotels"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    default_language: Mapped[str] = mapped_column(String(8), default="es")
    # The WhatsApp number that receives this hotel's guests (`metadata.phone_number_id`).
    whatsapp_phone_number_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Moves on every edit of the hotel's FAQ answers in the console: each turn reads it with
    # the hotel and reloads the answers only when it moved (serve and worker processes alike).
    knowledge_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
