"""The optional language model: a port, and its OpenAI-compatible adapter (off by default)."""
