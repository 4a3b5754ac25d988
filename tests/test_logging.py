import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from s11portal.logging_filters import RedactResumeTokens, redact, redact_addresses
from tests.conftest import REPO_ROOT


def test_resume_tokens_are_redacted_from_request_lines():
    token = "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4"
    assert redact(f'"GET /csap/r/{token}/ HTTP/1.1" 302 0') == '"GET /csap/r/[redacted]/ HTTP/1.1" 302 0'
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /csap/r/{token}/ HTTP/1.1", "302", "0"),
        None,
    )
    RedactResumeTokens().filter(record)
    assert token not in record.getMessage()
    gunicorn = logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(r)s", ({"r": f"GET /csap/r/{token}/"},), None
    )
    RedactResumeTokens().filter(gunicorn)
    assert token not in gunicorn.getMessage()


def test_other_paths_are_left_alone():
    assert redact("GET /csap/return/themes/leadership/") == "GET /csap/return/themes/leadership/"


RESET_KEY = "3-cw0ysd-5b9f2c3e8a1d4f6b7c0e9a2d1f3b5c7e"


def test_password_reset_keys_are_redacted():
    line = f'"GET /accounts/password/reset/key/{RESET_KEY}/ HTTP/1.1" 302 0'
    assert redact(line) == '"GET /accounts/password/reset/key/[redacted]/ HTTP/1.1" 302 0'
    assert "cw0ysd" not in redact(f"Not Found: /accounts/password/reset/key/{RESET_KEY}")


def test_redact_addresses_takes_the_name_in_a_quoted_address_too():
    text = "SMTPRecipientsRefused({'jo@x.org': (550, b'no')}) for \"Bloggs, Jo <jo.bloggs@agency.example>\""
    redacted = redact_addresses(text)
    assert "jo@x.org" not in redacted
    assert "Bloggs" not in redacted
    assert "agency.example" not in redacted
    assert redacted.startswith("SMTPRecipientsRefused({'[email redacted]'")
    django_refusal = 'ValueError: Invalid address; only Bloggs could be parsed from "Bloggs, Jo <jo@x.org>"'
    assert "Bloggs" not in redact_addresses(django_refusal)


def _console_handler() -> logging.Handler:
    """The root handler Django's LOGGING setting made (pytest-django ran setup())."""
    return next(h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler) and h.filters)


def test_django_logs_lose_addresses_and_reset_keys_even_in_tracebacks():
    handler = _console_handler()
    stream = io.StringIO()
    old_stream = handler.setStream(stream)
    try:
        try:
            raise ValueError('Invalid address "O\'Neil, Sam <sam.oneil@nursery.example>"')
        except ValueError:
            logging.getLogger("audits.services.outbox").warning(
                "Sending email to %s failed", "sam.oneil@nursery.example", exc_info=True
            )
        logging.getLogger("django.request").warning(
            "Not Found: %s", f"/accounts/password/reset/key/{RESET_KEY}/"
        )
    finally:
        handler.setStream(old_stream)
    written = stream.getvalue()
    assert "Traceback" in written
    assert "Sending email to [email redacted] failed" in written
    assert "sam.oneil" not in written
    assert "nursery.example" not in written
    assert "cw0ysd" not in written


CELERY_WORKER_LOGGING = """
import logging, sys
from s11portal.celery import app
app.log.setup(loglevel="INFO", logfile=None, redirect_stdouts=False, colorize=False)
try:
    raise RuntimeError({"jane.doe@agency.example": (550, b"Jane Doe <jane.doe@agency.example> refused")})
except RuntimeError as exc:
    logging.getLogger("celery.app.trace").error(
        "Task %(name)s[%(id)s] raised unexpected: %(exc)s",
        {"name": "audits.send_outbound_email", "id": "1", "exc": repr(exc)},
        exc_info=True,
    )
logging.getLogger("audits.services.outbox").warning("failed for %s", "jane.doe@agency.example")
"""


def test_celery_worker_logs_lose_recipients_addresses():
    """The worker sets up its own handlers (Celery's logging, not Django's);
    s11portal.celery gives them the filters when Celery sets them up."""
    result = subprocess.run(
        [sys.executable, "-c", CELERY_WORKER_LOGGING],
        cwd=REPO_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "s11portal.settings.test"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    written = result.stdout + result.stderr
    assert "raised unexpected" in written
    assert "Traceback" in written
    assert "failed for [email redacted]" in written
    assert "jane.doe" not in written
    assert "agency.example" not in written


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn_server(tmp_path):
    """gunicorn started as docker-compose starts it (gunicorn.conf.py), with
    a probe app; yields (base URL, a function returning its output so far)."""
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "tests.gunicorn_probe_app:app",
            ],
            cwd=REPO_ROOT,
            env={**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}/ready", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"gunicorn did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield base, log_path.read_text
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_access_log_redacts_reset_keys_and_does_not_name_the_server(gunicorn_server):
    base, output = gunicorn_server
    token = "Zm9vYmFyYmF6cXV4cXV1eDEyMzQ1Njc4"
    for path in (f"/accounts/password/reset/key/{RESET_KEY}/", f"/csap/r/{token}/"):
        with urllib.request.urlopen(base + path, timeout=5) as response:
            assert response.status == 200
            assert response.headers.get("Server") is None, response.headers.get("Server")
    deadline = time.monotonic() + 5
    while "/r/[redacted]/" not in output() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = output()
    assert "/accounts/password/reset/key/[redacted]/" in log
    assert "/csap/r/[redacted]/" in log
    assert "cw0ysd" not in log
    assert token not in log
