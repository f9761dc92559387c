"""Fixtures that start real processes: a private redis-server, Daphne, broadcasters.

Everything listens on 127.0.0.1 on a free port and is stopped at teardown.
"""

import contextlib
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

APP_DIR = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


def stop_process(process, timeout=10):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def http_request(port, method, path, body=None, headers=None, timeout=10):
    """One HTTP request to a loopback server, on a fresh connection."""
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


class PrivateRedis:
    """A redis-server of our own on a free loopback port, to stop and start at will."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://{LOOPBACK}:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        assert binary, "redis-server missing: run scripts/test-services.sh"
        command = [binary, "--bind", LOOPBACK, "--port", str(self.port), "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.workdir)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        wait_until(client.ping, 10, message=f"private redis on port {self.port}")
        client.close()

    def stop(self):
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def shared_redis():
    """The tests' Redis (REDIS_URL, database 1 by default), as a client."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield client
    client.close()


def database_url_for(database_name):
    """DATABASE_URL of the tests, pointed at pytest-django's test database."""
    base = os.environ.get("DATABASE_URL", "postgres:///livefeed?host=/var/run/postgresql")
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{database_name}"))


def production_env(database_url, redis_url, **overrides):
    """Environment for a subprocess running the production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "BROADCASTER_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,app.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://app.example.com",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


class Daphne:
    def __init__(self, env, log_path):
        self.port = free_port()
        self.base_url = f"http://{LOOPBACK}:{self.port}"
        self.ws_url = f"ws://{LOOPBACK}:{self.port}/ws/feed/"
        self.origin = f"http://{LOOPBACK}:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        command = [sys.executable, "-m", "daphne", "-b", LOOPBACK, "-p", str(self.port)]
        command += ["--proxy-headers", "config.asgi:application"]
        self.process = subprocess.Popen(
            command, cwd=APP_DIR, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

        def healthy():
            assert self.process.poll() is None, self.log()
            return http_request(self.port, "GET", "/health/").status == 200

        wait_until(healthy, 20, message=f"daphne on port {self.port}")

    def log(self):
        return Path(self.log_path).read_text()

    def stop(self):
        stop_process(self.process)
        self._log.close()


@pytest.fixture(scope="session")
def live_database_url(django_db_setup, django_db_blocker):
    from django.db import connection

    with django_db_blocker.unblock():
        return database_url_for(connection.settings_dict["NAME"])


@pytest.fixture(scope="session")
def static_root(live_database_url, tmp_path_factory):
    """collectstatic as a deploy runs it: production pages name files from its manifest."""
    root = tmp_path_factory.mktemp("static")
    env = production_env(live_database_url, settings.REDIS_URL, DJANGO_STATIC_ROOT=str(root))
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=APP_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    return root


@pytest.fixture(scope="session")
def daphne(live_database_url, static_root, tmp_path_factory):
    """One Daphne process with the production settings, on the test database and Redis."""
    server = Daphne(
        production_env(live_database_url, settings.REDIS_URL, DJANGO_STATIC_ROOT=str(static_root)),
        tmp_path_factory.mktemp("daphne") / "daphne.log",
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def daphne_without_database(static_root, tmp_path_factory):
    """Daphne with the production settings and Redis, its database a closed loopback port."""
    dead_database = f"postgres://{LOOPBACK}:{free_port()}/livefeed"
    server = Daphne(
        production_env(dead_database, settings.REDIS_URL, DJANGO_STATIC_ROOT=str(static_root)),
        tmp_path_factory.mktemp("daphne-no-db") / "daphne.log",
    )
    yield server
    server.stop()
