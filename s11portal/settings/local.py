"""Developer machine and `make demo`: debug on, everything on this machine."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"

# The zero-set-up defaults keep the SQLite file, mail and uploads here.
VAR_DIR.mkdir(parents=True, exist_ok=True)
