"""Staff use cases (conversations waiting for staff, replies, takeover, handback, dead letters)
and what they show and accept; the HTTP router is web/staff.py, the command cli/staff.py."""
