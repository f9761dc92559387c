"""The WebSocket consumer through the full ASGI application (Origin validation included)."""

import contextlib
import json
import logging

import pytest
import redis
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from config.asgi import application

from feed import metrics
from feed.broadcast import FEED_GROUP, group_message
from feed.broadcaster import random_message
from feed.channel_layer import BoundedRedisChannelLayer

GOOD_ORIGIN = [(b"origin", b"http://localhost")]


def communicator(headers=GOOD_ORIGIN):
    return WebsocketCommunicator(application, "/ws/feed/", headers=headers)


@pytest.fixture
async def connected():
    socket = communicator()
    accepted, _ = await socket.connect()
    assert accepted
    yield socket
    await socket.disconnect()


async def test_post_event_reaches_the_client_as_json(connected):
    event = {
        "type": "post",
        "id": 41,
        "author": "ada",
        "body": "hello",
        "created_at": "2026-01-01T00:00:00+00:00",
    }
    await get_channel_layer().group_send(FEED_GROUP, group_message(event))
    assert json.loads(await connected.receive_from(timeout=3)) == event


async def test_random_message_reaches_every_client(connected):
    second = communicator()
    assert (await second.connect())[0]
    try:
        message = random_message()
        await get_channel_layer().group_send(FEED_GROUP, group_message(message))
        for socket in (connected, second):
            received = json.loads(await socket.receive_from(timeout=3))
            assert received == message
            assert received["type"] == "message"
            assert set(received) == {"type", "id", "author", "body", "created_at"}
    finally:
        await second.disconnect()


async def test_invalid_json_gets_an_error_frame_and_the_socket_stays_open(connected):
    await connected.send_to(text_data="{nope")
    error = json.loads(await connected.receive_from())
    assert error["type"] == "error"
    assert error["error"] == "invalid_json"
    await connected.send_json_to({"type": "ping"})
    assert json.loads(await connected.receive_from()) == {"type": "pong"}


@pytest.mark.parametrize("frame", ['{"type": "subscribe"}', "[1, 2]", '"ping"', "{}"])
async def test_unknown_frame_gets_an_error_frame(connected, frame):
    await connected.send_to(text_data=frame)
    assert json.loads(await connected.receive_from())["error"] == "unknown_message"
    await connected.send_json_to({"type": "ping"})
    assert json.loads(await connected.receive_from()) == {"type": "pong"}


async def test_binary_frame_gets_an_error_frame(connected):
    await connected.send_to(bytes_data=b"\x00\x01")
    assert json.loads(await connected.receive_from())["error"] == "unsupported"
    await connected.send_json_to({"type": "ping"})
    assert json.loads(await connected.receive_from()) == {"type": "pong"}


@pytest.mark.parametrize(
    "headers",
    [
        [(b"origin", b"http://attacker.example")],
        [(b"origin", b"https://app.example.com.attacker.example")],
        [],
    ],
)
async def test_foreign_or_missing_origin_is_refused_and_logged(headers, caplog):
    socket = communicator(headers)
    with caplog.at_level(logging.WARNING, logger="feed.security"):
        accepted, _ = await socket.connect()
    await socket.disconnect()
    assert not accepted
    assert "websocket handshake refused" in caplog.text


async def test_open_connections_gauge_follows_connects_and_disconnects():
    before = metrics.value("websocket_connections_open")
    socket = communicator()
    assert (await socket.connect())[0]
    assert metrics.value("websocket_connections_open") == before + 1
    await socket.disconnect()
    assert metrics.value("websocket_connections_open") == before


async def test_handshake_is_refused_when_redis_is_down(settings, private_redis, caplog):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "feed.channel_layer.BoundedRedisChannelLayer",
            "CONFIG": {"hosts": [private_redis.url]},
        }
    }
    private_redis.stop()
    socket = communicator()
    # The consumer refuses; channels' own receive loop on the layer may also fail: either way
    # the client is not accepted into a feed it could never hear from, and it reconnects later.
    try:
        accepted, _ = await socket.connect(timeout=10)
    except redis.ConnectionError:
        accepted = False
    with contextlib.suppress(redis.ConnectionError):
        await socket.disconnect()
    assert not accepted
    refusals = [r for r in caplog.records if "could not join the feed group" in r.getMessage()]
    assert refusals, caplog.text
    assert all(r.levelname == "WARNING" and r.exc_info is None for r in refusals)


def test_channel_layer_pool_waits_instead_of_failing_and_outlives_blocking_reads(settings):
    layer = BoundedRedisChannelLayer(hosts=[settings.REDIS_URL])
    pool = layer.create_pool(0)
    assert type(pool).__name__ == "BlockingConnectionPool"
    assert pool.max_connections == 64
    assert pool.connection_kwargs["socket_timeout"] > layer.brpop_timeout


@pytest.mark.parametrize("path", ["/ws/nope/", "/", "/ws/feed/extra/"])
async def test_handshake_to_an_unknown_path_is_refused_and_logged(path, caplog):
    socket = WebsocketCommunicator(application, path, headers=GOOD_ORIGIN)
    with caplog.at_level(logging.WARNING, logger="feed.consumers"):
        accepted, _ = await socket.connect()
    await socket.disconnect()
    assert not accepted
    assert f"websocket handshake refused (403): no route for path '{path}'" in caplog.text
