"""The staff console at /staff/: server-rendered pages (Jinja2), a little vendored JS."""
