"""Fake external services for tests and benchmarks, reached over real HTTP."""
