"""pytest. DATABASE_URL and CELERY_BROKER_URL come from the environment, so the
same suite runs on SQLite locally and on PostgreSQL and Redis in CI."""

import os

from .base import *  # noqa: F403
from .base import STORAGES, VAR_DIR

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In memory, unless a test starts a worker that must reach a real SMTP server.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
STORAGES = {
    **STORAGES,
    "default": {**STORAGES["default"], "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None}},
}
# Tests decide for themselves when a real broker is used; by default tasks run
# in-process so unit tests need no worker.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("S11_TEST_CELERY_EAGER", "1") == "1"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ALLOWED_HOSTS = ["*"]
# As in production: staff pages need a second factor.
S11_REQUIRE_MFA = True
