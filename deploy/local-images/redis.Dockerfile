# Stand-in for the official redis image from Debian's redis-server (7.0), for hosts that cannot
# pull from a registry (scripts/local-service-images.sh).
ARG BASE_IMAGE=hotel-agent-base:3.11-bookworm
FROM ${BASE_IMAGE}
# The official image turns protected mode off (other containers connect; no port is
# published): so does this entrypoint, for the compose file's `redis-server …` command.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
COPY redis-entrypoint.sh /usr/local/bin/redis-entrypoint
WORKDIR /data
# The package made this user; its uid is whatever Debian gave it.
# hadolint ignore=DL3066
USER redis
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]
CMD ["redis-server"]
