"""Developer machine and `make demo`: debug on, everything on this machine."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)
# The demo prints each staff account's TOTP secret; set S11_REQUIRE_MFA=1 to try it.
S11_REQUIRE_MFA = env_bool("S11_REQUIRE_MFA", not DEBUG)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"

# The zero-set-up defaults keep the SQLite file, mail and uploads here.
VAR_DIR.mkdir(parents=True, exist_ok=True)
