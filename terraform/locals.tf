locals {
  name = "${var.project}-${var.environment}"

  # Redis and PostgreSQL stay on the instance unless a managed service replaces
  # them. The Ansible dynamic inventory (inventory/aws/aws_ec2.yml) turns this
  # comma list into groups, so the roles configure exactly what is still local.
  ansible_groups = join(",", concat(
    ["app"],
    var.enable_elasticache ? [] : ["redis"],
    var.enable_rds ? [] : ["postgres"],
  ))

  # Applied to everything through the provider's default_tags; the module's own
  # keys win over var.tags.
  common_tags = merge(var.tags, {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  })

  # Auto Scaling groups do not inherit default_tags into the instances they
  # launch, so these are propagated explicitly.
  instance_tags = merge(local.common_tags, {
    Name          = "${local.name}-app"
    AnsibleGroups = local.ansible_groups
  })

  alarm_actions = concat(aws_sns_topic.alarms[*].arn, var.alarm_actions)
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}
