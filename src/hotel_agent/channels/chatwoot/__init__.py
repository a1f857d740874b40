"""Chatwoot connector: the agent as a Chatwoot Agent Bot (webhook events in, REST API out)."""
