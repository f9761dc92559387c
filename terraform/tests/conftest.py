"""Parse the module's .tf files once with python-hcl2 and hand tests a small query API.

Providers cannot be downloaded on CI machines, so these tests read the configuration
as text instead of planning it. Where a `terraform` binary exists, tests that need
Terraform's own evaluation (validations, locals) run it on a provider-free copy.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2
import pytest

MODULE_DIR = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = MODULE_DIR / "examples"

_OPTIONS = hcl2.SerializationOptions(
    strip_string_quotes=True, explicit_blocks=False, with_comments=False
)
_VAR_REF = re.compile(r"^\$\{var\.([a-z0-9_]+)\}$")


def parse_dir(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """Merge the top-level blocks of every .tf file in one directory."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle, serialization_options=_OPTIONS)
        for key, blocks in parsed.items():
            merged.setdefault(key, []).extend(blocks)
    return merged


@dataclass
class Module:
    """The parsed configuration of one Terraform directory."""

    directory: Path
    blocks: dict[str, list[dict[str, Any]]] = field(repr=False)

    @classmethod
    def load(cls, directory: Path) -> Module:
        return cls(directory=directory, blocks=parse_dir(directory))

    def _two_level(self, kind: str) -> dict[str, dict[str, dict[str, Any]]]:
        out: dict[str, dict[str, dict[str, Any]]] = {}
        for block in self.blocks.get(kind, []):
            for type_name, named in block.items():
                for name, body in named.items():
                    out.setdefault(type_name, {})[name] = body
        return out

    def _one_level(self, kind: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for block in self.blocks.get(kind, []):
            out.update(block)
        return out

    @property
    def resources(self) -> dict[str, dict[str, dict[str, Any]]]:
        return self._two_level("resource")

    @property
    def data(self) -> dict[str, dict[str, dict[str, Any]]]:
        return self._two_level("data")

    @property
    def variables(self) -> dict[str, dict[str, Any]]:
        return self._one_level("variable")

    @property
    def outputs(self) -> dict[str, dict[str, Any]]:
        return self._one_level("output")

    @property
    def modules(self) -> dict[str, dict[str, Any]]:
        return self._one_level("module")

    @property
    def locals(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for block in self.blocks.get("locals", []):
            out.update(block)
        return out

    def resource(self, type_name: str, name: str) -> dict[str, Any]:
        try:
            return self.resources[type_name][name]
        except KeyError:
            pytest.fail(f"resource {type_name}.{name} is missing from {self.directory}")

    def resolve(self, value: Any) -> Any:
        """Replace a bare `${var.x}` with the variable's default; leave the rest alone."""
        if isinstance(value, str):
            match = _VAR_REF.match(value)
            if match:
                variable = self.variables.get(match.group(1))
                if variable is None:
                    pytest.fail(f"{value} refers to an undeclared variable")
                if "default" not in variable:
                    pytest.fail(f"{value} has no default to resolve")
                return variable["default"]
        return value


def block(body: dict[str, Any], name: str) -> dict[str, Any]:
    """The single nested block `name` of a resource body."""
    found = body.get(name)
    assert isinstance(found, list) and len(found) == 1, f"expected one {name} block, got {found!r}"
    return found[0]


def ref(address: str, attribute: str = "id") -> str:
    """How hcl2 renders a reference such as aws_security_group.app.id."""
    return f"${{{address}.{attribute}}}"


def expression(value: str) -> str:
    """The expression text inside a `${...}` string."""
    assert value.startswith("${") and value.endswith("}"), value
    return value[2:-1]


@pytest.fixture(scope="session")
def tf() -> Module:
    return Module.load(MODULE_DIR)


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    found = shutil.which("terraform")
    if found is None:
        pytest.skip("no terraform binary on PATH")
    return found


# Arguments that satisfy every required variable with valid values, so that a test can
# change one input and see Terraform's own verdict on it.
VALID_VARS = {
    "environment": "staging",
    "aws_region": "eu-west-1",
    "vpc_id": "vpc-0123456789abcdef0",
    "public_subnet_ids": '["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]',
    "instance_subnet_ids": '["subnet-0bbbbbbbbbbbbbbb1"]',
    "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
}

# Well-formed stand-ins for the secrets an enabled ElastiCache or RDS requires. They are
# not in VALID_VARS, so that a test can also see Terraform refuse a missing one.
TEST_SECRETS = {
    "elasticache_auth_token": "test-only-auth-token-0123456789",
    "db_password": "test-only-db-password-0123456789",
}


@dataclass
class Evaluator:
    """Runs Terraform on a provider-free copy of variables.tf plus chosen locals."""

    binary: str
    workdir: Path

    def _run(
        self, command: str, overrides: dict[str, str], stdin: str = ""
    ) -> subprocess.CompletedProcess:
        args = [self.binary, command, "-no-color"]
        if command == "plan":
            args += ["-input=false", "-lock=false", "-refresh=false"]
        for key, value in {**VALID_VARS, **overrides}.items():
            args += ["-var", f"{key}={value}"]
        return subprocess.run(
            args,
            cwd=self.workdir,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={
                "TF_CLI_CONFIG_FILE": "/dev/null",
                "TF_IN_AUTOMATION": "1",
                "HOME": str(self.workdir),
                "PATH": "/usr/bin:/bin",
            },
            check=False,
        )

    def accepts(self, **overrides: str) -> tuple[bool, str]:
        """Whether `terraform plan` accepts these inputs, and what it said."""
        result = self._run("plan", overrides)
        return result.returncode == 0, result.stdout + result.stderr

    def value(self, expr: str, **overrides: str) -> str:
        """The value Terraform computes for `expr` under these inputs."""
        ok, said = self.accepts(**overrides)
        assert ok, said
        result = self._run("console", overrides, stdin=expr + "\n")
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()


@pytest.fixture(scope="session")
def evaluator(
    tf: Module, terraform_bin: str, tmp_path_factory: pytest.TempPathFactory
) -> Evaluator:
    workdir = tmp_path_factory.mktemp("tf-eval")
    shutil.copy(MODULE_DIR / "variables.tf", workdir / "variables.tf")
    ansible_groups = expression(tf.locals["ansible_groups"])
    (workdir / "locals.tf").write_text(
        f"locals {{\n  ansible_groups = {ansible_groups}\n}}\n", encoding="utf-8"
    )
    return Evaluator(binary=terraform_bin, workdir=workdir)
