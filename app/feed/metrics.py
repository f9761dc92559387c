"""Counters for /metrics.

Two homes, because the broadcaster is its own process:
- Counted where they happen, in this process: open WebSocket connections, posts created,
  post broadcasts sent and failed. Each app instance reports its own; Prometheus sums them.
- Counted in Redis (INCR), shared by all instances: random messages sent by the broadcaster,
  whichever instance holds the lease. /metrics reads them when Redis answers and says
  livefeed_redis_up 0 when it does not.
"""

import threading

from django.conf import settings

_lock = threading.Lock()
_local = {
    "websocket_connections_open": 0,
    "posts_created_total": 0,
    "broadcasts_sent_total": 0,
    "broadcast_failures_total": 0,
}

SHARED_COUNTERS = ("random_messages_sent_total",)

HELP = {
    "websocket_connections_open": ("gauge", "WebSocket connections open on this process."),
    "posts_created_total": ("counter", "Posts saved by this process."),
    "broadcasts_sent_total": ("counter", "Post broadcasts handed to the channel layer."),
    "broadcast_failures_total": (
        "counter",
        "Post broadcasts that failed (post saved, clients not told).",
    ),
    "random_messages_sent_total": (
        "counter",
        "Random messages broadcast by the active broadcaster, all instances (from Redis).",
    ),
    "redis_up": ("gauge", "1 if this process could read the shared counters from Redis."),
}


def add(name, amount=1):
    with _lock:
        _local[name] += amount


def value(name):
    with _lock:
        return _local[name]


def shared_key(name):
    return f"{settings.REDIS_KEY_PREFIX}metrics:{name}"


def render(shared):
    """Prometheus text format. `shared` maps shared counter names to values, or is None."""
    with _lock:
        values = dict(_local)
    if shared is None:
        values["redis_up"] = 0
    else:
        values["redis_up"] = 1
        values.update(shared)
    lines = []
    for name, number in values.items():
        kind, text = HELP[name]
        lines.append(f"# HELP livefeed_{name} {text}")
        lines.append(f"# TYPE livefeed_{name} {kind}")
        lines.append(f"livefeed_{name} {number}")
    return "\n".join(lines) + "\n"
