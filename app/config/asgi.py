import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
# Build the Django app first: it sets Django up before routing imports consumers and models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from feed.routing import websocket_urlpatterns  # noqa: E402
from feed.security import logged_allowed_hosts_origin_validator  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": logged_allowed_hosts_origin_validator(URLRouter(websocket_urlpatterns)),
    }
)
