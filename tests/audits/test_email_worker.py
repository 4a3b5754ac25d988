"""Email through the real parts: the outbox row is written by a request,
queued on commit to Redis, sent by a real Celery worker process to a real
SMTP server, and marked sent in PostgreSQL."""

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import OutboundEmail
from audits.services import resume_link_create
from tests.factories import two_partnerships

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def _wait_until(predicate, timeout=20, message=""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_progression_email_goes_through_a_real_worker_to_a_real_smtp_server(
    celery_worker_factory, smtp_server
):
    world = two_partnerships().a
    worker = celery_worker_factory(env=smtp_server.worker_env())
    client = Client()
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    assert client.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302

    save_later = reverse("save_later", kwargs={"partnership_slug": world.partnership.slug})
    response = client.post(save_later, {"name": "Sam Alpha", "email": "sam@alpha-council.example"})
    assert response.status_code == 302

    received = smtp_server.wait_for(1, timeout=30)
    message = received[0]
    assert "Your link to come back to your Section 11 return" in message.subject
    assert message.rcpt_tos == ["sam@alpha-council.example"]
    resume_url = re.search(r"https?://\S+/r/[\w-]+/", message.text).group(0)
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.PROGRESSION)
    _wait_until(
        lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT,
        message="the worker sent the email but never marked the row sent\n" + worker.log(),
    )
    email.refresh_from_db()
    assert message.message["Message-ID"] == email.message_id
    assert email.attempts == 1
    # The emailed link opens the return.
    fresh = Client()
    assert fresh.get(resume_url.split("127.0.0.1:8000", 1)[-1])["Location"].endswith("/return/")
