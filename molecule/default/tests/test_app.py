"""The app tier: Daphne and the broadcaster as deployed by roles/app, probed from the controller."""

import http.client
import time

import pytest
from conftest import assert_unit_running, hosts_in_group

testinfra_hosts = hosts_in_group("app")

DAPHNE_PORT = 8000
ENV_FILE = "/etc/livefeed/livefeed.env"
BASE_DIR = "/srv/livefeed"


def get(ip, port, path, host_header, timeout=5):
    connection = http.client.HTTPConnection(ip, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": host_header})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("unit", ["livefeed-daphne.service", "livefeed-broadcaster.service"])
def test_app_services_are_enabled_and_running(host, unit):
    assert_unit_running(host, unit)


def test_app_services_run_as_the_livefeed_user(host):
    for unit in ("livefeed-daphne.service", "livefeed-broadcaster.service"):
        pid = host.run(f"systemctl show --property MainPID --value {unit}").stdout.strip()
        assert pid not in ("", "0"), f"{unit} has no main process"
        user = host.run(f"ps -o user= -p {pid}").stdout.strip()
        assert user == "livefeed", f"{unit} runs as {user!r}"


def test_daphne_listens_on_all_interfaces_port_8000(host):
    assert host.socket(f"tcp://0.0.0.0:{DAPHNE_PORT}").is_listening


def test_health_answers_200_on_daphne_for_the_hosts_ip_as_host(host_ip):
    status, body = get(host_ip, DAPHNE_PORT, "/health/", host_ip)
    assert status == 200, body
    assert b'"ok"' in body


def test_health_answers_200_on_daphne_for_a_host_name_the_app_does_not_know(host_ip):
    status, body = get(host_ip, DAPHNE_PORT, "/health/", "10.0.1.57")
    assert status == 200, body


def test_a_foreign_host_on_the_page_is_refused_with_400_by_daphne(host_ip):
    status, _ = get(host_ip, DAPHNE_PORT, "/", "attacker.example")
    assert status == 400


def test_health_is_back_within_15_s_after_restarting_daphne(host, host_ip):
    restarted = host.run("systemctl restart livefeed-daphne.service")
    assert restarted.rc == 0, restarted.stderr
    deadline = time.monotonic() + 15
    last = None
    while time.monotonic() < deadline:
        try:
            last, _ = get(host_ip, DAPHNE_PORT, "/health/", host_ip, timeout=2)
            if last == 200:
                break
        except OSError as error:
            last = error
        time.sleep(0.5)
    journal = host.run("journalctl --no-pager -n 30 -u livefeed-daphne.service").stdout
    assert last == 200, f"/health/ not back within 15 s (last: {last!r})\n{journal}"


def test_environment_file_is_0640_root_livefeed(host):
    env_file = host.file(ENV_FILE)
    assert env_file.is_file
    assert env_file.mode == 0o640
    assert env_file.user == "root"
    assert env_file.group == "livefeed"


def test_environment_file_selects_production_settings(host):
    content = host.file(ENV_FILE).content_string
    assert 'DJANGO_SETTINGS_MODULE="config.settings.production"' in content.splitlines()


def test_current_symlink_points_into_the_releases(host):
    current = host.file(f"{BASE_DIR}/current")
    assert current.is_symlink
    target = current.linked_to
    assert target.startswith(f"{BASE_DIR}/releases/"), target
    assert host.file(f"{target}/venv/bin/daphne").is_file
    assert host.file(f"{target}/.livefeed-release-complete").is_file


def test_release_code_is_not_writable_by_the_app_user(host):
    target = host.file(f"{BASE_DIR}/current").linked_to
    result = host.run(f"runuser -u livefeed -- test -w {target}/manage.py")
    assert result.rc != 0, "the livefeed user can modify its own code"


def test_static_files_were_collected_into_the_current_release(host):
    assert host.file(f"{BASE_DIR}/current/static/feed/feed.js").is_file


def test_database_has_no_unapplied_migrations(host):
    # The same environment the services get, read by the app user (the file's group).
    result = host.run(
        "cd /srv/livefeed/current && runuser -u livefeed -- sh -c "
        "'set -a; . /etc/livefeed/livefeed.env; exec venv/bin/python manage.py migrate --check'"
    )
    assert result.rc == 0, result.stdout + result.stderr


def open_files_limits(host, pid):
    """(soft, hard) "Max open files" of a process."""
    limits = host.file(f"/proc/{pid}/limits").content_string
    line = next(line for line in limits.splitlines() if line.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    return int(soft), int(hard)


def test_daphne_may_hold_thousands_of_open_websockets(host):
    # Each WebSocket is one descriptor; the default soft limit of 1024 caps the fan-out. The unit
    # asks for 65536; a host whose own ceiling is lower (this sandbox's is 20000) gets the ceiling.
    pid = host.check_output("systemctl show -p MainPID --value livefeed-daphne")
    _, ceiling = open_files_limits(host, 1)
    soft, _ = open_files_limits(host, pid)
    assert soft >= min(65536, ceiling)
    assert soft > 1024
