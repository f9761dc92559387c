# The Ansible roles target Debian 12; 136693071363 is the Debian project's own
# AWS account, which publishes the official images.
data "aws_ami" "debian" {
  count = var.ami_id == null ? 1 : 0

  most_recent = true
  owners      = ["136693071363"]

  filter {
    name   = "name"
    values = ["debian-12-amd64-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_launch_template" "app" {
  name_prefix   = "${local.name}-app-"
  description   = "App instances of ${local.name}; configured by ansible-playbook playbooks/site.yml"
  image_id      = var.ami_id == null ? data.aws_ami.debian[0].id : var.ami_id
  instance_type = var.instance_type
  key_name      = var.key_name

  # IMDSv2 only; one hop keeps containers on the host from reaching the
  # instance's credentials.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = var.root_device_name

    ebs {
      volume_size           = var.root_volume_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  network_interfaces {
    associate_public_ip_address = var.associate_public_ip_address
    security_groups             = [aws_security_group.app.id]
    delete_on_termination       = true
  }

  # One-minute metrics, so the CPU alarm reacts within minutes.
  monitoring {
    enabled = true
  }

  tag_specifications {
    resource_type = "volume"
    tags          = local.instance_tags
  }

  tags = { Name = "${local.name}-app" }
}

resource "aws_autoscaling_group" "app" {
  name_prefix         = "${local.name}-app-"
  vpc_zone_identifier = var.instance_subnet_ids
  min_size            = var.instance_count
  max_size            = var.instance_count
  desired_capacity    = var.instance_count

  # Both target groups: nginx on 80 for traffic, Daphne on 8000 for /health/*.
  target_group_arns = [
    aws_lb_target_group.main.arn,
    aws_lb_target_group.health.arn,
  ]

  # Only EC2 status checks make the group replace an instance. Ansible
  # configures instances by push after they launch, so with ELB health checks
  # the group would terminate every new instance before anyone ran the
  # playbook, and in the all-in-one layout it would throw away the host that
  # holds the database whenever the app failed its check. The ALB still stops
  # routing to unhealthy targets, and the unhealthy-hosts alarms tell a person.
  health_check_type         = "EC2"
  health_check_grace_period = 300

  launch_template {
    id      = aws_launch_template.app.id
    version = aws_launch_template.app.latest_version
  }

  dynamic "tag" {
    for_each = local.instance_tags

    content {
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }
  }
}
