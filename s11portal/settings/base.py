"""Settings shared by every environment.

Everything that differs between a laptop, CI and production comes from the
environment, with defaults that let a fresh checkout run with no set-up:
SQLite under var/, Celery tasks run eagerly, mail written to files.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("S11_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute links in emails (resume links, receipts) are built from this.
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = os.environ.get("SERVICE_NAME", "Section 11 audit")

INSTALLED_APPS = [
    "accounts.admin_apps.StaffAdminConfig",  # django.contrib.admin; login through allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_forms_gds",
    "accounts",
    "core",
    "partnerships",
    "themes",
    "audits",
    "reports",
    "surveys",
    "lifecycle",
    "demo",
    "guidance",
    "joining",
    "organisations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "partnerships.middleware.PartnershipMiddleware",
    # Last, so a refusal's error page has the session, user and messages
    # (no middleware above reads the body before these).
    "s11portal.middleware.RejectNulMiddleware",
    "s11portal.middleware.RequestBodyLimitMiddleware",
]

ROOT_URLCONF = "s11portal.urls"
WSGI_APPLICATION = "s11portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        # APP_DIRS stays off so that the cached loader below can be named;
        # the cached loader is what keeps widget-heavy question pages fast.
        "APP_DIRS": False,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "s11portal.context_processors.service",
            ],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-set-up demo on SQLite: a transaction takes the write lock when
    # it begins (not when it first writes, where two readers upgrading at once
    # fail at once with "database is locked"), and a writer waits up to
    # 20 s for the lock instead of failing. WAL lets pages read meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: every query here is short (at national scale the
    # costliest, a cycle's answers by question, is ~20 ms and costs far below
    # jit_above_cost), so JIT could only add its compile time (tens of ms) to
    # a query the planner misjudges. docs/performance.md, issue 20.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff accounts: email and password, then a second factor (allauth.mfa).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Failed sign-ins: five per account (and five wrong authenticator codes per
# account: allauth.mfa counts those under the same limit) in
# S11_LOGIN_LOCKOUT_MINUTES, then the account is refused until the window
# passes. The per-address limit is looser because a partnership's whole
# office may share one address.
S11_LOGIN_LOCKOUT_MINUTES = 5
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"20/{S11_LOGIN_LOCKOUT_MINUTES}m/ip,5/{S11_LOGIN_LOCKOUT_MINUTES}m/key",
}
# Reverse proxies of ours in front of the app (docker-compose: Caddy, 1).
# It decides the client IP for every rate limit (core.client_ip): 0
# ignores X-Forwarded-For, N takes the entry the outermost proxy wrote.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# Not an allauth setting: accounts.adapter.AccountAdapter reads it. Staff
# accounts are made by admins; nobody signs themselves up.
ACCOUNT_ALLOW_SIGNUPS = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reauthenticate": "accounts.forms.PasswordReauthenticateForm",
}
# Shared and public computers: a staff session ends when the browser closes.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# The subjects in templates/account/email/ name the service themselves.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SERVICE_NAME
# Accept the code one 30-second step either side: phone clocks drift.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_FORMS = {
    "authenticate": "accounts.forms.AuthenticateForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTOTPForm",
}
# Staff accounts are created by admins, so allauth's guard against someone
# signing up with another person's address does not apply, and an unverified
# address must not stop anyone setting up the second factor we demand.
MFA_ALLOW_UNVERIFIED_EMAIL = True
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/staff/"
# Staff pages demand an authenticator app (TOTP) whenever DEBUG is off.
S11_REQUIRE_MFA = env_bool("S11_REQUIRE_MFA", not DEBUG)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
# Uploaded evidence is private: it lives outside the web root and is only
# ever served through a view that checks who is asking.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Office and OpenDocument files are zips: refused when their members would
# inflate past this, or more than this many times their packed size.
EVIDENCE_ZIP_MAX_INFLATED_BYTES = int(
    os.environ.get("EVIDENCE_ZIP_MAX_INFLATED_BYTES", str(100 * 1024 * 1024))
)
# A multipart request (an upload) bigger than this is refused with 413
# before any of it is read: the evidence limit plus room for the form.
REQUEST_BODY_MAX_BYTES = int(
    os.environ.get("REQUEST_BODY_MAX_BYTES", str(EVIDENCE_MAX_BYTES + 2 * 1024 * 1024))
)
EVIDENCE_ZIP_MAX_RATIO = int(os.environ.get("EVIDENCE_ZIP_MAX_RATIO", "100"))
EVIDENCE_ZIP_MAX_MEMBERS = int(os.environ.get("EVIDENCE_ZIP_MAX_MEMBERS", "5000"))
# A ClamAV daemon to scan evidence with (docker-compose's `clamav` service);
# off when unset. When set, a file it cannot vouch for is refused.
CLAMAV_HOST = os.environ.get("CLAMAV_HOST", "")
CLAMAV_PORT = int(os.environ.get("CLAMAV_PORT", "3310"))
CLAMAV_TIMEOUT_SECONDS = float(os.environ.get("CLAMAV_TIMEOUT_SECONDS", "30"))

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: files under var/mail/ unless an SMTP host is configured.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Section 11 audit <noreply@s11portal.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
# GOV.UK Notify: an API key selects it (s11portal/email_backends/notify.py).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_ID = os.environ.get("NOTIFY_TEMPLATE_ID", "")
NOTIFY_REPLY_TO_ID = os.environ.get("NOTIFY_REPLY_TO_ID", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
if os.environ.get("EMAIL_BACKEND"):
    EMAIL_BACKEND = {"notify": "s11portal.email_backends.notify.NotifyEmailBackend"}.get(
        os.environ["EMAIL_BACKEND"], os.environ["EMAIL_BACKEND"]
    )
elif NOTIFY_API_KEY:
    EMAIL_BACKEND = "s11portal.email_backends.notify.NotifyEmailBackend"
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Celery: with no broker configured, tasks run in-process (the demo default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a task a dead worker had taken only after this many
# seconds; the outbox sweep (below) does not wait for that.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}
# How long a worker holds an outbox row while it sends it. Must exceed
# EMAIL_TIMEOUT: a send that outlives its lease may be made twice.
S11_OUTBOX_LEASE_SECONDS = int(os.environ.get("S11_OUTBOX_LEASE_SECONDS", "300"))
# Rows one outbox task claims, renders and sends through one connection.
S11_OUTBOX_BATCH = int(os.environ.get("S11_OUTBOX_BATCH", "100"))
# Staff notifications' daily digests go from this hour, UK time (0-23).
S11_DIGEST_HOUR = int(os.environ.get("S11_DIGEST_HOUR", "7"))

# When a deadline moves, agencies' contacts are told after this many seconds,
# so that a mistake put right within them emails nobody
# (audits/services/deadline_notices.py).
S11_DEADLINE_NOTICE_DELAY_SECONDS = int(os.environ.get("S11_DEADLINE_NOTICE_DELAY_SECONDS", "600"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp). Scripts and styles come from this
# site only: static files, plus the one inline script in base.html, which
# carries the per-response nonce (`csp_nonce`, s11portal.context_processors).
# No 'unsafe-inline' for scripts or styles. data: images are the TOTP QR code
# (allauth renders it as an SVG data URI). frame-ancestors 'none' is the
# CSP form of X-Frame-Options: DENY, kept for older browsers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (django-permissions-policy): the service uses none of
# these browser features, so no page (or anything injected into one) may.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "redact_secrets": {"()": "s11portal.logging_filters.RedactSecrets"},
        "redact_addresses": {"()": "s11portal.logging_filters.RedactEmailAddresses"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets", "redact_addresses"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # runserver's request lines: same filter, Django's own format
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
        },
    },
}

# Celery beat: the outbox sweep sends whatever a lost task left behind;
# reminders_due writes the invitations, deadline reminders and overdue
# notices that have come due (audits/services/reminders.py).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "audits.outbox_sweep", "schedule": 60.0},
    # Action plan update requests and reminders (idempotent; hourly so a
    # missed run costs an hour, not a day).
    "action-update-schedule": {"task": "audits.action_update_schedule", "schedule": 3600.0},
    # Submitted copies' PDFs whose build was lost (broker down, worker killed).
    "submission-pdfs-sweep": {"task": "audits.submission_pdfs_sweep", "schedule": 600.0},
    # Staged uploads never attached and files of rolled-back saves.
    "storage-orphans-remove": {"task": "audits.storage_orphans_remove", "schedule": 3600.0},
    "reminders-due": {
        "task": "audits.reminders_due",
        "schedule": float(os.environ.get("S11_REMINDERS_EVERY_SECONDS", "300")),
    },
    # Staff notifications' daily digests: sent from S11_DIGEST_HOUR UK time, one a
    # member a day however often this runs (hourly, so a missed run costs an
    # hour; audits/services/notifications.py).
    "staff-notification-digests": {"task": "audits.staff_notification_digests", "schedule": 3600.0},
    # Reminders of evidence requests coming due (idempotent: each once).
    "evidence-request-reminders": {"task": "audits.evidence_request_reminders", "schedule": 3600.0},
    "meeting-action-reminders": {"task": "audits.meeting_action_reminders", "schedule": 3600.0},
    # Personal data of cycles past their partnership's retention period.
    "retention-run": {"task": "lifecycle.retention_run", "schedule": 86400.0},
    # Registrations never confirmed, and declined ones' contact details.
    "registrations-sweep": {"task": "joining.registrations_sweep", "schedule": 86400.0},
}

# Who runs this installation, for the accessibility statement and the privacy
# notice (service-wide pages linked from every page's footer). Each partnership
# is the controller of its own data; its contact address is on those pages too.
SERVICE_OPERATOR = os.environ.get("SERVICE_OPERATOR", "")
SERVICE_CONTACT_EMAIL = os.environ.get("SERVICE_CONTACT_EMAIL", "")
# When the accessibility statement was last reviewed (shown on it).
ACCESSIBILITY_STATEMENT_REVIEWED = os.environ.get("ACCESSIBILITY_STATEMENT_REVIEWED", "2 December 2026")
