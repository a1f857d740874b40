"""Guests' personal data (GDPR): export what is held about a guest, forget a guest, and the
retention job that removes old transcripts and handled raw payloads. docs/privacy.md."""
