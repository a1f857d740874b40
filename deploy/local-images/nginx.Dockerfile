# Stand-in for the official nginx image from Debian's nginx (1.22), curl for the health check,
# for hosts that cannot pull from a registry (scripts/local-service-images.sh).
ARG BASE_IMAGE=hotel-agent-base:3.11-bookworm
FROM ${BASE_IMAGE}
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx curl \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/*
EXPOSE 80 443
CMD ["nginx", "-g", "daemon off;"]
