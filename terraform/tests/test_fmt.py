"""`terraform fmt -check` where a terraform binary exists (skipped, not failed, without one)."""

from __future__ import annotations

import subprocess

from conftest import MODULE_DIR


def test_terraform_files_are_formatted(terraform_bin: str, tmp_path) -> None:
    result = subprocess.run(
        [terraform_bin, "fmt", "-check", "-recursive", "-diff", "-no-color", str(MODULE_DIR)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"TF_CLI_CONFIG_FILE": "/dev/null", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}{result.stderr}"
