"""Settings shared by every environment. The environment is the only configuration source."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    """A comma-separated environment variable as a list without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def env_float(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, got {raw!r}") from error


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.staticfiles",
    "channels",
    "feed",
]

MIDDLEWARE = [
    # First, so /health/ answers for any Host before anything validates the Host header.
    "feed.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "feed.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# CONN_MAX_AGE=0: under ASGI every request runs in its own thread, so persistent connections
# would pile up one per thread; closing at the end of each request keeps the count bounded.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres:///livefeed?host=/var/run/postgresql"),
        conn_max_age=0,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Keys this app owns in Redis (broadcaster lease, shared counters); the channel layer uses "asgi".
REDIS_KEY_PREFIX = "livefeed:"

CHANNEL_LAYERS = {
    "default": {
        # A RedisChannelLayer whose pools wait for a free connection instead of failing, with a
        # socket timeout above the layer's 5 s blocking read: see feed/channel_layer.py.
        "BACKEND": "feed.channel_layer.BoundedRedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

BROADCASTER_MIN_INTERVAL = env_float("BROADCASTER_MIN_INTERVAL", 5.0)
BROADCASTER_MAX_INTERVAL = env_float("BROADCASTER_MAX_INTERVAL", 20.0)
if not 0 < BROADCASTER_MIN_INTERVAL <= BROADCASTER_MAX_INTERVAL:
    raise ImproperlyConfigured(
        "BROADCASTER_MIN_INTERVAL must be > 0 and <= BROADCASTER_MAX_INTERVAL "
        f"(got {BROADCASTER_MIN_INTERVAL} and {BROADCASTER_MAX_INTERVAL})"
    )

# Behind a TLS-terminating load balancer and nginx: the proxy says which scheme the client used.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or str(BASE_DIR / "staticfiles")

# One line per event on stderr (tracebacks folded into the line) so journald keeps each whole.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "one_line": {
            "()": "config.logging.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {"warning_without_traceback": {"()": "config.logging.WarningWithoutTraceback"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "one_line"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own handlers would print a second copy; route everything through the root.
        "django": {"handlers": [], "propagate": True},
        "django.security.DisallowedHost": {"filters": ["warning_without_traceback"]},
    },
}
