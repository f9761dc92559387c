"""The ALB, its listeners, listener rules and target groups match the architecture."""

from __future__ import annotations

import re

import pytest
from conftest import Module, block, ref

MAIN_TG = ref("aws_lb_target_group.main", "arn")
HEALTH_TG = ref("aws_lb_target_group.health", "arn")

# What browsers put in the Connection header of a WebSocket handshake.
BROWSER_UPGRADE_FORMS = [
    "Upgrade",  # Chrome, Safari, curl
    "upgrade",
    "UPGRADE",
    "keep-alive, Upgrade",  # Firefox
    "Upgrade, keep-alive",
    "keep-alive,Upgrade",
    "Keep-Alive, upgrade",
]
NOT_UPGRADES = ["keep-alive", "Keep-Alive", "close", ""]


def alb_header_matches(pattern: str, value: str) -> bool:
    """Mirror ALB http-header matching: whole value, case-insensitive, `*` any run, `?` one char."""
    translated = "".join(
        ".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern
    )
    return re.fullmatch(translated, value, flags=re.IGNORECASE | re.DOTALL) is not None


def rules_by_priority(tf: Module) -> dict[int, dict]:
    rules = tf.resources.get("aws_lb_listener_rule", {})
    return {rule["priority"]: rule for rule in rules.values()}


def conditions(rule: dict) -> dict[str, dict]:
    """A rule's conditions keyed by kind (path_pattern, http_header, ...)."""
    out: dict[str, dict] = {}
    for condition in rule.get("condition", []):
        for kind, bodies in condition.items():
            assert kind not in out, f"two {kind} conditions in one rule"
            out[kind] = bodies[0]
    return out


def forward_target(rule_or_listener: dict, action_key: str = "action") -> str:
    action = block(rule_or_listener, action_key)
    assert action["type"] == "forward"
    return action["target_group_arn"]


def test_alb_is_internet_facing_application_lb_in_public_subnets(tf: Module) -> None:
    alb = tf.resource("aws_lb", "app")
    assert alb["load_balancer_type"] == "application"
    assert alb["internal"] is False
    assert alb["subnets"] == "${var.public_subnet_ids}"
    assert alb["security_groups"] == [ref("aws_security_group.alb")]
    assert alb["drop_invalid_header_fields"] is True
    # IPv6 clients reach the ALB by default; the ::/0 listener rules exist for them.
    assert tf.resolve(alb["ip_address_type"]) == "dualstack"


def test_idle_timeout_sits_between_daphne_ping_and_nginx_read_timeout(tf: Module) -> None:
    idle = tf.resolve(tf.resource("aws_lb", "app")["idle_timeout"])
    assert idle == 120
    assert 20 < idle < 180


def test_http_listener_redirects_to_https_with_301(tf: Module) -> None:
    listener = tf.resource("aws_lb_listener", "http")
    assert listener["port"] == 80
    assert listener["protocol"] == "HTTP"
    action = block(listener, "default_action")
    assert action["type"] == "redirect"
    redirect = block(action, "redirect")
    assert redirect["protocol"] == "HTTPS"
    assert str(redirect["port"]) == "443"
    assert redirect["status_code"] == "HTTP_301"


def test_https_listener_terminates_tls_with_given_certificate_and_modern_policy(
    tf: Module,
) -> None:
    listener = tf.resource("aws_lb_listener", "https")
    assert listener["port"] == 443
    assert listener["protocol"] == "HTTPS"
    assert listener["certificate_arn"] == "${var.certificate_arn}"
    assert "default" not in tf.variables["certificate_arn"]
    policy = tf.resolve(listener["ssl_policy"])
    assert policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert forward_target(listener, "default_action") == MAIN_TG


def test_https_listener_has_exactly_the_three_rules(tf: Module) -> None:
    rules = tf.resources.get("aws_lb_listener_rule", {})
    assert sorted(rule["priority"] for rule in rules.values()) == [100, 200, 300]
    for rule in rules.values():
        assert rule["listener_arn"] == ref("aws_lb_listener.https", "arn")


