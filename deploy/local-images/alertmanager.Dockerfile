# Stand-in for prom/alertmanager from Debian's prometheus-alertmanager package, for hosts that
# cannot pull from a registry (scripts/local-service-images.sh).
ARG BASE_IMAGE=hotel-agent-base:3.11-bookworm
FROM ${BASE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus-alertmanager \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /alertmanager && chown prometheus:prometheus /alertmanager
WORKDIR /alertmanager
# The package made this user; its uid is whatever Debian gave it.
# hadolint ignore=DL3066
USER prometheus
EXPOSE 9093
ENTRYPOINT ["/usr/bin/prometheus-alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
