# Stand-in for the official nginx image from Debian's nginx (1.22), curl for the health check,
# for hosts that cannot pull from a registry (scripts/local-service-images.sh). Its entrypoint
# renders /etc/nginx/templates as the official image does (envsubst, from gettext-base).
ARG BASE_IMAGE=hotel-agent-base:3.11-bookworm
FROM ${BASE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx curl gettext-base \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/*
COPY nginx-entrypoint.sh /usr/local/bin/nginx-entrypoint
EXPOSE 80 443
ENTRYPOINT ["/usr/local/bin/nginx-entrypoint"]
CMD ["nginx", "-g", "daemon off;"]
