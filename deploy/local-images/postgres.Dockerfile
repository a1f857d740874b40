# Stand-in for the official postgres image from Debian's PostgreSQL 15, for hosts that cannot
# pull from a registry (scripts/local-service-images.sh). Not for production: use the
# official image there (the compose file's default).
ARG BASE_IMAGE=hotel-agent-base:3.11-bookworm
FROM ${BASE_IMAGE}
ENV PGDATA=/var/lib/postgresql/data \
    PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# No cluster from the package: the entrypoint makes one in PGDATA on the first start.
# hadolint ignore=DL3008
RUN mkdir -p /etc/postgresql-common \
 && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p "$PGDATA" /var/run/postgresql \
 && chown postgres:postgres "$PGDATA" /var/run/postgresql \
 && chmod 700 "$PGDATA"
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
# The package made this user; its uid is whatever Debian gave it.
# hadolint ignore=DL3066
USER postgres
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]
