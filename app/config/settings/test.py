"""Settings for pytest: the real PostgreSQL and Redis from scripts/test-services.sh."""

import os

from .base import *  # noqa: F403
from .base import CHANNEL_LAYERS

SECRET_KEY = "test-only-key-never-used-outside-pytest"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "app.example.com"]
CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]

# Tests default to Redis database 1 so they never touch a local run of the app on database 0.
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [REDIS_URL]
