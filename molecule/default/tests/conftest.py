"""Shared helpers for the testinfra suites: each test module covers one tier of the host."""

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
import testinfra.utils.ansible_runner

REPO = Path(__file__).resolve().parents[3]


def hosts_in_group(group: str) -> list:
    """A tier module's testinfra_hosts: the group's hosts in Molecule's inventory.

    Run by hand (`pytest --hosts=docker://NAME ...`), --hosts decides instead.
    """
    inventory = os.environ.get("MOLECULE_INVENTORY_FILE")
    if not inventory:
        return [None]
    return testinfra.utils.ansible_runner.AnsibleRunner(inventory).get_hosts(group)


def unit_journal(host, unit: str, lines: int = 60) -> str:
    """The unit's recent journal, so a failing service check explains itself."""
    return host.run(f"journalctl --no-pager -n {lines} -u {unit}").stdout


def assert_unit_running(host, unit: str) -> None:
    service = host.service(unit)
    status = host.run(f"systemctl status --no-pager {unit}").stdout
    assert service.is_enabled, f"{unit} is not enabled\n{status}\n{unit_journal(host, unit)}"
    assert service.is_running, f"{unit} is not running\n{status}\n{unit_journal(host, unit)}"


@pytest.fixture(scope="session")
def converge_log() -> str:
    """Everything Ansible printed during converge and idempotence (see ANSIBLE_LOG_PATH)."""
    path = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "ansible.log"
    assert path.is_file(), f"no Ansible log at {path}: molecule.yml must set ANSIBLE_LOG_PATH"
    return path.read_text()


@pytest.fixture(scope="module")
def host_ip(host):
    """The host's IPv4 address on the Docker bridge: the only address probes are sent to."""
    addresses = [a for a in host.interface("eth0").addresses if ":" not in a]
    assert addresses, "eth0 has no IPv4 address"
    assert ipaddress.ip_address(addresses[0]).is_private, addresses
    return addresses[0]


def assert_listens_on_loopback_only(host, port: int) -> None:
    listening = host.check_output(f"ss -Hltn 'sport = :{port}'").splitlines()
    addresses = {line.split()[3].rsplit(":", 1)[0] for line in listening if line.strip()}
    assert addresses, f"nothing listens on port {port}"
    assert addresses <= {"127.0.0.1", "[::1]"}, f"{port} is bound beyond loopback: {addresses}"


def run_playbook(host, playbook: str, *extra_vars: str) -> subprocess.CompletedProcess:
    """Run a real playbook of this repository against this host, with -e overrides.

    The converge log (ANSIBLE_LOG_PATH) is left out: refused runs are not part of the converge.
    """
    inventory = Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent
    ansible_playbook = Path(sys.executable).with_name("ansible-playbook")
    env = {k: v for k, v in os.environ.items() if k != "ANSIBLE_LOG_PATH"}
    env.setdefault("ANSIBLE_CONFIG", str(REPO / "ansible.cfg"))
    env["ANSIBLE_NOCOLOR"] = "1"
    command = [str(ansible_playbook), "-i", str(inventory), "--limit", host.backend.get_hostname()]
    for extra in extra_vars:
        command += ["-e", extra]
    return subprocess.run(
        [*command, str(REPO / "playbooks" / playbook)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
