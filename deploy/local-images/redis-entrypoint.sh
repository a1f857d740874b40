#!/bin/sh
# As the official redis image: protected mode off, so that the stack's other containers can
# connect (Redis publishes no port).
if [ "${1:-}" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
