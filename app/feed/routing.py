from django.urls import path, re_path

from .consumers import FeedConsumer, UnknownPathConsumer

websocket_urlpatterns = [
    path("ws/feed/", FeedConsumer.as_asgi()),
    # Last: any other path is refused (403) instead of Channels raising "No route found" (500).
    re_path(r"", UnknownPathConsumer.as_asgi()),
]
