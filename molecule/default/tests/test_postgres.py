"""PostgreSQL on the hosts of the `postgres` group, as the app uses it."""

import yaml
from conftest import REPO, assert_listens_on_loopback_only, assert_unit_running, hosts_in_group

testinfra_hosts = hosts_in_group("postgres")

# The scenario converges with the rehearsal's group_vars (molecule.yml links them).
WIRING = yaml.safe_load((REPO / "inventory/local/group_vars/all/postgres.yml").read_text())
PG_HBA = "/etc/postgresql/15/main/pg_hba.conf"
APP_ENV_FILE = "/etc/livefeed/livefeed.env"

# Runs on the host with python3-psycopg2 (installed by the role): it reads DATABASE_URL from the
# app's environment file itself, so the password never appears on a command line or in test output.
CONNECT_AS_APP = r"""
import re, sys, psycopg2
env = {}
for line in open("/etc/livefeed/livefeed.env"):
    m = re.match(r'^([A-Z_]+)="((?:[^"\\]|\\.)*)"$', line.strip())
    if m:
        env[m.group(1)] = re.sub(r"\\(.)", r"\1", m.group(2))
conn = psycopg2.connect(env["DATABASE_URL"], connect_timeout=5)
cur = conn.cursor()
cur.execute("SELECT current_user, current_database(), inet_server_addr() IS NOT NULL")
print(*cur.fetchone())
"""

# Prints the plain password of the app's role (from the environment file), for leak checks only.
READ_APP_DB_PASSWORD = r"""
import re, urllib.parse
for line in open("/etc/livefeed/livefeed.env"):
    m = re.match(r'^DATABASE_URL="((?:[^"\\]|\\.)*)"$', line.strip())
    if m:
        url = urllib.parse.urlsplit(re.sub(r"\\(.)", r"\1", m.group(1)))
        print(urllib.parse.unquote(url.password or ""))
"""


def psql_as_postgres(host, sql: str) -> str:
    return host.check_output(f'runuser -u postgres -- psql -XAtc "{sql}"')


def pg_hba_rules(host) -> list[list[str]]:
    lines = host.file(PG_HBA).content_string.splitlines()
    return [line.split() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_postgresql_is_enabled_and_running(host):
    assert_unit_running(host, "postgresql")
    assert_unit_running(host, "postgresql@15-main")


def test_postgresql_listens_on_loopback_only(host):
    assert_listens_on_loopback_only(host, 5432)
    assert not host.socket("tcp://0.0.0.0:5432").is_listening


def test_postgresql_stores_passwords_as_scram_verifiers(host):
    assert psql_as_postgres(host, "SHOW password_encryption") == "scram-sha-256"
    verifiers = dict(
        line.split("|")
        for line in psql_as_postgres(
            host, "SELECT rolname, left(rolpassword, 14) FROM pg_authid WHERE rolcanlogin"
        ).splitlines()
    )
    user = WIRING["postgres_user"]
    assert verifiers.get(user) == "SCRAM-SHA-256$", f"{user} has no SCRAM verifier"


def test_pg_hba_admits_only_local_sockets_and_the_client_networks(host):
    rules = pg_hba_rules(host)
    local = [rule for rule in rules if rule[0] == "local"]
    tcp = [rule for rule in rules if rule[0] != "local"]
    assert local and all(rule[-1] == "peer" for rule in local), local
    assert tcp, "pg_hba.conf admits no TCP client at all"
    expected = {
        ("host", WIRING["postgres_db"], WIRING["postgres_user"], network, "scram-sha-256")
        for network in WIRING["postgres_client_networks"]
    }
    assert {tuple(rule) for rule in tcp} == expected


def test_pg_hba_rules_have_no_errors(host):
    assert (
        psql_as_postgres(host, "SELECT count(*) FROM pg_hba_file_rules WHERE error IS NOT NULL")
        == "0"
    )


def test_the_app_database_belongs_to_the_app_role(host):
    owners = dict(
        line.split("|")
        for line in psql_as_postgres(
            host, "SELECT datname, pg_get_userbyid(datdba) FROM pg_database"
        ).splitlines()
    )
    assert owners.get(WIRING["postgres_db"]) == WIRING["postgres_user"], owners


def test_the_app_role_logs_in_over_tcp_with_its_password(host):
    result = host.run("python3 -c %s", CONNECT_AS_APP)
    assert result.rc == 0, result.stderr
    assert result.stdout.split() == [WIRING["postgres_user"], WIRING["postgres_db"], "True"]


def test_a_wrong_password_is_refused_over_tcp(host):
    user, db = WIRING["postgres_user"], WIRING["postgres_db"]
    result = host.run(
        f"PGCONNECT_TIMEOUT=5 psql -X 'postgresql://{user}:wrong@127.0.0.1/{db}' -c 'SELECT 1'"
    )
    assert result.rc != 0
    assert "password authentication failed" in result.stderr, result.stderr


def test_the_postgres_superuser_is_not_reachable_over_tcp(host):
    result = host.run(
        "PGCONNECT_TIMEOUT=5 psql -X 'postgresql://postgres:x@127.0.0.1/postgres' -c 'SELECT 1'"
    )
    assert result.rc != 0
    assert "no pg_hba.conf entry" in result.stderr, result.stderr


def test_postgres_password_is_not_in_the_converge_output(host, converge_log):
    password = host.check_output("python3 -c %s", READ_APP_DB_PASSWORD)
    # Booleans only in assertions: pytest would print compared strings, and this one is a secret.
    found = len(password) >= 12
    assert found, f"no database password found in {APP_ENV_FILE}"
    leaked = password in converge_log
    assert not leaked, "the PostgreSQL password appears in the converge output"
