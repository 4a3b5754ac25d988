"""gunicorn settings for production (docker-compose runs `gunicorn -c gunicorn.conf.py`
behind the Caddy reverse proxy, which alone is published).

The access log goes through the same filters as Django's logs, so the
requests that carry a secret are logged as /r/[redacted]/ and
/password/reset/key/[redacted]/, and email addresses as [email redacted].
Responses do not say which server software (or version) made them.
"""

import os

from gunicorn.http import wsgi as _gunicorn_wsgi

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
accesslog = "-"
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "s11portal.logging_filters.RedactSecrets"},
        "redact_addresses": {"()": "s11portal.logging_filters.RedactEmailAddresses"},
    },
    "formatters": {"generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact_secrets", "redact_addresses"],
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}


def _default_headers_without_server(default_headers):
    # gunicorn has no setting for its "Server: gunicorn" header; every
    # response (the app's and gunicorn's own error pages) is built here.
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    return headers


_gunicorn_wsgi.Response.default_headers = _default_headers_without_server(
    _gunicorn_wsgi.Response.default_headers
)


def post_worker_init(worker):
    # Everything the worker has imported by now (Django, the apps, the URL
    # patterns, the templates' engines) lives as long as the worker: move it
    # out of the cyclic garbage collector's generations, so that a full
    # collection no longer walks it in the middle of a request (the tail of
    # the save's latencies, docs/performance.md).
    import gc

    gc.freeze()
