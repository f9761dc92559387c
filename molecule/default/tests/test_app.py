"""The app tier: Daphne and the broadcaster as deployed by roles/app, probed from the controller."""

import http.client
import re
import shutil
import time
import urllib.parse

import pytest
from conftest import REPO, assert_unit_running, hosts_in_group, run_playbook

testinfra_hosts = hosts_in_group("app")

DAPHNE_PORT = 8000
ENV_FILE = "/etc/livefeed/livefeed.env"
REDIS_CONF = "/etc/redis/redis.conf"
# What the tiers before the app write and run: a refused run must leave all of it as it was.
EARLIER_TIER_FILES = [
    "/etc/postgresql/15/main/conf.d/50-livefeed.conf",
    REDIS_CONF,
    "/etc/nginx/nginx.conf",
    "/etc/nginx/sites-available/livefeed.conf",
    ENV_FILE,
]
EARLIER_TIER_UNITS = ["postgresql@15-main.service", "redis-server.service", "nginx.service"]
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


def quoted_values(text: str, pattern: str) -> dict[str, str]:
    """NAME -> value of `NAME "value"` lines, unescaped the way the roles' templates escape them."""
    values = {}
    for match in re.finditer(pattern, text, re.MULTILINE):
        values[match.group(1)] = re.sub(r"\\(.)", r"\1", match.group(2))
    return values


def secrets_on_the_host(host) -> dict[str, str]:
    """Every secret the converge handed to this host, read from the files it was written to."""
    env = quoted_values(host.file(ENV_FILE).content_string, r'^([A-Z_]+)="((?:[^"\\]|\\.)*)"$')
    secrets = {"app_secret_key (DJANGO_SECRET_KEY)": env.get("DJANGO_SECRET_KEY", "")}
    for variable, name in (("postgres_password", "DATABASE_URL"), ("redis_password", "REDIS_URL")):
        password = urllib.parse.urlsplit(env.get(name, "")).password or ""
        secrets[f"{variable} (password in {name})"] = urllib.parse.unquote(password)
    if host.file(REDIS_CONF).exists:
        conf = quoted_values(
            host.file(REDIS_CONF).content_string, r'^(requirepass) "((?:[^"\\]|\\.)*)"$'
        )
        secrets["redis_password (requirepass in redis.conf)"] = conf.get("requirepass", "")
    return secrets


def test_no_secret_appears_in_the_hosts_journal(host):
    # sudo logs every command line it runs, so a secret passed through a task's environment: or
    # argv would be kept in the journal (and shown by ps while it runs).
    journal = host.run("journalctl --no-pager")
    assert journal.rc == 0, journal.stderr
    secrets = {name: value for name, value in secrets_on_the_host(host).items() if value}
    # Names only in assertions: pytest would print compared strings, and these are secrets.
    expected = {
        "app_secret_key (DJANGO_SECRET_KEY)",
        "postgres_password (password in DATABASE_URL)",
    }
    missing = sorted(expected - secrets.keys())
    assert not missing, f"not found on the host, so not looked for: {missing}"
    leaked = sorted(
        name
        for name, value in secrets.items()
        if value in journal.stdout or urllib.parse.quote(value, safe="") in journal.stdout
    )
    assert not leaked, f"these secrets appear in the host's journal: {', '.join(leaked)}"


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


def test_a_bad_app_variable_stops_site_yml_before_any_tier_changes(host):
    # The Redis and PostgreSQL overrides are valid and would change those tiers (new redis.conf,
    # restarts) if their plays ran before the app's preflight refused the short secret key.
    files = [path for path in EARLIER_TIER_FILES if host.file(path).exists]
    checksums = {path: host.check_output(f"sha256sum {path}").split()[0] for path in files}
    pids = {
        unit: host.check_output(f"systemctl show -p MainPID --value {unit}")
        for unit in EARLIER_TIER_UNITS
    }
    result = run_playbook(
        host,
        "site.yml",
        "redis_maxmemory=128mb",
        "postgres_max_connections=101",
        "app_secret_key=short",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"site.yml accepted app_secret_key=short:\n{output}"
    # Task names mention variables too: only the failure report itself counts.
    failure = output.partition("fatal:")[2].partition("PLAY RECAP")[0]
    assert "app_secret_key" in failure, f"the failure does not name app_secret_key:\n{output}"
    recap = output.partition("PLAY RECAP")[2]
    assert re.findall(r"changed=(\d+)", recap) == ["0"], output
    assert "failed=1" in recap, output
    changed = [p for p in files if host.check_output(f"sha256sum {p}").split()[0] != checksums[p]]
    assert not changed, f"changed by a refused run: {changed}\n{output}"
    restarted = [
        unit
        for unit, pid in pids.items()
        if host.check_output(f"systemctl show -p MainPID --value {unit}") != pid
    ]
    assert not restarted, f"restarted by a refused run: {restarted}\n{output}"


def live_release(host) -> str:
    return host.check_output(f"readlink -f {BASE_DIR}/current")


def run_and_check(host, playbook: str, *extra_vars: str) -> None:
    result = run_playbook(host, playbook, *extra_vars)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{playbook} {extra_vars} failed:\n{output}"


def test_rollback_after_redeploying_an_older_release_returns_to_the_one_it_replaced(
    host, host_ip, tmp_path
):
    # Releases are named by content: deploying A, B, then A again (a revert) leaves A's directory
    # the oldest, and rollback must still go back to B, the release live before the current one.
    release_a = live_release(host)
    source_b = tmp_path / "app"
    shutil.copytree(
        REPO / "app",
        source_b,
        ignore=shutil.ignore_patterns("__pycache__", "*.py[co]", "staticfiles", ".*_cache"),
    )
    with (source_b / "README.md").open("a") as readme:
        readme.write("\nRelease B of the rollback test.\n")
    try:
        run_and_check(host, "deploy.yml", f"app_source_dir={source_b}")
        release_b = live_release(host)
        assert release_b != release_a, "the changed README.md did not make a new release"
        run_and_check(host, "deploy.yml")
        assert live_release(host) == release_a

        run_and_check(host, "rollback.yml")
        assert live_release(host) == release_b, "rollback did not return to release B"
        status, body = get(host_ip, DAPHNE_PORT, "/health/", host_ip)
        assert status == 200, body

        # previous now points at A: a second rollback undoes the first.
        run_and_check(host, "rollback.yml")
        assert live_release(host) == release_a, "a second rollback did not return to release A"
    finally:
        # Later tests expect the converged release live, whatever failed above.
        if live_release(host) != release_a:
            run_playbook(host, "deploy.yml")
    assert live_release(host) == release_a
