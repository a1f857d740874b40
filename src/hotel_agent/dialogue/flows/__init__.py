"""The conversations the agent carries to the end: booking, change, cancel, status, FAQ."""
