"""Everything that goes to connected clients goes through the `feed` group of the channel layer."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from . import metrics

logger = logging.getLogger(__name__)

FEED_GROUP = "feed"
# Channel layer message type; the consumer's handler method is named after it (feed_event).
FEED_EVENT = "feed.event"


def group_message(event):
    return {"type": FEED_EVENT, "event": event}


def broadcast_post(post):
    """Tell every client about a committed post. Never raises: the post is saved regardless."""
    try:
        async_to_sync(get_channel_layer().group_send)(FEED_GROUP, group_message(post.as_event()))
    except Exception:
        metrics.add("broadcast_failures_total")
        logger.exception("broadcast of post id=%s failed; the post is saved", post.id)
    else:
        metrics.add("broadcasts_sent_total")
