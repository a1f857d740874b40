"""Persistence: async engine and sessions, ORM models, repositories and migrations."""
