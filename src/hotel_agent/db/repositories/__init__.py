"""All SQL lives here. Services call repositories; the request/worker boundary commits."""
