"""The conversation application layer: a guest turn from load to commit, replies and the
outbox, handoff and handback, the web chat and delivery statuses — used by the worker, the
staff side and the web chat alike."""
