"""The Redis channel layer, configured to survive bursts of handshakes and idle sockets.

With channels_redis defaults on redis-py 8 each layer gets a ConnectionPool capped at 100
connections that raises "Too many connections" when a burst of handshakes (each one a
group_add) needs more at once: the handshake fails with HTTP 500. And redis-py's default 5 s
socket timeout equals the layer's 5 s blocking BZPOPMIN, so an idle receive loop times out
and takes the consumers down with it.

Here every pool is a BlockingConnectionPool: a burst waits briefly for one of a bounded number
of connections instead of failing or opening one connection per client; and the socket
timeout sits well above the blocking read.
"""

from channels_redis.core import RedisChannelLayer
from redis import asyncio as aioredis

# Connections per process and Redis host; Redis allows 10000 clients by default, and several
# app instances share one Redis.
MAX_CONNECTIONS = 64
# How long a command may wait for a free pooled connection before it fails.
POOL_WAIT_TIMEOUT = 10
# Must exceed RedisChannelLayer.brpop_timeout (5 s), the blocking read of the receive loop.
SOCKET_TIMEOUT = 15
SOCKET_CONNECT_TIMEOUT = 3


class BoundedRedisChannelLayer(RedisChannelLayer):
    def create_pool(self, index):
        host = dict(self.hosts[index])
        if "address" not in host:
            return super().create_pool(index)
        address = host.pop("address")
        host.setdefault("max_connections", MAX_CONNECTIONS)
        host.setdefault("timeout", POOL_WAIT_TIMEOUT)
        host.setdefault("socket_timeout", max(SOCKET_TIMEOUT, self.brpop_timeout + 5))
        host.setdefault("socket_connect_timeout", SOCKET_CONNECT_TIMEOUT)
        host.setdefault("health_check_interval", 30)
        return aioredis.BlockingConnectionPool.from_url(address, **host)
