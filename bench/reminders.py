"""Deadline reminders for 10,000 agencies through the outbox, real Celery
workers and a local SMTP sink (aiosmtpd), counting duplicates.

Needs PostgreSQL and Redis (everything stays on this machine):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/5 \\
    .venv/bin/python bench/reminders.py [--agencies 10000] [--workers 2] [--concurrency 2]

It makes a throwaway database on that server (dropped at the end), a
partnership with N agencies (one contact each) in a cycle whose invitations
went out earlier and whose 7-day reminder has just come due, flushes the
broker's Redis database, starts the workers, then does what beat does, twice
at once: publishes `audits.reminders_due` twice. It reports how long the job
took to write the reminders, how long until the SMTP sink had them all, and
the number of duplicates (messages beyond one per outbox row; must be 0).
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from email.parser import BytesHeaderParser
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Sink:
    """An SMTP server that counts what it accepts, by Message-ID."""

    def __init__(self):
        self.ids = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        with self.lock:
            self.ids[headers["Message-ID"]] += 1
        return "250 OK"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.ids.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def admin_connection(url: str):
    # psycopg2 only when this bench runs (PostgreSQL only)
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=1800, help="give up after this many seconds")
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not base_url.startswith("postgres") or not broker.startswith("redis"):
        sys.exit("Set DATABASE_URL=postgres://… and CELERY_BROKER_URL=redis://… (see the docstring).")
    name = f"s11bench_reminders_{os.getpid()}"
    parts = urlsplit(base_url)
    db_url = urlunsplit(parts._replace(path=f"/{name}"))
    with contextlib.closing(admin_connection(base_url)) as conn:
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=db_url,
        DJANGO_SETTINGS_MODULE="s11portal.settings.test",
        S11_TEST_CELERY_EAGER="0",
        DATABASE_CONN_MAX_AGE="0",
    )
    workers: list = []
    try:
        run(args, db_url, broker, workers)
    finally:
        for process in workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # Django is set up in main() before this runs
        from django.db import connections

        connections.close_all()
        with contextlib.closing(admin_connection(base_url)) as conn:
            cur = conn.cursor()
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run(args, db_url: str, broker: str, workers: list) -> None:
    # after django.setup(): the settings are chosen above, at run time
    import django

    django.setup()
    import logging

    import redis
    import time_machine
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from audits.services.reminders import reminders_due
    from core import tasks
    from core.models import OutboundEmail
    from partnerships.models import Agency, AgencyContact
    from s11portal.celery import app
    from tests.factories import AuditCycleFactory, PartnershipFactory, question_set_with_questions

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per SMTP command
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    partnership = PartnershipFactory(slug="bench", name="Bench Safeguarding Partnership")
    agencies = Agency.objects.bulk_create(
        Agency(partnership=partnership, name=f"Agency {i:05d}", sector="voluntary")
        for i in range(args.agencies)
    )
    AgencyContact.objects.bulk_create(
        AgencyContact(
            agency=a, name=f"Contact {a.pk}", email=f"contact@agency{a.pk}.example", is_primary=True
        )
        for a in agencies
    )
    now = timezone.now()
    AuditCycleFactory(
        partnership=partnership,
        question_set=question_set_with_questions(partnership, themes=1, questions=1),
        opens_at=now - timedelta(days=20),
        closes_at=now + timedelta(days=7, minutes=-1),
    )
    # The invitations (and the 14-day reminders) went out in the past: write
    # them as they were then, without queuing them, and mark them sent.
    with (
        mock.patch.object(tasks.send_outbound_emails, "delay"),
        time_machine.travel(now - timedelta(days=3), tick=False),
    ):
        earlier = reminders_due()
    OutboundEmail.objects.update(status=OutboundEmail.Status.SENT, sent_at=now - timedelta(days=3))
    print(f"set-up: {args.agencies} agencies, earlier emails {earlier}, {time.perf_counter() - t0:.1f} s")

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    client = redis.Redis.from_url(broker)
    client.flushdb()
    client.close()
    connection.close()

    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    for index in range(args.workers):
        workers.append(
            subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "s11portal", "worker", "--pool=prefork",
                    f"--concurrency={args.concurrency}", "--loglevel=error", "--without-gossip",
                    "--without-mingle", "--without-heartbeat", f"--hostname=bench{index}@%h",
                ],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )  # fmt: skip
    app.conf.task_always_eager = False
    deadline = time.monotonic() + 60
    while len(app.control.ping(timeout=0.5)) < args.workers:
        if time.monotonic() > deadline:
            sys.exit("the workers did not start")

    reminders = OutboundEmail.objects.filter(kind=OutboundEmail.Kind.REMINDER, dedupe_key__contains=":7d:")
    start = time.perf_counter()
    app.send_task("audits.reminders_due")  # beat, twice at once
    app.send_task("audits.reminders_due")
    written_at = None
    give_up = time.monotonic() + args.timeout
    while sink.total < args.agencies:
        if written_at is None and reminders.count() >= args.agencies:
            written_at = time.perf_counter() - start
        if time.monotonic() > give_up:
            break
        time.sleep(0.5)
    delivered_at = time.perf_counter() - start
    while reminders.filter(status=OutboundEmail.Status.SENT).count() < args.agencies:
        if time.monotonic() > give_up:
            break
        time.sleep(0.5)
    time.sleep(5)  # anything sent twice would arrive by now
    controller.stop()

    rows = reminders.count()
    sent = reminders.filter(status=OutboundEmail.Status.SENT).count()
    received = sink.total
    unique = len(sink.ids)
    duplicates = received - unique
    print(f"reminder rows written: {rows} (job finished writing after {written_at or float('nan'):.1f} s)")
    print(f"delivered to the SMTP sink: {received} messages, {unique} distinct Message-IDs")
    print(f"all delivered after {delivered_at:.1f} s: {received / delivered_at:.0f} emails/s")
    print(f"rows marked sent: {sent}")
    print(f"duplicates: {duplicates}")
    if duplicates or received != args.agencies or rows != args.agencies:
        print("FAILED: expected exactly one email per agency")
        sys.exit(1)


if __name__ == "__main__":
    main()
