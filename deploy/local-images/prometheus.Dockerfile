# Stand-in for prom/prometheus from Debian's prometheus package, for hosts that cannot pull
# from a registry (scripts/local-service-images.sh). The compose file passes the flags.
ARG BASE_IMAGE=hotel-agent-base:3.11-bookworm
FROM ${BASE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /prometheus && chown prometheus:prometheus /prometheus
WORKDIR /prometheus
# The package made this user; its uid is whatever Debian gave it.
# hadolint ignore=DL3066
USER prometheus
EXPOSE 9090
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
