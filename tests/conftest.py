"""Test infrastructure shared by the whole suite.

Markers (declared in pyproject.toml):

- ``postgres``: needs the default database to be PostgreSQL (set DATABASE_URL).
- ``redis``: needs a Redis that answers PING at the Celery broker URL
  (settings.CELERY_BROKER_URL, else redis://127.0.0.1:6379/15).
- ``browser``: needs Chromium at /usr/bin/chromium.

Without the service such a test is skipped at collection with the reason shown
in the summary (``-ra``). When the environment variable ``CI`` is true the same
test fails instead, so CI can never go green by skipping.

Fixtures:

- ``celery_worker_factory`` (function scope): ``start(env=None, concurrency=2)``
  starts a real Celery worker subprocess against this test's database and a real
  Redis broker and returns a ``CeleryWorker`` handle (``.stop()``, ``.kill()``,
  ``.nodename``, ``.log()``). Every worker still running is stopped at teardown.
- ``celery_worker_process`` (function scope): one worker started with the
  defaults, for tests that need nothing special.
- ``smtp_server`` (function scope): a real SMTP server (aiosmtpd) on 127.0.0.1
  that keeps what it receives: ``.host``, ``.port``, ``.messages``,
  ``.wait_for(count, timeout=10)``. ``.stall_next(n, seconds)`` makes it hang
  on the next n messages' DATA (then refuse them with 451, keeping nothing),
  so a test can kill a sender mid-send; ``.wait_for_stalled(n)`` waits for that.

Worker tests need ``@pytest.mark.django_db(transaction=True)`` (the worker is
another process: it only sees committed rows) and the ``postgres`` and ``redis``
markers (an in-memory SQLite test database cannot be shared).
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

import pytest

# Browser tests drive a live server from pytest-playwright's sync API, which runs
# an event loop in this thread; Django would otherwise refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = Path("/usr/bin/chromium")
DEFAULT_TEST_BROKER_URL = "redis://127.0.0.1:6379/15"
WORKER_READY_TIMEOUT = 30.0

_missing_key = pytest.StashKey[list[str]]()
_report_key = pytest.StashKey[pytest.TestReport]()


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every browser test (tests/e2e/, and any elsewhere): axe-core is injected
    into each page as an inline script, which the service's
    Content-Security-Policy rightly refuses, so the tests' contexts bypass the
    policy. tests/e2e/test_csp.py opens its own contexts WITHOUT the bypass to
    prove the pages work under the policy."""
    return {**browser_context_args, "bypass_csp": True}


# ---------------------------------------------------------------------------
# Service detection and the postgres / redis / browser markers
# ---------------------------------------------------------------------------


def broker_url_for_tests() -> str:
    """The Redis URL worker tests use as their Celery broker."""
    from django.conf import settings

    return getattr(settings, "CELERY_BROKER_URL", "") or DEFAULT_TEST_BROKER_URL


_service_cache: dict[str, str | None] = {}


def _postgres_missing() -> str | None:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return None
    return (
        "needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:5432/DBNAME "
        f"(default database engine is {engine})"
    )


def _redis_missing() -> str | None:
    import redis

    url = broker_url_for_tests()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as exc:
        return f"needs Redis: no PING reply from {url} ({exc.__class__.__name__}: {exc})"
    return None


def _browser_missing() -> str | None:
    if CHROMIUM_PATH.exists():
        return None
    return f"needs Chromium: {CHROMIUM_PATH} not found (apt-get install chromium)"


_CHECKS = {"postgres": _postgres_missing, "redis": _redis_missing, "browser": _browser_missing}


def _missing(marker: str) -> str | None:
    if marker not in _service_cache:
        _service_cache[marker] = _CHECKS[marker]()
    return _service_cache[marker]


