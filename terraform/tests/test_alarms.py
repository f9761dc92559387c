"""CloudWatch alarms watch what the architecture says to watch."""

from __future__ import annotations

from conftest import Module, ref

ALB = ref("aws_lb.app", "arn_suffix")


def alarms_on(tf: Module, metric: str) -> dict[str, dict]:
    return {
        name: alarm
        for name, alarm in tf.resources["aws_cloudwatch_metric_alarm"].items()
        if alarm["metric_name"] == metric
    }


def test_alb_5xx_counts_are_alarmed(tf: Module) -> None:
    for metric in ("HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"):
        (alarm,) = alarms_on(tf, metric).values()
        assert alarm["namespace"] == "AWS/ApplicationELB"
        assert alarm["dimensions"] == {"LoadBalancer": ALB}
        assert alarm["statistic"] == "Sum"


def test_unhealthy_hosts_are_alarmed_per_target_group(tf: Module) -> None:
    (alarm,) = alarms_on(tf, "UnHealthyHostCount").values()
    assert alarm["for_each"] == {
        "main": ref("aws_lb_target_group.main", "arn_suffix"),
        "health": ref("aws_lb_target_group.health", "arn_suffix"),
    }
    assert alarm["dimensions"] == {"LoadBalancer": ALB, "TargetGroup": "${each.value}"}
    assert alarm["threshold"] == 1
    assert alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"


def test_target_response_time_is_alarmed(tf: Module) -> None:
    (alarm,) = alarms_on(tf, "TargetResponseTime").values()
    assert alarm["dimensions"] == {"LoadBalancer": ALB}
    assert alarm["extended_statistic"] == "p95"


def test_instance_cpu_is_alarmed_across_the_autoscaling_group(tf: Module) -> None:
    (alarm,) = alarms_on(tf, "CPUUtilization").values()
    assert alarm["namespace"] == "AWS/EC2"
    assert alarm["dimensions"] == {"AutoScalingGroupName": ref("aws_autoscaling_group.app", "name")}


def test_every_alarm_notifies_the_optional_topic(tf: Module) -> None:
    for name, alarm in tf.resources["aws_cloudwatch_metric_alarm"].items():
        assert alarm["alarm_actions"] == "${local.alarm_actions}", name
        assert alarm["ok_actions"] == "${local.alarm_actions}", name
    assert "aws_sns_topic.alarms[*].arn" in tf.locals["alarm_actions"]
    topic = tf.resource("aws_sns_topic", "alarms")
    assert topic["count"] == "${var.create_alarm_topic ? 1 : 0}"
    assert topic["kms_master_key_id"] == "alias/aws/sns"
