"""Every input is documented and typed; inputs that can hurt are validated."""

from __future__ import annotations

import re

import pytest
from conftest import MODULE_DIR, TEST_SECRETS, Evaluator, Module, parse_dir

VALIDATED = [
    "project",
    "environment",
    "aws_region",
    "vpc_id",
    "public_subnet_ids",
    "instance_subnet_ids",
    "data_subnet_ids",
    "certificate_arn",
    "ssl_policy",
    "alb_idle_timeout",
    "admin_cidrs",
    "nginx_port",
    "daphne_port",
    "instance_count",
    "elasticache_auth_token",
    "db_password",
]


def test_every_variable_has_a_description_and_a_type(tf: Module) -> None:
    assert tf.variables, "no variables parsed"
    for name, variable in tf.variables.items():
        assert variable.get("description"), f"variable {name} has no description"
        assert variable.get("type"), f"variable {name} has no type"


@pytest.mark.parametrize("name", VALIDATED)
def test_inputs_that_can_hurt_have_a_validation(tf: Module, name: str) -> None:
    validations = tf.variables[name].get("validation", [])
    assert validations, f"variable {name} has no validation"
    for validation in validations:
        assert validation["error_message"].endswith("."), name


def test_versions_pin_terraform_and_the_aws_provider() -> None:
    versions = parse_dir(MODULE_DIR)["terraform"]
    assert len(versions) == 1
    settings = versions[0]
    assert settings["required_version"] == ">= 1.9.0"
    providers = settings["required_providers"][0]
    assert providers["aws"]["source"] == "hashicorp/aws"
    # ~> 5.100: the release test_validate.py checks the module against (the last 5.x).
    assert providers["aws"]["version"] == "~> 5.100"
    # Only the AWS provider: secrets are inputs, not random_password resources.
    assert set(providers) == {"aws"}


def test_versions_file_holds_only_required_versions() -> None:
    text = (MODULE_DIR / "versions.tf").read_text(encoding="utf-8")
    top_level = re.findall(r"^(\w+)", text, flags=re.MULTILINE)
    assert top_level == ["terraform"]


def test_no_secret_has_a_default_in_the_module(tf: Module) -> None:
    for name, variable in tf.variables.items():
        if re.search(r"password|token|secret", name):
            assert variable.get("sensitive") is True, name
            assert variable.get("default") is None, name


def test_the_valid_baseline_is_accepted(evaluator: Evaluator) -> None:
    ok, said = evaluator.accepts()
    assert ok, said


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"environment": "prod"}, "must be one of"),
        ({"project": "livefeed-with-a-long-name"}, "2-12 characters"),
        ({"alb_ip_address_type": "ipv6"}, "dualstack or ipv4"),
        ({"aws_region": "Europe"}, "region"),
        ({"vpc_id": "my-vpc"}, "vpc_id"),
        ({"public_subnet_ids": '["subnet-0aaaaaaaaaaaaaaa1"]'}, "at least two"),
        ({"certificate_arn": "arn:aws:iam::123456789012:server-certificate/x"}, "ACM"),
        ({"ssl_policy": "ELBSecurityPolicy-2016-08"}, "TLS13"),
        ({"alb_idle_timeout": "15"}, "Daphne"),
        ({"alb_idle_timeout": "300"}, "nginx"),
        ({"admin_cidrs": '["10.0.0.300/32"]'}, "valid CIDR"),
        ({"admin_cidrs": '["0.0.0.0/0"]'}, "whole internet"),
        ({"admin_cidrs": '["::/0"]'}, "whole internet"),
        ({"daphne_port": "80"}, "unprivileged"),
        ({"nginx_port": "70000"}, "TCP port"),
        ({"instance_count": "2"}, "broadcast"),
        ({"instance_count": "2", "enable_rds": "true"}, "broadcast"),
        ({"instance_count": "2", "enable_elasticache": "true"}, "broadcast"),
        ({"enable_elasticache": "true"}, "elasticache_auth_token is required when"),
        ({"enable_rds": "true"}, "db_password is required when enable_rds is true"),
        ({"elasticache_auth_token": "short"}, "16-128"),
        ({"elasticache_auth_token": "0123456789abcdef@x"}, "16-128"),
        ({"elasticache_auth_token": "0123456789abcdef/x"}, "16-128"),
        ({"elasticache_auth_token": '0123456789abcdef"x'}, "16-128"),
        ({"elasticache_auth_token": "0123456789abcdef x"}, "16-128"),
        ({"elasticache_auth_token": "x" * 129}, "16-128"),
        ({"db_password": "short12"}, "8-128"),
        ({"db_password": "has@sign-and-is-long-enough"}, "8-128"),
        ({"db_password": "has/slash"}, "8-128"),
        ({"db_password": 'has"quote'}, "8-128"),
        ({"db_password": "has space"}, "8-128"),
        ({"db_password": "x" * 129}, "8-128"),
    ],
)
def test_terraform_rejects_harmful_inputs(
    evaluator: Evaluator, overrides: dict[str, str], reason: str
) -> None:
    ok, said = evaluator.accepts(**overrides)
    assert not ok, f"terraform accepted {overrides}"
    assert reason in " ".join(said.split()), said


@pytest.mark.parametrize(
    "overrides",
    [
        {"instance_count": "3", "enable_elasticache": "true", "enable_rds": "true", **TEST_SECRETS},
        {"admin_cidrs": '["203.0.113.10/32", "2001:db8::/64"]'},
        {"alb_idle_timeout": "120"},
        {"enable_elasticache": "true", "elasticache_auth_token": "aZ09!&#$^<>-aZ09"},
        {"enable_rds": "true", "db_password": "aZ09#?%:!~{}"},
        {"enable_rds": "true", "db_password": "x" * 128},
    ],
)
def test_terraform_accepts_sound_inputs(evaluator: Evaluator, overrides: dict[str, str]) -> None:
    ok, said = evaluator.accepts(**overrides)
    assert ok, said
