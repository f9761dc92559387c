"""Deployed settings: everything from the environment, nothing insecure by default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: production settings refuse to start without a secret key, "
        "because a guessable key lets anyone forge signed values. Set DJANGO_SECRET_KEY in the "
        "service environment."
    )

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# TLS ends at the load balancer, which redirects HTTP to HTTPS and is where HSTS belongs;
# Daphne itself also answers the load balancer's plain-HTTP health checks, so no redirect here.
SILENCED_SYSTEM_CHECKS = ["security.W004", "security.W008"]

# Hashed static file names (feed.3f2a1c.js): nginx serves /static/ with a year-long immutable
# cache, so a new release must change the URL of every file it changes.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
