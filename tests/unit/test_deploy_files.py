"""The monitoring files in deploy/ query metrics the agent really exports, and the Grafana
dashboard is one the provisioning can load (promtool, amtool and the compose check run in
`make validate-stack`; this test needs none of them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import hotel_agent.observability.metrics  # noqa: F401  (registers the agent's metrics)

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "hotel-agent.json"
METRIC = re.compile(r"\b(hotel_agent_[a-z_]+)")


def exported_series() -> set[str]:
    """Every series name the agent's /metrics can show."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("hotel_agent_")
        for suffix in suffixes.get(family.type, ("",))
    }


def dashboard_exprs() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


def alert_exprs() -> list[str]:
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]


@pytest.mark.parametrize("source", ["dashboard", "alerts"])
def test_queries_use_metrics_the_agent_exports(source: str) -> None:
    exprs = dashboard_exprs() if source == "dashboard" else alert_exprs()
    used = {name for expr in exprs for name in METRIC.findall(expr)}
    assert len(used) >= 6, "the walk found the queries"
    assert sorted(used - exported_series()) == []


def test_the_dashboard_covers_the_operations_questions() -> None:
    exprs = "\n".join(dashboard_exprs())
    for series in (
        "hotel_agent_inbound_messages_total",
        "hotel_agent_outbound_messages_total",
        "hotel_agent_http_request_duration_seconds_bucket",
        "hotel_agent_queue_depth",
        "hotel_agent_queue_oldest_age_seconds",
        "hotel_agent_dead_letters_total",
        "hotel_agent_pms_breaker_state",
        'operation="create_booking"',
        "hotel_agent_handoffs_total",
    ):
        assert series in exprs


def test_the_dashboard_loads_from_the_provisioned_datasource() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    datasources = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )
    uids = {source["uid"] for source in datasources["datasources"]}
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert dashboard["uid"] and dashboard["title"]
    assert len(ids) == len(set(ids)), "panel ids are unique"
    for panel in dashboard["panels"]:
        assert panel["datasource"]["uid"] in uids, panel["title"]
        assert panel["targets"], panel["title"]
        assert {"x", "y", "w", "h"} <= panel["gridPos"].keys()


def test_nginx_never_logs_query_strings() -> None:
    # The web chat session id travels in the polling query string; it is the key to a
    # guest's transcript (docs/security/owasp-api-top10.md, API1).
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    formats = re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", conf)
    logs = re.findall(r"^\s*access_log\s+([^;]+);", conf, re.MULTILINE)
    assert formats and logs
    for _, pattern in formats:
        assert not re.search(r"\$(request|request_uri|args|query_string|arg_\w+)\b", pattern)
    named = {name for name, _ in formats}
    for log in logs:
        parts = log.split()
        assert parts == ["off"] or (len(parts) >= 2 and parts[1] in named), log


@pytest.mark.parametrize(("port", "suffix"), [("443", ""), ("8443", ":8443")])
def test_the_https_redirect_keeps_the_published_port(port: str, suffix: str) -> None:
    # The nginx image renders templates/*.template into conf.d with envsubst at start; the
    # compose file passes the published HTTPS_PORT and mounts the templates.
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    assert "include /etc/nginx/conf.d/https-port.conf;" in conf
    assert re.search(r"return 301 https://\$host\$https_port_suffix\$request_uri;", conf)
    template = (DEPLOY / "nginx" / "templates" / "https-port.conf.template").read_text()
    rendered = template.replace("${HTTPS_PORT}", port)
    entries = dict(re.findall(r'^\s*("[^"]*"|default)\s+"([^"]*)";', rendered, re.MULTILINE))
    source = re.search(r'map\s+"([^"]*)"\s+\$https_port_suffix', rendered)
    assert source
    assert entries.get(f'"{source.group(1)}"', entries["default"]) == suffix
    nginx = yaml.safe_load((DEPLOY / "compose" / "docker-compose.yml").read_text())["services"][
        "nginx"
    ]
    assert nginx["environment"]["HTTPS_PORT"] == "${HTTPS_PORT:-443}"
    assert "../nginx/templates:/etc/nginx/templates:ro" in nginx["volumes"]
    assert "${HTTPS_PORT:-443}:443" in nginx["ports"]


def test_nginx_never_logs_the_chatwoot_webhook_secret() -> None:
    # The Chatwoot bot's webhook secret is its path (docs/chatwoot.md).
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    block = re.search(r"location /webhooks/chatwoot/ \{(.*?)\}", conf, re.DOTALL)
    assert block is not None
    [log] = re.findall(r"access_log\s+\S+\s+(\w+);", block.group(1))
    pattern = re.search(rf"log_format\s+{log}\s+((?:'[^']*'\s*)+);", conf)
    assert pattern is not None and "$uri" not in pattern.group(1)
