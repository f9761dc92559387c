"""Launch template, Auto Scaling group and the tags the Ansible dynamic inventory reads."""

from __future__ import annotations

import pytest
from conftest import TEST_SECRETS, Evaluator, Module, block, expression, ref


def test_launch_template_requires_imdsv2(tf: Module) -> None:
    metadata = block(tf.resource("aws_launch_template", "app"), "metadata_options")
    assert metadata["http_endpoint"] == "enabled"
    assert metadata["http_tokens"] == "required"
    assert metadata["http_put_response_hop_limit"] == 1


def test_launch_template_root_volume_is_encrypted(tf: Module) -> None:
    template = tf.resource("aws_launch_template", "app")
    mappings = template["block_device_mappings"]
    assert len(mappings) == 1
    assert mappings[0]["device_name"] == "${var.root_device_name}"
    ebs = block(mappings[0], "ebs")
    assert ebs["encrypted"] is True
    assert ebs["volume_type"] == "gp3"


def test_launch_template_puts_instances_in_the_instance_security_group(tf: Module) -> None:
    template = tf.resource("aws_launch_template", "app")
    interface = block(template, "network_interfaces")
    assert interface["security_groups"] == [ref("aws_security_group.app")]
    assert tf.variables["associate_public_ip_address"]["default"] is False
    assert "vpc_security_group_ids" not in template


def test_launch_template_defaults_to_official_debian_12(tf: Module) -> None:
    debian = tf.data["aws_ami"]["debian"]
    assert debian["owners"] == ["136693071363"]
    names = [f["values"] for f in debian["filter"] if f["name"] == "name"]
    assert names == [["debian-12-amd64-*"]]


def test_autoscaling_group_is_attached_to_both_target_groups(tf: Module) -> None:
    asg = tf.resource("aws_autoscaling_group", "app")
    assert sorted(asg["target_group_arns"]) == sorted(
        [ref("aws_lb_target_group.main", "arn"), ref("aws_lb_target_group.health", "arn")]
    )
    template = block(asg, "launch_template")
    assert template["id"] == ref("aws_launch_template.app")
    assert template["version"] == ref("aws_launch_template.app", "latest_version")
    assert asg["vpc_zone_identifier"] == "${var.instance_subnet_ids}"


def test_autoscaling_group_size_is_instance_count(tf: Module) -> None:
    asg = tf.resource("aws_autoscaling_group", "app")
    for key in ("min_size", "max_size", "desired_capacity"):
        assert asg[key] == "${var.instance_count}", key


def test_autoscaling_group_propagates_instance_tags_at_launch(tf: Module) -> None:
    asg = tf.resource("aws_autoscaling_group", "app")
    dynamic_tags = [d["tag"] for d in asg.get("dynamic", []) if "tag" in d]
    assert len(dynamic_tags) == 1
    assert dynamic_tags[0]["for_each"] == "${local.instance_tags}"
    content = dynamic_tags[0]["content"][0]
    assert content == {"key": "${tag.key}", "value": "${tag.value}", "propagate_at_launch": True}


def test_instance_tags_carry_project_environment_and_ansible_groups(tf: Module) -> None:
    instance_tags = expression(tf.locals["instance_tags"])
    assert instance_tags.startswith("merge(local.common_tags,")
    assert "AnsibleGroups = local.ansible_groups" in instance_tags
    common = expression(tf.locals["common_tags"])
    # The module's keys come last in merge(), so var.tags cannot override them.
    assert common.startswith("merge(var.tags,")
    assert "Project = var.project" in common
    assert "Environment = var.environment" in common
    assert tf.variables["project"]["default"] == "livefeed"


def test_ansible_groups_expression_drops_a_group_only_when_its_service_is_managed(
    tf: Module,
) -> None:
    groups = expression(tf.locals["ansible_groups"])
    assert groups.startswith('join(",", concat(["app"],')
    assert 'var.enable_elasticache ? [] : ["redis"]' in groups
    assert 'var.enable_rds ? [] : ["postgres"]' in groups


@pytest.mark.parametrize(
    ("elasticache", "rds", "groups"),
    [
        ("false", "false", '"app,redis,postgres"'),
        ("true", "false", '"app,postgres"'),
        ("false", "true", '"app,redis"'),
        ("true", "true", '"app"'),
    ],
)
def test_ansible_groups_keep_local_only_what_no_managed_service_replaces(
    evaluator: Evaluator, elasticache: str, rds: str, groups: str
) -> None:
    computed = evaluator.value(
        "local.ansible_groups", enable_elasticache=elasticache, enable_rds=rds, **TEST_SECRETS
    )
    assert computed == groups


def test_autoscaling_group_does_not_replace_instances_on_alb_health(tf: Module) -> None:
    # Unconfigured (not yet provisioned by Ansible) and database-holding instances must survive
    # a failing /health/ check; the ALB routes around them instead.
    asg = tf.resource("aws_autoscaling_group", "app")
    assert asg["health_check_type"] == "EC2"
