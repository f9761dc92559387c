"""`terraform validate` and `terraform test` against the real AWS provider schema, offline.

Providers cannot be downloaded here, but where the hashicorp/aws provider sits in a local
filesystem mirror (TF_PROVIDER_MIRROR, default /opt/tf-plugins) `terraform init` installs it
from there. Without a terraform binary or without the mirror these tests are skipped, never
failed. Everything runs on a copy of terraform/ in a temporary directory, so no .terraform/
or .terraform.lock.hcl ever lands in the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MODULE_DIR

MIRROR = Path(os.environ.get("TF_PROVIDER_MIRROR", "/opt/tf-plugins"))
AWS_IN_MIRROR = MIRROR / "registry.terraform.io" / "hashicorp" / "aws"
# The root module and every example (they call it as source = "../..").
DIRECTORIES = [".", "examples/single-instance", "examples/scaled-out"]
TIMEOUT = 180

CLI_CONFIG = """\
provider_installation {{
  filesystem_mirror {{
    path    = "{mirror}"
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  direct {{
    exclude = ["registry.terraform.io/*/*"]
  }}
}}
"""


class Workspace:
    """A copy of terraform/ with a CLI config that installs providers from the mirror only."""

    def __init__(self, binary: str, root: Path) -> None:
        self.binary = binary
        self.module = root / "terraform"
        shutil.copytree(
            MODULE_DIR,
            self.module,
            ignore=shutil.ignore_patterns(
                ".terraform", ".terraform.lock.hcl", "*.tfstate*", "__pycache__", ".pytest_cache"
            ),
        )
        config = root / "terraform.rc"
        config.write_text(CLI_CONFIG.format(mirror=MIRROR), encoding="utf-8")
        cache = root / "plugin-cache"
        cache.mkdir()
        self.env = {
            "TF_CLI_CONFIG_FILE": str(config),
            "TF_PLUGIN_CACHE_DIR": str(cache),
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            "HOME": str(root),
            "PATH": "/usr/bin:/bin",
        }
        self._initialised: set[str] = set()

    def run(self, directory: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [self.binary, *args],
            cwd=self.module / directory,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            env=self.env,
            check=False,
        )

    def init(self, directory: str) -> None:
        if directory in self._initialised:
            return
        result = self.run(directory, "init", "-backend=false", "-input=false", "-no-color")
        assert result.returncode == 0, (
            f"terraform init failed in {directory}:\n{result.stdout}{result.stderr}"
        )
        self._initialised.add(directory)


def describe(diagnostics: list[dict]) -> str:
    """One readable paragraph per diagnostic of `terraform validate -json`."""
    lines = []
    for diagnostic in diagnostics:
        where = diagnostic.get("range") or {}
        place = f"{where.get('filename', '?')}:{where.get('start', {}).get('line', '?')}"
        snippet = (diagnostic.get("snippet") or {}).get("code", "").strip()
        lines.append(
            f"{diagnostic['severity']}: {diagnostic['summary']} ({place})\n"
            f"  {diagnostic.get('detail', '')}\n  {snippet}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    binary = shutil.which("terraform") or shutil.which("terraform", path="/usr/local/bin")
    if binary is None:
        pytest.skip("no terraform binary on PATH or in /usr/local/bin")
    if not AWS_IN_MIRROR.is_dir():
        pytest.skip(
            f"no hashicorp/aws provider in the mirror {MIRROR} "
            "(set TF_PROVIDER_MIRROR to a filesystem mirror that has it)"
        )
    return Workspace(binary, tmp_path_factory.mktemp("tf-validate"))


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_terraform_validate_accepts_the_configuration(workspace: Workspace, directory: str) -> None:
    workspace.init(directory)
    result = workspace.run(directory, "validate", "-json", "-no-color")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"validate printed no JSON in {directory}:\n{result.stdout}{result.stderr}")
    diagnostics = report.get("diagnostics", [])
    assert report["valid"] is True, f"{directory} is invalid:\n{describe(diagnostics)}"
    # Warnings (deprecated arguments and blocks above all) fail too: they become errors
    # in the next major provider release.
    assert report["warning_count"] == 0, f"{directory} has warnings:\n{describe(diagnostics)}"


def test_terraform_test_plans_every_layout_with_a_mocked_provider(workspace: Workspace) -> None:
    # tests/layouts.tftest.hcl: the provider's own argument checks on concrete values.
    workspace.init(".")
    result = workspace.run(".", "test", "-no-color")
    assert result.returncode == 0, f"terraform test failed:\n{result.stdout}{result.stderr}"
    assert "0 failed" in result.stdout, result.stdout


def test_nothing_terraform_writes_lands_in_the_repository() -> None:
    for name in (".terraform", ".terraform.lock.hcl", "terraform.tfstate"):
        for directory in DIRECTORIES:
            path = MODULE_DIR / directory / name
            assert not path.exists(), f"{path} must not exist in the repository"
