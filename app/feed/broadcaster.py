"""The random-message broadcaster: one active instance at a time, chosen by a lease in Redis.

Every instance runs a loop that wakes each `tick` (half the minimum interval). The holder of
the lease renews it on every tick and, when its random 5-20 s wait is over, broadcasts a
message. The others try to take the lease on every tick. The lease lives 3 ticks, so when its
holder dies another instance holds it at most 4 ticks later: two minimum intervals.
Redis going away is logged and retried on the next tick; a Redis restart loses the lease key,
so the next tick's renewal fails and the instances race for it again.
"""

import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import uuid
from datetime import UTC, datetime

from channels.layers import get_channel_layer
from django.conf import settings
from redis import asyncio as aioredis
from redis.exceptions import LockError, RedisError

from . import metrics
from .broadcast import FEED_GROUP, group_message

logger = logging.getLogger(__name__)

MESSAGES = (
    "Somebody somewhere just finished a cup of tea.",
    "The feed is alive and well.",
    "Random thought: tabs or spaces? Spaces.",
    "Did you know? WebSockets start life as HTTP requests.",
    "Reminder: stretch your legs.",
    "Hello from the broadcaster.",
    "This message was chosen at random.",
    "Fun fact: a lease in Redis decides who sends this.",
)


def lease_key():
    return f"{settings.REDIS_KEY_PREFIX}broadcaster:lease"


def random_message():
    return {
        "type": "message",
        "id": uuid.uuid4().hex,
        "author": "livefeed",
        "body": random.choice(MESSAGES),  # noqa: S311 - not for security
        "created_at": datetime.now(UTC).isoformat(),
    }


class Broadcaster:
    def __init__(self, min_interval, max_interval, redis_url):
        self.min_interval = min_interval
        self.max_interval = max_interval
        self.tick = min_interval / 2
        self.lease_ttl = 3 * self.tick
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.redis = aioredis.Redis.from_url(
            redis_url, socket_timeout=max(self.tick, 1), socket_connect_timeout=max(self.tick, 1)
        )
        self.lease = self.redis.lock(
            lease_key(), timeout=self.lease_ttl, blocking=False, thread_local=False
        )
        self.holding = False
        self.redis_ok = True
        self.next_send = 0.0
        self.stopping = asyncio.Event()

    def stop(self):
        self.stopping.set()

    def _schedule_next(self, loop):
        wait = random.uniform(self.min_interval, self.max_interval)  # noqa: S311
        self.next_send = loop.time() + wait

    async def _step(self, loop):
        if self.holding:
            try:
                await self.lease.reacquire()
            except LockError:
                self.holding = False
                logger.warning("broadcaster lease lost identity=%s", self.identity)
        if not self.holding and await self.lease.acquire(token=self.identity):
            self.holding = True
            self._schedule_next(loop)
            logger.info(
                "broadcaster lease acquired identity=%s ttl=%.1fs", self.identity, self.lease_ttl
            )
        if self.holding and loop.time() >= self.next_send:
            message = random_message()
            await get_channel_layer().group_send(FEED_GROUP, group_message(message))
            await self.redis.incr(metrics.shared_key("random_messages_sent_total"))
            logger.info("random message sent id=%s", message["id"])
            self._schedule_next(loop)

    async def run(self):
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop)
        logger.info(
            "broadcaster started identity=%s interval=%.1f-%.1fs",
            self.identity,
            self.min_interval,
            self.max_interval,
        )
        while not self.stopping.is_set():
            try:
                await self._step(loop)
                if not self.redis_ok:
                    self.redis_ok = True
                    logger.info("broadcaster: redis reachable again")
            except (RedisError, OSError) as error:
                if self.redis_ok:
                    self.redis_ok = False
                    logger.warning("broadcaster: redis unavailable, retrying: %r", error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=self.tick)
        await self._release()
        logger.info("broadcaster stopped identity=%s", self.identity)

    async def _release(self):
        if self.holding:
            try:
                await self.lease.release()
                logger.info("broadcaster lease released identity=%s", self.identity)
            except (LockError, RedisError, OSError) as error:
                logger.warning("broadcaster lease not released (it expires): %r", error)
        await self.redis.aclose()
