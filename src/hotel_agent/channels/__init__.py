"""Channels: the neutral message envelope and one adapter per messaging vendor."""
