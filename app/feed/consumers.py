import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer
from redis.exceptions import RedisError

from . import metrics
from .broadcast import FEED_GROUP

logger = logging.getLogger(__name__)


class FeedConsumer(AsyncWebsocketConsumer):
    """Sends every feed event to the client; answers pings; never dies on a bad frame."""

    counted = False

    async def connect(self):
        try:
            await self.channel_layer.group_add(FEED_GROUP, self.channel_name)
        except (RedisError, OSError) as error:
            # Without the layer this client would never hear anything: refuse, it reconnects.
            # An outage is expected, not a bug: one line per handshake, no traceback.
            logger.warning("websocket refused (403): could not join the feed group: %s", error)
            await self.close()
            return
        except Exception:
            logger.exception("websocket refused (403): could not join the feed group")
            await self.close()
            return
        await self.accept()
        self.counted = True
        metrics.add("websocket_connections_open")

    async def disconnect(self, code):
        if self.counted:
            self.counted = False
            metrics.add("websocket_connections_open", -1)
        try:
            await self.channel_layer.group_discard(FEED_GROUP, self.channel_name)
        except Exception as error:
            # The group entry expires by itself; nothing is lost but a little Redis memory.
            logger.warning("could not leave the feed group on disconnect: %s", error)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            await self._error("unsupported", "Only text frames with JSON are understood.")
            return
        try:
            message = json.loads(text_data)
        except json.JSONDecodeError as error:
            await self._error("invalid_json", f"Not valid JSON: {error}")
            return
        if isinstance(message, dict) and message.get("type") == "ping":
            await self.send(text_data=json.dumps({"type": "pong"}))
            return
        await self._error("unknown_message", 'Unknown message; the only one is {"type": "ping"}.')

    async def feed_event(self, message):
        await self.send(text_data=json.dumps(message["event"]))

    async def _error(self, code, detail):
        await self.send(text_data=json.dumps({"type": "error", "error": code, "detail": detail}))


class UnknownPathConsumer(AsyncWebsocketConsumer):
    """Refuses a handshake to a path nothing serves: closing before accept makes Daphne say 403."""

    # Refusing needs no channel layer, so a Redis outage cannot turn this refusal into a 500.
    channel_layer_alias = None

    async def connect(self):
        path = self.scope["path"]
        logger.warning("websocket handshake refused (403): no route for path %r", path)
        await self.close()