def pytest_collection_modifyitems(config, items):
    ci = in_ci()
    for item in items:
        reasons = [
            reason
            for marker in _CHECKS
            if item.get_closest_marker(marker) is not None and (reason := _missing(marker))
        ]
        if not reasons:
            continue
        if ci:
            # Fail at set-up (below) rather than skip: CI must have every service.
            item.stash[_missing_key] = reasons
        else:
            item.add_marker(pytest.mark.skip(reason="; ".join(reasons)))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    reasons = item.stash.get(_missing_key, None)
    if reasons:
        pytest.fail("CI=true, so this cannot be skipped: " + "; ".join(reasons), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" or report.failed:
        item.stash[_report_key] = report
    return report


def _test_failed(request) -> bool:
    report = request.node.stash.get(_report_key, None)
    return report is not None and report.failed


# ---------------------------------------------------------------------------
# Real Celery workers
# ---------------------------------------------------------------------------


def worker_database_url() -> str:
    """A DATABASE_URL for the database this test process is using right now.

    During a test pytest-django has already swapped NAME for the test
    database's name (test_<name>), so a worker given this URL sees the same rows.
    """
    from django.db import connection

    s = connection.settings_dict
    if "postgresql" not in s["ENGINE"]:
        raise RuntimeError(
            "a Celery worker process needs a database it can share with the tests: "
            "mark the test `postgres` and set DATABASE_URL=postgres://…"
        )
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = s.get("HOST") or ""
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(s['NAME'], safe='')}"


