"""The agent's bookings: every PMS write made once per idempotency key, and recorded."""
