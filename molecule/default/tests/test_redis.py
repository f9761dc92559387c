"""Redis as the channel layer, on the hosts of the `redis` group."""

import re

from conftest import (
    assert_listens_on_loopback_only,
    assert_unit_running,
    hosts_in_group,
    run_playbook,
)

testinfra_hosts = hosts_in_group("redis")

REDIS_CONF = "/etc/redis/redis.conf"
# Run on the host: the password is read there from redis.conf, so it is never on a command line.
REDIS_CLI = (
    'REDISCLI_AUTH="$(sed -n \'s/^requirepass "\\(.*\\)"$/\\1/p\' ' + REDIS_CONF + ')" '
    "redis-cli --no-auth-warning -h 127.0.0.1 -p 6379"
)


def redis_password(host) -> str:
    """The requirepass value, unescaped the way the role's template escapes it."""
    conf = host.file(REDIS_CONF).content_string
    match = re.search(r'^requirepass "((?:[^"\\]|\\.)*)"$', conf, re.MULTILINE)
    return re.sub(r"\\(.)", r"\1", match.group(1)) if match else ""


def redis_config(host, name: str) -> str:
    result = host.run(f"{REDIS_CLI} config get {name}")
    assert result.rc == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0] == name, f"CONFIG GET {name} answered {lines}"
    return lines[1]


def file_sha256(host, path: str) -> str:
    return host.check_output(f"sha256sum {path}").split()[0]


def test_redis_is_enabled_and_running(host):
    assert_unit_running(host, "redis-server")


def test_redis_listens_on_loopback_only(host):
    assert_listens_on_loopback_only(host, 6379)
    assert not host.socket("tcp://0.0.0.0:6379").is_listening


def test_redis_refuses_clients_without_the_password(host):
    result = host.run("redis-cli -h 127.0.0.1 -p 6379 ping")
    assert "NOAUTH" in result.stdout + result.stderr, result.stdout


def test_redis_answers_with_the_password_from_redis_conf(host):
    assert host.check_output(f"{REDIS_CLI} ping") == "PONG"


def test_redis_keeps_nothing_on_disk(host):
    assert redis_config(host, "save") == ""
    assert redis_config(host, "appendonly") == "no"


def test_redis_never_closes_idle_channel_layer_connections(host):
    assert redis_config(host, "timeout") == "0"


def test_redis_has_a_memory_limit_that_evicts_expiring_keys(host):
    assert int(redis_config(host, "maxmemory")) > 0
    assert redis_config(host, "maxmemory-policy") == "volatile-ttl"


def test_redis_runs_in_protected_mode(host):
    assert redis_config(host, "protected-mode") == "yes"


def test_redis_config_file_is_readable_by_redis_only(host):
    conf = host.file(REDIS_CONF)
    assert (conf.user, conf.group, conf.mode) == ("redis", "redis", 0o640)


def test_redis_unit_lifts_only_private_users_in_a_container(host):
    # systemd's own answer, so the test runs with Molecule's ansible backend and with docker://.
    virtualization = host.run("systemd-detect-virt --container").stdout.strip()
    dropin = host.file("/etc/systemd/system/redis-server.service.d/container.conf")
    assert virtualization == "docker", "this scenario runs in a docker container"
    assert dropin.exists
    properties = "-p PrivateUsers -p ProtectSystem -p NoNewPrivileges -p ProtectHome"
    show = host.check_output(f"systemctl show redis-server {properties}")
    assert set(show.splitlines()) == {
        "PrivateUsers=no",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "ProtectHome=yes",
    }


def test_redis_password_is_not_in_the_converge_output(host, converge_log):
    password = redis_password(host)
    # Booleans only in assertions: pytest would print compared strings, and this one is a secret.
    found = len(password) >= 12
    assert found, "redis.conf has no requirepass to look for"
    leaked = password in converge_log
    assert not leaked, "the Redis password appears in the converge output"


def test_redis_password_is_not_in_the_hosts_journal(host):
    # sudo logs the command lines it runs: a password in a task's environment: would be kept here.
    password = redis_password(host)
    journal = host.run("journalctl --no-pager")
    assert journal.rc == 0, journal.stderr
    found = len(password) >= 12
    assert found, "redis.conf has no requirepass to look for"
    leaked = password in journal.stdout
    assert not leaked, "the Redis password appears in the host's journal"


def assert_refused_before_any_change(host, extra_vars: list[str], variable: str) -> None:
    before = file_sha256(host, REDIS_CONF)
    result = run_playbook(host, "redis.yml", *extra_vars)
    output = result.stdout + result.stderr
    assert result.returncode != 0, f"the play accepted {extra_vars}:\n{output}"
    # Task names mention variables too: only the failure report itself counts.
    failure = output.partition("fatal:")[2].partition("PLAY RECAP")[0]
    assert variable in failure, f"the failure does not name {variable}:\n{output}"
    assert "changed=0" in output and "failed=1" in output, output
    assert file_sha256(host, REDIS_CONF) == before, "redis.conf changed, yet the play was refused"
    assert_unit_running(host, "redis-server")


def test_a_bad_redis_port_stops_the_play_before_any_change(host):
    assert_refused_before_any_change(host, ["redis_port=70000"], "redis_port")


def test_redis_bound_publicly_without_a_password_stops_the_play(host):
    assert_refused_before_any_change(
        host, ['{"redis_bind": ["0.0.0.0"], "redis_password": ""}'], "redis_password"
    )
