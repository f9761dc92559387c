"""The random-message broadcaster as real processes, sharing one lease in a real Redis."""

import asyncio
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from channels.layers import get_channel_layer
from django.conf import settings

from feed import metrics
from feed.broadcast import FEED_GROUP
from feed.broadcaster import lease_key

from .conftest import APP_DIR, production_env, stop_process, wait_until

MIN_INTERVAL = 1.0
MAX_INTERVAL = 1.5
# Any DATABASE_URL will do: the broadcaster never touches the database.
UNUSED_DATABASE = "postgres://127.0.0.1:1/unused"


class BroadcasterProcess:
    def __init__(self, redis_url, log_path):
        self.log_path = Path(log_path)
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        env = production_env(
            UNUSED_DATABASE,
            redis_url,
            BROADCASTER_MIN_INTERVAL=str(MIN_INTERVAL),
            BROADCASTER_MAX_INTERVAL=str(MAX_INTERVAL),
        )
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_broadcaster"],
            cwd=APP_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.identity_prefix = f"{socket.gethostname()}:{self.process.pid}:"

    def log(self):
        return self.log_path.read_text()

    def holds(self, client):
        value = client.get(lease_key())
        return value is not None and value.decode().startswith(self.identity_prefix)

    def stop(self):
        stop_process(self.process)
        self._log.close()


@pytest.fixture
def broadcasters(tmp_path):
    started = []

    def start(redis_url, name):
        process = BroadcasterProcess(redis_url, tmp_path / f"{name}.log")
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()


async def next_random_message(layer, channel, timeout):
    while True:
        message = await asyncio.wait_for(layer.receive(channel), timeout)
        if message["event"]["type"] == "message":
            return message["event"]


async def test_exactly_one_broadcaster_is_active_and_another_takes_over(broadcasters, shared_redis):
    shared_redis.delete(lease_key())
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(FEED_GROUP, channel)
    try:
        first = broadcasters(settings.REDIS_URL, "first")
        await asyncio.to_thread(
            wait_until, lambda: first.holds(shared_redis), 15, message="first takes the lease"
        )
        second = broadcasters(settings.REDIS_URL, "second")
        await asyncio.to_thread(
            wait_until, lambda: "broadcaster started" in second.log(), 15, message="second runs"
        )
        # Both running for several intervals: only the lease holder broadcasts.
        for _ in range(2):
            event = await next_random_message(layer, channel, 2 * MAX_INTERVAL)
            assert set(event) == {"type", "id", "author", "body", "created_at"}
        assert first.holds(shared_redis)
        assert "random message sent" in first.log()
        assert "random message sent" not in second.log()
        assert "lease acquired" not in second.log()

        first.process.send_signal(signal.SIGKILL)  # dies without releasing the lease
        first.process.wait(5)
        died = time.monotonic()
        await asyncio.to_thread(
            wait_until, lambda: second.holds(shared_redis), 2 * MAX_INTERVAL, 0.02, "takeover"
        )
        took_over = time.monotonic() - died
        print(f"lease takeover after {took_over:.2f}s")
        assert took_over <= 2 * MAX_INTERVAL
        # The new holder broadcasts within one interval of taking over, and clients get it.
        await asyncio.to_thread(
            wait_until,
            lambda: "random message sent" in second.log(),
            MAX_INTERVAL + 1,
            message="a message from the new holder",
        )
        sent_id = re.search(r"random message sent id=(\w+)", second.log()).group(1)
        while (await next_random_message(layer, channel, MAX_INTERVAL + 1))["id"] != sent_id:
            pass  # earlier messages from the first holder may still be queued

        second.process.send_signal(signal.SIGTERM)
        assert second.process.wait(10) == 0
        assert shared_redis.get(lease_key()) is None, "a clean stop releases the lease"
        assert "broadcaster stopped" in second.log()
    finally:
        await layer.group_discard(FEED_GROUP, channel)


def test_broadcaster_keeps_going_when_redis_restarts(broadcasters, private_redis):
    client = redis.Redis.from_url(private_redis.url, socket_connect_timeout=1)
    counter = metrics.shared_key("random_messages_sent_total")

    def sent():
        return int(client.get(counter) or 0)

    process = broadcasters(private_redis.url, "restart")
    wait_until(lambda: sent() >= 1, 10, message="a first random message")
    private_redis.stop()  # no persistence: the lease and the counter are gone with it
    time.sleep(2 * MIN_INTERVAL)
    private_redis.start()
    wait_until(lambda: sent() >= 1, 4 * MAX_INTERVAL, message="a message after the restart")
    assert process.process.poll() is None
    log = process.log()
    assert "redis unavailable" in log
    assert "redis reachable again" in log
    assert log.count("lease acquired") == 2
    client.close()


def run_django(code, **env_overrides):
    env = production_env(UNUSED_DATABASE, settings.REDIS_URL, **env_overrides)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=APP_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_django("print('started')", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "refuse to start" in result.stderr


def test_production_settings_start_with_a_secret_key_and_read_the_environment():
    code = (
        "from django.conf import settings as s\n"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS, s.SECURE_PROXY_SSL_HEADER,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.BROADCASTER_MIN_INTERVAL,"
        " s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['OPTIONS'])"
    )
    result = run_django(
        code,
        DJANGO_DEBUG="1",
        DJANGO_ALLOWED_HOSTS="a.example, b.example",
        BROADCASTER_MIN_INTERVAL="7",
        BROADCASTER_MAX_INTERVAL="9",
        DATABASE_URL="postgres://u:p@db.internal:5432/livefeed?sslmode=require",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "False ['a.example', 'b.example'] ['https://app.example.com'] "
        "('HTTP_X_FORWARDED_PROTO', 'https') True True 7.0 0 {'sslmode': 'require'}"
    )


def test_bad_broadcaster_interval_is_refused_with_a_reason():
    result = run_django("", BROADCASTER_MIN_INTERVAL="30", BROADCASTER_MAX_INTERVAL="20")
    assert result.returncode != 0
    assert "BROADCASTER_MIN_INTERVAL must be > 0 and <= BROADCASTER_MAX_INTERVAL" in result.stderr


def test_logs_are_one_line_per_event_on_stderr():
    code = (
        "import logging\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('feed').exception('boom\\nsecond line')\n"
    )
    result = run_django(code)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1, result.stderr
    assert " ERROR feed boom | second line | Traceback" in lines[0]
    assert "ZeroDivisionError" in lines[0]