def test_rule_100_sends_websocket_upgrades_on_ws_path_to_main_group(tf: Module) -> None:
    rule = rules_by_priority(tf)[100]
    conds = conditions(rule)
    assert set(conds) == {"path_pattern", "http_header"}
    assert conds["path_pattern"]["values"] == ["/ws/*"]
    assert conds["http_header"]["http_header_name"].lower() == "connection"
    assert forward_target(rule) == MAIN_TG


@pytest.mark.parametrize("header", BROWSER_UPGRADE_FORMS)
def test_connection_condition_matches_every_browser_upgrade_form(tf: Module, header: str) -> None:
    values = conditions(rules_by_priority(tf)[100])["http_header"]["values"]
    assert any(alb_header_matches(pattern, header) for pattern in values), (values, header)


@pytest.mark.parametrize("header", NOT_UPGRADES)
def test_connection_condition_rejects_headers_without_upgrade(tf: Module, header: str) -> None:
    values = conditions(rules_by_priority(tf)[100])["http_header"]["values"]
    assert not any(alb_header_matches(pattern, header) for pattern in values), (values, header)


def test_header_matcher_mirrors_alb_whole_value_semantics() -> None:
    # A bare "upgrade" would miss Firefox: ALB compares the whole value, not a substring.
    assert alb_header_matches("upgrade", "Upgrade")
    assert not alb_header_matches("upgrade", "keep-alive, Upgrade")
    assert alb_header_matches("*upgrade*", "keep-alive, Upgrade")
    assert alb_header_matches("up?rade", "UPGRADE")
    assert not alb_header_matches("up?rade", "upgrde")


def test_rule_200_sends_health_paths_to_daphne_group(tf: Module) -> None:
    rule = rules_by_priority(tf)[200]
    assert conditions(rule) == {"path_pattern": {"values": ["/health/*"]}}
    assert forward_target(rule) == HEALTH_TG


def test_rule_300_sends_everything_else_to_main_group(tf: Module) -> None:
    rule = rules_by_priority(tf)[300]
    assert conditions(rule) == {"path_pattern": {"values": ["/*"]}}
    assert forward_target(rule) == MAIN_TG


def test_main_group_targets_nginx_and_health_group_targets_daphne(tf: Module) -> None:
    main = tf.resource("aws_lb_target_group", "main")
    health = tf.resource("aws_lb_target_group", "health")
    assert (tf.resolve(main["port"]), main["protocol"]) == (80, "HTTP")
    assert (tf.resolve(health["port"]), health["protocol"]) == (8000, "HTTP")
    assert main["vpc_id"] == health["vpc_id"] == "${var.vpc_id}"


def test_main_group_is_sticky_with_a_one_day_lb_cookie(tf: Module) -> None:
    stickiness = block(tf.resource("aws_lb_target_group", "main"), "stickiness")
    assert stickiness["enabled"] is True
    assert stickiness["type"] == "lb_cookie"
    assert stickiness["cookie_duration"] == 86400


@pytest.mark.parametrize("group", ["main", "health"])
def test_health_check_numbers(tf: Module, group: str) -> None:
    check = block(tf.resource("aws_lb_target_group", group), "health_check")
    assert check["enabled"] is True
    assert check["path"] == "/health/"
    assert check["interval"] == 30
    assert check["timeout"] == 5
    assert check["healthy_threshold"] == 2
    assert check["unhealthy_threshold"] == 2
    assert check["matcher"] == "200"
    assert check.get("port", "traffic-port") == "traffic-port"


@pytest.mark.parametrize("group", ["main", "health"])
def test_deregistration_delay_is_short_for_long_lived_sockets(tf: Module, group: str) -> None:
    delay = tf.resolve(tf.resource("aws_lb_target_group", group)["deregistration_delay"])
    # The AWS default (300 s) only delays a socket's inevitable reconnect.
    assert 0 < delay < 300
