"""Optional ElastiCache and RDS: switched by variables, encrypted, private, in the outputs."""

from __future__ import annotations

import pytest
from conftest import Module, ref

REDIS_RESOURCES = [
    ("aws_elasticache_replication_group", "redis"),
    ("aws_elasticache_subnet_group", "redis"),
    ("aws_security_group", "redis"),
    ("aws_vpc_security_group_ingress_rule", "redis_from_app"),
]
DB_RESOURCES = [
    ("aws_db_instance", "db"),
    ("aws_db_subnet_group", "db"),
    ("aws_db_parameter_group", "db"),
    ("aws_security_group", "db"),
    ("aws_vpc_security_group_ingress_rule", "db_from_app"),
]


@pytest.mark.parametrize(("type_name", "name"), REDIS_RESOURCES)
def test_elasticache_resources_exist_only_when_enabled(
    tf: Module, type_name: str, name: str
) -> None:
    assert tf.resource(type_name, name)["count"] == "${var.enable_elasticache ? 1 : 0}"
    assert tf.variables["enable_elasticache"]["default"] is False


@pytest.mark.parametrize(("type_name", "name"), DB_RESOURCES)
def test_rds_resources_exist_only_when_enabled(tf: Module, type_name: str, name: str) -> None:
    assert tf.resource(type_name, name)["count"] == "${var.enable_rds ? 1 : 0}"
    assert tf.variables["enable_rds"]["default"] is False


def test_elasticache_is_a_non_cluster_replication_group_with_tls_and_auth(tf: Module) -> None:
    redis = tf.resource("aws_elasticache_replication_group", "redis")
    assert redis["engine"] == "redis"
    assert redis["port"] == 6379
    assert "num_node_groups" not in redis
    assert "replicas_per_node_group" not in redis
    assert redis.get("cluster_mode", "disabled") == "disabled"
    assert redis["transit_encryption_enabled"] is True
    assert redis["at_rest_encryption_enabled"] is True
    assert redis["auth_token"] == "${var.elasticache_auth_token}"
    assert redis["automatic_failover_enabled"] is True
    assert redis["security_group_ids"] == ["${aws_security_group.redis[0].id}"]


def test_secrets_have_no_default_and_are_sensitive(tf: Module) -> None:
    for name in ("elasticache_auth_token", "db_password"):
        variable = tf.variables[name]
        assert variable["sensitive"] is True, name
        assert variable.get("default") is None, name


def test_secrets_are_inputs_not_generated(tf: Module) -> None:
    # No random provider: it is not on every machine, and a generated secret lives only in
    # the state. The variables' validations demand the secret when its feature is on.
    assert "random_password" not in tf.resources
    assert tf.resource("aws_elasticache_replication_group", "redis")["auth_token"] == (
        "${var.elasticache_auth_token}"
    )
    assert tf.resource("aws_db_instance", "db")["password"] == "${var.db_password}"
    conditions = {
        name: [v["condition"] for v in tf.variables[name]["validation"]]
        for name in ("elasticache_auth_token", "db_password")
    }
    assert (
        "${!var.enable_elasticache || var.elasticache_auth_token != null}"
        in (conditions["elasticache_auth_token"])
    )
    assert "${!var.enable_rds || var.db_password != null}" in conditions["db_password"]


def test_rds_is_encrypted_private_postgres_behind_the_instance_group(tf: Module) -> None:
    db = tf.resource("aws_db_instance", "db")
    assert db["engine"] == "postgres"
    assert db["storage_encrypted"] is True
    assert db["publicly_accessible"] is False
    assert db["vpc_security_group_ids"] == ["${aws_security_group.db[0].id}"]
    assert db["db_subnet_group_name"] == "${aws_db_subnet_group.db[0].name}"
    assert db["skip_final_snapshot"] is False
    assert db["port"] == 5432


def test_rds_refuses_unencrypted_connections(tf: Module) -> None:
    group = tf.resource("aws_db_parameter_group", "db")
    params = {p["name"]: p["value"] for p in group["parameter"]}
    assert params["rds.force_ssl"] == "1"
    assert tf.resource("aws_db_instance", "db")["parameter_group_name"] == (
        "${aws_db_parameter_group.db[0].name}"
    )


@pytest.mark.parametrize("subnet_group", ["aws_elasticache_subnet_group", "aws_db_subnet_group"])
def test_data_stores_live_in_data_subnets(tf: Module, subnet_group: str) -> None:
    (group,) = tf.resources[subnet_group].values()
    assert group["subnet_ids"] == "${var.data_subnet_ids}"
    (precondition,) = group["lifecycle"][0]["precondition"]
    assert precondition["condition"] == "${length(var.data_subnet_ids) >= 2}"


def test_endpoints_are_outputs_and_urls_with_secrets_are_sensitive(tf: Module) -> None:
    outputs = tf.outputs
    assert "aws_elasticache_replication_group.redis" in outputs["redis_endpoint"]["value"]
    assert "aws_db_instance.db" in outputs["database_endpoint"]["value"]
    assert outputs["redis_url"]["sensitive"] is True
    assert outputs["redis_url"]["value"].startswith('${var.enable_elasticache ? "rediss://')
    assert outputs["database_url"]["sensitive"] is True
    assert "sslmode=require" in outputs["database_url"]["value"]
    # Percent-encoded: the allowed special characters (# ? % : ...) would break the URL.
    assert "urlencode(var.elasticache_auth_token)" in outputs["redis_url"]["value"]
    assert "urlencode(var.db_password)" in outputs["database_url"]["value"]
    for name, output in outputs.items():
        value = str(output["value"])
        if "var.elasticache_auth_token" in value or "var.db_password" in value:
            assert output.get("sensitive") is True, name


def test_outputs_the_ansible_side_consumes_exist(tf: Module) -> None:
    expected = {
        "alb_dns_name": ref("aws_lb.app", "dns_name"),
        "main_target_group_arn": ref("aws_lb_target_group.main", "arn"),
        "health_target_group_arn": ref("aws_lb_target_group.health", "arn"),
        "alb_security_group_id": ref("aws_security_group.alb"),
        "instance_security_group_id": ref("aws_security_group.app"),
    }
    for name, value in expected.items():
        assert tf.outputs[name]["value"] == value, name
    for name, output in tf.outputs.items():
        assert output.get("description"), f"output {name} has no description"


def test_kms_key_rotates(tf: Module) -> None:
    key = tf.resource("aws_kms_key", "data")
    assert key["enable_key_rotation"] is True
    assert key["count"] == "${var.enable_elasticache || var.enable_rds ? 1 : 0}"