@dataclass
class CeleryWorker:
    """A Celery worker running in its own process group."""

    process: subprocess.Popen
    nodename: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def is_running(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        """Everything the worker has written to stdout and stderr so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 15.0) -> int | None:
        """Warm shutdown (SIGTERM: finish the current tasks, then exit).

        Falls back to SIGKILL after `timeout` seconds. Returns the exit code.
        """
        if self.is_running():
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=timeout)
        return self._kill_group()

    def kill(self) -> int | None:
        """SIGKILL the worker and its pool processes at once: a crash.

        Tasks it had taken stay unacknowledged in Redis (acks_late) and are
        redelivered only after the broker's visibility timeout.
        """
        return self._kill_group()

    def _kill_group(self) -> int | None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            return None


def _wait_for_worker(app, worker: CeleryWorker, timeout: float) -> str | None:
    """Poll the worker with control pings until it answers; return why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not worker.is_running():
            return (
                f"Celery worker exited with code {worker.process.returncode} before it "
                f"answered a ping.\n--- worker output ---\n{worker.log()}"
            )
        replies = app.control.ping(destination=[worker.nodename], timeout=0.5)
        if any(worker.nodename in reply for reply in replies):
            return None
    worker.kill()
    return (
        f"Celery worker {worker.nodename} did not answer a ping within {timeout:.0f} s."
        f"\n--- worker output ---\n{worker.log()}"
    )


def _reset_broker_connections(app) -> None:
    """Make the client look up its broker connection pool again, so the next
    publish uses whatever app.conf.broker_url says now.

    The pools themselves live in kombu's process-wide registry, keyed by
    connection URL; closing one there would hand a closed pool to the next
    user of the same URL, so they are only dropped from the app, not closed.
    """
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_worker_factory(request):
    """Start real Celery workers against this test's database and Redis.

    ``start(env=None, concurrency=2) -> CeleryWorker``

    The worker runs ``python -m celery -A s11portal worker --pool=prefork`` from
    the repository root with DJANGO_SETTINGS_MODULE=s11portal.settings.test,
    S11_TEST_CELERY_EAGER=0, DATABASE_URL pointing at the test database and
    CELERY_BROKER_URL at the test broker (settings.CELERY_BROKER_URL, else
    redis://127.0.0.1:6379/15). ``env`` is applied last, so a test can add or
    override anything (email settings, even the settings module).

    The broker's Redis database is flushed before the first worker of a test
    starts (stale messages from earlier runs are dropped) and not between
    workers of the same test, so a test can kill a worker and start another one
    that finds the first one's messages.

    While the fixture is active the Celery app in the pytest process publishes
    to the same broker (task_always_eager off); this is undone at teardown,
    when every worker still running is stopped. If the test failed, each
    worker's output is printed (shown under "Captured stdout teardown").
    """
    import redis

    from s11portal.celery import app

    broker_url = broker_url_for_tests()
    database_url = worker_database_url()
    saved = {key: app.conf.get(key) for key in ("task_always_eager", "broker_url")}
    app.conf.task_always_eager = False
    app.conf.broker_url = broker_url
    _reset_broker_connections(app)

    log_dir = Path(tempfile.mkdtemp(prefix="s11-celery-worker-"))
    workers: list[CeleryWorker] = []
    flushed = False

    def start(env: dict[str, str] | None = None, concurrency: int = 2) -> CeleryWorker:
        nonlocal flushed
        if not flushed:
            client = redis.Redis.from_url(broker_url, socket_connect_timeout=2)
            try:
                client.flushdb()
            finally:
                client.close()
            flushed = True
        nodename = f"s11test-{os.getpid()}-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        worker_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "s11portal.settings.test",
            "S11_TEST_CELERY_EAGER": "0",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        log_path = log_dir / f"{nodename.split('@')[0]}.log"
        with open(log_path, "wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "s11portal",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={concurrency}",
                    "--loglevel=warning",
                    f"--hostname={nodename}",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=REPO_ROOT,
                env=worker_env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, for killpg
            )
        worker = CeleryWorker(process=process, nodename=nodename, log_path=log_path)
        error = _wait_for_worker(app, worker, WORKER_READY_TIMEOUT)
        if error:
            worker.kill()
            pytest.fail(error, pytrace=False)  # the message carries the worker's output
        workers.append(worker)
        return worker

    try:
        yield start
    finally:
        try:
            for worker in workers:
                worker.stop()
            if _test_failed(request):
                for worker in workers:
                    print(f"\n--- Celery worker {worker.nodename} output ---\n{worker.log()}")
        finally:
            for key, value in saved.items():
                app.conf[key] = value
            _reset_broker_connections(app)
            shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture
def celery_worker_process(celery_worker_factory) -> CeleryWorker:
    """One real Celery worker with the default environment (function scope)."""
    return celery_worker_factory()


# ---------------------------------------------------------------------------
# A real SMTP server
# ---------------------------------------------------------------------------


@dataclass
class ReceivedEmail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def text(self) -> str:
        """The plain-text body ("" if there is none)."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())


@dataclass
class SMTPServer:
    host: str
    port: int
    messages: list[ReceivedEmail] = field(default_factory=list)
    stalled: int = 0
    _to_stall: int = 0
    _stall_seconds: float = 0
    _cond: threading.Condition = field(default_factory=threading.Condition, repr=False)

    def stall_next(self, count: int = 1, seconds: float = 30) -> None:
        """Hang on the next `count` messages before accepting them, then
        refuse them (451): the sender never hears "250", nothing is kept."""
        with self._cond:
            self._to_stall, self._stall_seconds = count, seconds

    def wait_for_stalled(self, count: int = 1, timeout: float = 20) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: self.stalled >= count, timeout):
                raise AssertionError(f"expected {count} stalled send(s), got {self.stalled}")

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self._cond:
            stall = self._to_stall > 0
            if stall:
                self._to_stall -= 1
                self.stalled += 1
                self._cond.notify_all()
        if stall:
            import asyncio

            await asyncio.sleep(self._stall_seconds)
            return "451 4.3.0 Try again later"
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._cond:
            self.messages.append(
                ReceivedEmail(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    message=message,
                )
            )
            self._cond.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10) -> list[ReceivedEmail]:
        """Block until at least `count` messages have arrived; return them all."""
        with self._cond:
            arrived = self._cond.wait_for(lambda: len(self.messages) >= count, timeout)
            if not arrived:
                raise AssertionError(
                    f"expected {count} email(s) at {self.host}:{self.port} within "
                    f"{timeout} s, got {len(self.messages)}"
                )
            return list(self.messages)

    def django_settings(self) -> dict:
        """Keyword arguments for override_settings() that send mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
        }

    def worker_env(self) -> dict[str, str]:
        """Environment for a Celery worker that should send mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": self.host,
            "EMAIL_PORT": str(self.port),
            "EMAIL_USE_TLS": "false",
        }


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 and a free port, keeping what it receives."""
    from aiosmtpd.controller import Controller

    host = "127.0.0.1"
    server = SMTPServer(host=host, port=_free_port(host))
    controller = Controller(server, hostname=host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _fresh_process_cache():
    """Each test starts as a fresh web process would: nothing cached from
    another test's rows (ids and slugs repeat across rolled-back tests), in
    the process or in the shared cache (a rate limit's counter keyed by a
    survey link's id, reused on SQLite, would otherwise carry over)."""
    from django.core.cache import cache

    from core.process_cache import process_cache_clear_all

    process_cache_clear_all()
    cache.clear()
    yield
    process_cache_clear_all()
    cache.clear()
