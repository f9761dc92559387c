import asyncio

from django.conf import settings
from django.core.management.base import BaseCommand

from feed.broadcaster import Broadcaster


class Command(BaseCommand):
    help = (
        "Broadcast a random message to every client every BROADCASTER_MIN_INTERVAL.."
        "BROADCASTER_MAX_INTERVAL seconds; one active instance at a time. Runs until SIGTERM."
    )

    def handle(self, *args, **options):
        broadcaster = Broadcaster(
            settings.BROADCASTER_MIN_INTERVAL, settings.BROADCASTER_MAX_INTERVAL, settings.REDIS_URL
        )
        asyncio.run(broadcaster.run())
