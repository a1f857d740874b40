"""HTTP interface: routers, request dependencies, error mapping, middleware."""
