# `terraform test` with a mocked AWS provider: no credentials and no network, but the
# real provider's schema and its own argument checks (ranges, name lengths, JSON,
# enums) run on the concrete values each layout produces, which `terraform validate`
# cannot see because it treats every variable as unknown. tests/test_validate.py runs
# this where the provider is on disk.

mock_provider "aws" {
  # The provider checks that an assume-role policy is JSON; a mocked string is not.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  # Computed ARNs that other resources consume must look like ARNs: the provider checks.
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:mock-alarms"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/mock-rds-monitoring"
    }
  }

  mock_resource "aws_lb" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/mock/0123456789abcdef"
      arn_suffix = "app/mock/0123456789abcdef"
    }
  }

  mock_resource "aws_lb_target_group" {
    defaults = {
      arn        = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/mock/0123456789abcdef"
      arn_suffix = "targetgroup/mock/0123456789abcdef"
    }
  }

  mock_resource "aws_lb_listener" {
    defaults = {
      arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/mock/0123456789abcdef/0123456789abcdef"
    }
  }

  mock_resource "aws_launch_template" {
    defaults = {
      id = "lt-0123456789abcdef0"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

variables {
  environment         = "production"
  aws_region          = "eu-west-1"
  vpc_id              = "vpc-0123456789abcdef0"
  public_subnet_ids   = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
  instance_subnet_ids = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"]
  certificate_arn     = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
}

run "all_in_one" {
  command = plan

  assert {
    condition     = output.ansible_groups == "app,redis,postgres"
    error_message = "The all-in-one instance must be in app, redis and postgres."
  }

  assert {
    condition     = length(aws_elasticache_replication_group.redis) == 0 && length(aws_db_instance.db) == 0
    error_message = "No ElastiCache or RDS unless enabled."
  }

  assert {
    condition     = aws_autoscaling_group.app.desired_capacity == 1
    error_message = "The all-in-one layout runs one instance."
  }
}

# The longest names the variables allow (12-character project, "production") must fit
# AWS's limits, e.g. 32 characters for ALB and target group names; the secrets carry
# characters that must be percent-encoded in the URLs.
run "scaled_out" {
  command = apply

  variables {
    project                = "abcdefghijkl"
    instance_count         = 3
    data_subnet_ids        = ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]
    enable_elasticache     = true
    enable_rds             = true
    elasticache_auth_token = "test-only#token&0123456789"
    db_password            = "test-only#pass?word%1:"
    admin_cidrs            = ["10.0.0.0/16", "2001:db8::/64"]
    alb_access_logs_bucket = "example-alb-logs"
    create_alarm_topic     = true
    alarm_email            = "ops@example.com"
  }

  assert {
    condition     = output.ansible_groups == "app"
    error_message = "Scaled-out instances hold only the app."
  }

  assert {
    condition     = aws_autoscaling_group.app.desired_capacity == 3
    error_message = "instance_count sets the Auto Scaling group's capacity."
  }

  assert {
    condition     = strcontains(nonsensitive(output.database_url), ":test-only%23pass%3Fword%251%3A@")
    error_message = "database_url must carry the percent-encoded password."
  }

  assert {
    condition     = startswith(nonsensitive(output.redis_url), "rediss://:test-only%23token%260123456789@")
    error_message = "redis_url must carry the percent-encoded AUTH token over TLS."
  }
}

run "secrets_are_required_when_their_feature_is_on" {
  command = plan

  variables {
    data_subnet_ids    = ["subnet-0ccccccccccccccc1", "subnet-0ccccccccccccccc2"]
    enable_elasticache = true
    enable_rds         = true
  }

  expect_failures = [
    var.elasticache_auth_token,
    var.db_password,
  ]
}
