"""Self-tests of the test infrastructure in conftest.py: a real Celery worker
against PostgreSQL and Redis, and a real SMTP server."""

import time

import pytest
from django.core.mail import EmailMessage, send_mail
from django.test import override_settings

from s11portal.celery import app as celery_app

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _processed(worker, task_name: str) -> int:
    stats = celery_app.control.inspect(destination=[worker.nodename], timeout=1).stats() or {}
    return stats.get(worker.nodename, {}).get("total", {}).get(task_name, 0)


@pytest.mark.django_db(transaction=True)
def test_worker_answers_ping_and_runs_what_the_test_process_queues(celery_worker_factory):
    worker = celery_worker_factory()

    replies = celery_app.control.ping(destination=[worker.nodename], timeout=2)
    assert replies == [{worker.nodename: {"ok": "pong"}}]

    # .delay() from this process must go through the broker (not run eagerly)
    # and be picked up by the worker. celery.accumulate is a built-in task.
    result = celery_app.tasks["celery.accumulate"].delay(1, 2)
    assert result.id
    deadline = time.monotonic() + 15
    while _processed(worker, "celery.accumulate") < 1:
        assert time.monotonic() < deadline, "the worker never ran the queued task\n" + worker.log()
        time.sleep(0.2)

    assert worker.stop() == 0
    assert not worker.is_running()


@pytest.mark.django_db(transaction=True)
def test_worker_uses_the_test_database(celery_worker_factory):
    from django.db import connection

    worker = celery_worker_factory()
    # The worker was given DATABASE_URL for the test database, not the real one.
    assert connection.settings_dict["NAME"].startswith("test_")
    stats = celery_app.control.inspect(destination=[worker.nodename], timeout=2).stats()
    assert worker.nodename in stats
    worker.kill()
    assert not worker.is_running()


def test_email_sent_through_django_smtp_backend_arrives(smtp_server):
    with override_settings(**smtp_server.django_settings()):
        sent = send_mail(
            "Self-Assessment Progression",
            "Your saved answers are here.",
            "noreply@s11portal.test",
            ["agency@example.org"],
        )
        message = EmailMessage(
            "With attachment",
            "See the PDF.",
            "noreply@s11portal.test",
            ["reviewer@example.org", "second@example.org"],
        )
        message.attach("responses.pdf", b"%PDF-1.4 test", "application/pdf")
        message.send()
    assert sent == 1

    first, second = smtp_server.wait_for(2, timeout=10)
    assert first.mail_from == "noreply@s11portal.test"
    assert first.rcpt_tos == ["agency@example.org"]
    assert first.subject == "Self-Assessment Progression"
    assert first.text.strip() == "Your saved answers are here."
    assert second.rcpt_tos == ["reviewer@example.org", "second@example.org"]
    assert [a.get_filename() for a in second.attachments] == ["responses.pdf"]
    assert second.attachments[0].get_content() == b"%PDF-1.4 test"
