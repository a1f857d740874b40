"""All ORM models, imported here so metadata (and Alembic) sees every table."""

from hotel_agent.db.models.booking_change import (
    BookingChange,
    BookingChangeKind,
    BookingChangeStatus,
)
from hotel_agent.db.models.booking_record import BookingRecord, BookingRecordStatus
from hotel_agent.db.models.conversation import Conversation, ConversationOwner
from hotel_agent.db.models.dead_letter import DeadLetter
from hotel_agent.db.models.faq_answer_edit import FaqAnswerEdit
from hotel_agent.db.models.guest import Guest, GuestIdentity
from hotel_agent.db.models.hotel import Hotel
from hotel_agent.db.models.inbox_event import InboxEvent, QueueState
from hotel_agent.db.models.message import STATUS_RANK, DeliveryStatus, Direction, Message
from hotel_agent.db.models.outbox_item import OutboxItem, OutboxKind
from hotel_agent.db.models.scheduled_message import (
    ScheduledKind,
    ScheduledMessage,
    ScheduledStatus,
)
from hotel_agent.db.models.staff_account import (
    StaffAuditEntry,
    StaffRole,
    StaffSeen,
    StaffSession,
    StaffUser,
)

__all__ = [
    "STATUS_RANK",
    "BookingChange",
    "BookingChangeKind",
    "BookingChangeStatus",
    "BookingRecord",
    "BookingRecordStatus",
    "Conversation",
    "ConversationOwner",
    "DeadLetter",
    "DeliveryStatus",
    "Direction",
    "FaqAnswerEdit",
    "Guest",
    "GuestIdentity",
    "Hotel",
    "InboxEvent",
    "Message",
    "OutboxItem",
    "OutboxKind",
    "QueueState",
    "ScheduledKind",
    "ScheduledMessage",
    "ScheduledStatus",
    "StaffAuditEntry",
    "StaffRole",
    "StaffSeen",
    "StaffSession",
    "StaffUser",
]

# The embedded PMS simulator's tables live in its own package; registered here for Alembic.
import hotel_agent.db.models.pms_simulator  # noqa: F401
