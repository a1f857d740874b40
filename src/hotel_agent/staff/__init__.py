"""Staff: handoffs from the bot, alerts, the staff API and the `hotel-agent staff` command."""
