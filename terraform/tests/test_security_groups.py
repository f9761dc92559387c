"""Security groups admit exactly what the architecture says, and nothing else."""

from __future__ import annotations

from typing import Any

from conftest import Module, ref

ALB_SG = ref("aws_security_group.alb")
APP_SG = ref("aws_security_group.app")
ANYWHERE = {"0.0.0.0/0", "::/0"}


def rule_set(tf: Module, kind: str, security_group: str) -> set[tuple[Any, ...]]:
    """(protocol, from, to, peer) for every rule of `kind` attached to `security_group`."""
    rules = tf.resources.get(f"aws_vpc_security_group_{kind}_rule", {})
    out = set()
    for rule in rules.values():
        if rule["security_group_id"] != security_group:
            continue
        peers = [
            rule.get(key)
            for key in ("cidr_ipv4", "cidr_ipv6", "referenced_security_group_id", "prefix_list_id")
            if rule.get(key) is not None
        ]
        peer = peers[0] if len(peers) == 1 else tuple(peers)
        out.add(
            (
                rule["ip_protocol"],
                tf.resolve(rule.get("from_port")),
                tf.resolve(rule.get("to_port")),
                peer,
            )
        )
    return out


def test_rules_are_separate_resources_not_inline_blocks(tf: Module) -> None:
    for name, group in tf.resources["aws_security_group"].items():
        assert "ingress" not in group, name
        assert "egress" not in group, name
    assert "aws_security_group_rule" not in tf.resources


def test_every_rule_says_why_it_exists(tf: Module) -> None:
    for kind in ("ingress", "egress"):
        for name, rule in tf.resources[f"aws_vpc_security_group_{kind}_rule"].items():
            assert rule.get("description"), f"{kind} rule {name} has no description"


def test_alb_accepts_http_and_https_from_anywhere_on_ipv4_and_ipv6(tf: Module) -> None:
    assert rule_set(tf, "ingress", ALB_SG) == {
        ("tcp", 80, 80, "0.0.0.0/0"),
        ("tcp", 80, 80, "::/0"),
        ("tcp", 443, 443, "0.0.0.0/0"),
        ("tcp", 443, 443, "::/0"),
    }


def test_alb_talks_only_to_instances_on_nginx_and_daphne_ports(tf: Module) -> None:
    assert rule_set(tf, "egress", ALB_SG) == {
        ("tcp", 80, 80, APP_SG),
        ("tcp", 8000, 8000, APP_SG),
    }


def test_instances_accept_web_ports_from_alb_only_and_ssh_from_admins_only(tf: Module) -> None:
    assert rule_set(tf, "ingress", APP_SG) == {
        ("tcp", 80, 80, ALB_SG),
        ("tcp", 8000, 8000, ALB_SG),
        (
            "tcp",
            22,
            22,
            (
                '${strcontains(each.value, ":") ? null : each.value}',
                '${strcontains(each.value, ":") ? each.value : null}',
            ),
        ),
    }


def test_ssh_rule_exists_once_per_admin_cidr_and_not_at_all_without_any(tf: Module) -> None:
    ssh = tf.resource("aws_vpc_security_group_ingress_rule", "app_ssh_from_admins")
    assert ssh["for_each"] == "${toset(var.admin_cidrs)}"
    assert tf.variables["admin_cidrs"]["default"] == []
    # Nothing else in the module opens 22.
    for kind in ("ingress", "egress"):
        for name, rule in tf.resources[f"aws_vpc_security_group_{kind}_rule"].items():
            if name != "app_ssh_from_admins":
                assert tf.resolve(rule.get("from_port")) != 22, name


def test_no_ingress_from_anywhere_except_the_alb_listeners(tf: Module) -> None:
    for name, rule in tf.resources["aws_vpc_security_group_ingress_rule"].items():
        if rule.get("cidr_ipv4") in ANYWHERE or rule.get("cidr_ipv6") in ANYWHERE:
            assert rule["security_group_id"] == ALB_SG, name
            assert tf.resolve(rule["from_port"]) in (80, 443), name


def test_instances_may_send_anything_on_ipv4_and_ipv6(tf: Module) -> None:
    assert rule_set(tf, "egress", APP_SG) == {
        ("-1", None, None, "0.0.0.0/0"),
        ("-1", None, None, "::/0"),
    }


def test_managed_stores_admit_only_the_instance_security_group(tf: Module) -> None:
    redis_sg = "${aws_security_group.redis[0].id}"
    db_sg = "${aws_security_group.db[0].id}"
    assert rule_set(tf, "ingress", redis_sg) == {("tcp", 6379, 6379, APP_SG)}
    assert rule_set(tf, "ingress", db_sg) == {("tcp", 5432, 5432, APP_SG)}
    assert rule_set(tf, "egress", redis_sg) == set()
    assert rule_set(tf, "egress", db_sg) == set()
