"""The console's words in Spanish and English, and which language a request gets."""

from __future__ import annotations

from fastapi import Request

LANGUAGES = ("es", "en")
LANG_COOKIE = "staff_lang"

_TEXT: dict[str, dict[str, str]] = {
    "console": {"es": "Consola de recepción", "en": "Front desk console"},
    "sign_in": {"es": "Entrar", "en": "Sign in"},
    "username": {"es": "Usuario", "en": "Username"},
    "password": {"es": "Contraseña", "en": "Password"},
    "wrong_login": {
        "es": "Usuario o contraseña incorrectos.",
        "en": "Wrong username or password.",
    },
    "too_many_attempts": {
        "es": "Demasiados intentos desde esta dirección; espera un momento.",
        "en": "Too many attempts from this address; please wait a moment.",
    },
    "expired_form": {
        "es": "El formulario había caducado; inténtalo de nuevo.",
        "en": "The form had expired; please try again.",
    },
    "sign_out": {"es": "Salir", "en": "Sign out"},
    "inbox": {"es": "Bandeja", "en": "Inbox"},
    "waiting": {"es": "Esperan a recepción", "en": "Waiting for staff"},
    "bot": {"es": "Con el bot", "en": "With the bot"},
    "all": {"es": "Todas", "en": "All"},
    "all_channels": {"es": "Todos los canales", "en": "All channels"},
    "webchat": {"es": "Chat web", "en": "Web chat"},
    "whatsapp": {"es": "WhatsApp", "en": "WhatsApp"},
    "filter": {"es": "Filtrar", "en": "Filter"},
    "none_waiting": {
        "es": "Ninguna conversación espera a recepción.",
        "en": "No conversation is waiting for staff.",
    },
    "none": {"es": "No hay conversaciones.", "en": "No conversations."},
    "guest": {"es": "Huésped", "en": "Guest"},
    "owner_bot": {"es": "Bot", "en": "Bot"},
    "owner_staff": {"es": "Recepción", "en": "Staff"},
    "unassigned": {"es": "sin asignar", "en": "unassigned"},
    "reason": {"es": "Motivo", "en": "Reason"},
    "no_messages": {"es": "Sin mensajes todavía.", "en": "No messages yet."},
    "back": {"es": "Volver a la bandeja", "en": "Back to the inbox"},
    "take_over": {"es": "Atender yo", "en": "Take over"},
    "hand_back": {"es": "Devolver al bot", "en": "Hand back to the bot"},
    "reply": {"es": "Enviar", "en": "Send"},
    "reply_label": {"es": "Respuesta al huésped", "en": "Reply to the guest"},
    "answered_by_bot": {
        "es": "Responde el bot. Al atender o escribir, el bot deja de responder.",
        "en": "The bot is answering. Taking over or replying stops the bot.",
    },
    "answered_by_staff": {
        "es": "Responde recepción ({who}). El bot no contesta hasta que se le devuelva.",
        "en": "Staff are answering ({who}). The bot stays silent until handed back.",
    },
    "window_closed": {
        "es": "El huésped escribió hace más de {hours:g} h. {channel} solo entrega mensajes "
        "libres durante {hours:g} h tras el último mensaje del huésped, y no hay ninguna "
        "plantilla aprobada configurada: hay que esperar a que el huésped vuelva a escribir.",
        "en": "The guest last wrote more than {hours:g} h ago. {channel} only delivers "
        "free-form messages within {hours:g} h of the guest's last message, and no approved "
        "template is configured: the guest has to write again first.",
    },
    "channel_missing": {
        "es": "El canal {channel} no está configurado aquí: no se puede entregar la respuesta.",
        "en": "The {channel} channel is not configured here: a reply cannot be delivered.",
    },
    "taken_by_colleague": {
        "es": "Otra persona de recepción ya atiende esta conversación.",
        "en": "A colleague is already answering this conversation.",
    },
    "already_bot": {
        "es": "El bot ya responde esta conversación.",
        "en": "The bot already answers this conversation.",
    },
    "undeliverable": {
        "es": "No se ha enviado: la respuesta no se puede entregar ahora (ver arriba).",
        "en": "Not sent: the reply cannot be delivered now (see above).",
    },
    "empty_reply": {"es": "La respuesta está vacía.", "en": "The reply is empty."},
    "history": {"es": "Acciones de recepción", "en": "Staff actions"},
    "act_take_over": {"es": "atendió", "en": "took over"},
    "act_reply": {"es": "respondió", "en": "replied"},
    "act_hand_back": {"es": "devolvió al bot", "en": "handed back to the bot"},
    "status_received": {"es": "recibido", "en": "received"},
    "status_queued": {"es": "en cola", "en": "queued"},
    "status_sent": {"es": "enviado", "en": "sent"},
    "status_delivered": {"es": "entregado", "en": "delivered"},
    "status_read": {"es": "leído", "en": "read"},
    "status_failed": {"es": "fallido", "en": "failed"},
    "status_dead": {"es": "no enviado", "en": "not sent"},
    "author_guest": {"es": "Huésped", "en": "Guest"},
    "author_bot": {"es": "Bot", "en": "Bot"},
    "author_staff": {"es": "Recepción", "en": "Staff"},
    # Why the conversation is staff's (the dialogue's handoff reasons, and a staff takeover).
    "reason_requested": {"es": "pidió una persona", "en": "asked for a person"},
    "reason_complaint": {"es": "queja", "en": "complaint"},
    "reason_misunderstood": {"es": "el bot no entendía", "en": "the bot did not understand"},
    "reason_pms_unavailable": {"es": "PMS no disponible", "en": "PMS unavailable"},
    "reason_booking_outcome_unknown": {
        "es": "reserva sin confirmar en el PMS",
        "en": "booking not confirmed by the PMS",
    },
    "reason_cancel_outcome_unknown": {
        "es": "cancelación sin confirmar en el PMS",
        "en": "cancellation not confirmed by the PMS",
    },
    "reason_modify_outcome_unknown": {
        "es": "cambio sin confirmar en el PMS",
        "en": "change not confirmed by the PMS",
    },
    "reason_staff_takeover": {"es": "atendida por recepción", "en": "taken over by staff"},
    "failed": {"es": "Mensajes fallidos", "en": "Failed messages"},
    "no_failed": {"es": "Ningún envío fallido pendiente.", "en": "No failed send waiting."},
    "resend": {"es": "Reintentar", "en": "Retry"},
    "not_resent": {
        "es": "No se ha reintentado: ya se había reintentado, o ahora no se puede entregar "
        "(canal sin configurar, o ventana de 24 h cerrada).",
        "en": "Not retried: it was retried already, or it cannot be delivered now (channel "
        "not configured, or the 24-hour window closed).",
    },
    "discard": {"es": "Descartar", "en": "Discard"},
    "not_discarded": {
        "es": "No se ha descartado: ya se había reintentado o descartado.",
        "en": "Not discarded: it was retried or discarded already.",
    },
    "act_discard": {"es": "descartó un envío fallido", "en": "discarded a failed send"},
    "kind_email": {"es": "correo al huésped", "en": "e-mail to the guest"},
    "email_to": {"es": "Para", "en": "To"},
    "email_subject": {"es": "Asunto", "en": "Subject"},
    "conversation": {"es": "Conversación", "en": "Conversation"},
    "kind_message": {"es": "mensaje al huésped", "en": "message to the guest"},
    "kind_alert": {"es": "aviso a recepción", "en": "alert to staff"},
    "kind_mark_read": {"es": "confirmación de lectura", "en": "read receipt"},
    "act_resend": {"es": "reintentó un envío fallido", "en": "retried a failed send"},
    "bookings": {"es": "Reservas del huésped", "en": "The guest's bookings"},
    "stay": {"es": "{check_in} → {check_out}", "en": "{check_in} → {check_out}"},
    "party": {
        "es": "adultos: {adults}, niños: {children}, habitaciones: {rooms}",
        "en": "adults: {adults}, children: {children}, rooms: {rooms}",
    },
    "booking_pending": {"es": "pendiente", "en": "pending"},
    "booking_confirmed": {"es": "confirmada", "en": "confirmed"},
    "booking_cancelled": {"es": "cancelada", "en": "cancelled"},
    "booking_failed": {"es": "rechazada por el PMS", "en": "refused by the PMS"},
    "booking_unknown": {"es": "sin confirmar en el PMS", "en": "not confirmed by the PMS"},
    "agent_bookings": {"es": "Reservas del agente", "en": "Agent's bookings"},
    "stays_from": {"es": "Estancias desde", "en": "Stays from"},
    "stays_to": {"es": "hasta", "en": "to"},
    "bad_date": {
        "es": "Fecha no válida (AAAA-MM-DD): se ha ignorado.",
        "en": "Not a date (YYYY-MM-DD): ignored.",
    },
    "no_bookings": {
        "es": "El agente no ha hecho reservas en estas fechas.",
        "en": "The agent made no bookings for these dates.",
    },
    "agent_record": {"es": "Registro del agente", "en": "Agent's record"},
    "in_pms": {"es": "En el PMS", "en": "In the PMS"},
    "live_confirmed": {"es": "confirmada", "en": "confirmed"},
    "live_cancelled": {"es": "cancelada", "en": "cancelled"},
    "live_completed": {"es": "completada", "en": "completed"},
    "live_not_in_pms": {"es": "no está en el PMS", "en": "not in the PMS"},
    "live_not_booked": {"es": "—", "en": "—"},
    "live_unreachable": {"es": "PMS inaccesible", "en": "PMS unreachable"},
    "pms_unreachable_note": {
        "es": "PMS inaccesible: el estado actual de las reservas no se puede consultar ahora; "
        "se muestra el registro del agente.",
        "en": "PMS unreachable: the bookings' current status cannot be read now; the agent's "
        "own record is shown.",
    },
    "health": {"es": "Estado del servicio", "en": "Service health"},
    "health_ok": {"es": "Todo responde.", "en": "Everything answers."},
    "health_fail": {"es": "No responde: {names}.", "en": "Not answering: {names}."},
    "check_database": {"es": "Base de datos", "en": "Database"},
    "check_redis": {"es": "Redis", "en": "Redis"},
    "check_pms": {"es": "PMS", "en": "PMS"},
    "check_dialogue": {"es": "Modelos de comprensión", "en": "Understanding models"},
    "check_ok": {"es": "bien", "en": "ok"},
    "check_fail": {"es": "falla", "en": "failing"},
    "pms_breaker": {"es": "Cortacircuitos del PMS", "en": "PMS circuit breaker"},
    "breaker_closed": {"es": "cerrado (llamadas normales)", "en": "closed (calls go through)"},
    "breaker_half_open": {"es": "semiabierto (probando)", "en": "half open (probing)"},
    "breaker_open": {
        "es": "abierto (el PMS falla; no se le llama por ahora)",
        "en": "open (the PMS fails; not called for now)",
    },
    "queues": {"es": "Colas", "en": "Queues"},
    "queue_depth": {"es": "En espera", "en": "Waiting"},
    "queue_oldest": {"es": "El más antiguo espera", "en": "Oldest waiting for"},
    "queue_inbox": {"es": "Mensajes de huéspedes", "en": "Guests' messages"},
    "queue_outbox": {"es": "Envíos", "en": "Sends"},
    "queues_unknown": {
        "es": "Las colas no se pueden leer: la base de datos no responde.",
        "en": "The queues cannot be read: the database does not answer.",
    },
    "unread": {"es": "{count} sin leer", "en": "{count} unread"},
    "audit": {"es": "Registro de acciones", "en": "Audit log"},
    "no_audit": {"es": "Nada registrado todavía.", "en": "Nothing recorded yet."},
    "when": {"es": "Cuándo", "en": "When"},
    "who": {"es": "Quién", "en": "Who"},
    "what": {"es": "Qué", "en": "What"},
    "act_login": {"es": "entró", "en": "signed in"},
    "act_logout": {"es": "salió", "en": "signed out"},
    "act_login_failed": {"es": "contraseña incorrecta", "en": "wrong password"},
    "forbidden_title": {"es": "Sin permiso", "en": "Not allowed"},
    "admins_only": {
        "es": "Solo la administración puede ver esta página.",
        "en": "Only administrators can see this page.",
    },
    "signed_in_as": {"es": "Sesión de {who}", "en": "Signed in as {who}"},
}


def choose_language(request: Request, default: str) -> str:
    """?lang= (remembered in a cookie), else the cookie, else the browser's first of es/en."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "en"


class Text:
    """`t("key", name=value)` in the templates: the phrase in the page's language."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **values: object) -> str:
        phrase = _TEXT[key][self.language]
        return phrase.format(**values) if values else phrase

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(_TEXT)

    def reason(self, code: str) -> str:
        """A handoff reason in words; a reason without words yet is shown as its code."""
        return self(f"reason_{code}") if f"reason_{code}" in _TEXT else code
