"""Email through the real parts: the outbox row is written by a request,
queued on commit to Redis, sent by a real Celery worker process to a real
SMTP server, and marked sent in PostgreSQL."""

import re
import time
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.services import resume_link_create
from audits.services.emails import submission_email_context
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from tests.factories import partnership_world, two_partnerships

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


# Each character that made Django refuse f"{name} <{address}>".
NAMES = [
    "Jo Bloggs, Safeguarding Lead",
    "Jo Bloggs; Designated Lead",
    "Safeguarding: Jo Bloggs",
    "Jo@Council",
    "Jo Bloggs (Interim)",
    "Jo Bloggs [DSL]",
    "Jo Bloggs <Lead>",
    'Jo "JB" O\'Bloggs',
    "Zoë Ångström-Brontë",
]
PARTNERSHIP = 'Safeguarding, Children: Pan-Lancs (CSAP) [Board] <Partners>; "Q" @ Lancs'


def _receipt(world, name, email):
    return outbound_email_queue(
        partnership=world.partnership,
        kind=OutboundEmail.Kind.RECEIPT,
        to_email=email,
        to_name=name,
        template="receipt",
        context=submission_email_context(
            world.submission,
            submitted_at=timezone.now().isoformat(),
            submitted_by_name=name,
            signed_off_by=f"{name}, Director",
            themes_defaulted_red=[],
        ),
        submission=world.submission,
    )


@pytest.fixture
def hostile_world():
    world = partnership_world(slug="names")
    world.partnership.name = PARTNERSHIP
    world.partnership.save(update_fields=["name"])
    return world


@pytest.mark.django_db(transaction=True)
def test_names_with_commas_colons_at_signs_and_brackets_reach_their_people(
    hostile_world, celery_worker_factory, smtp_server
):
    world = hostile_world
    worker = celery_worker_factory(env=smtp_server.worker_env())
    for index, name in enumerate(NAMES):
        _receipt(world, name, f"person{index}@names.example")
    received = smtp_server.wait_for(len(NAMES), timeout=40)
    _wait_until(
        lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == len(NAMES),
        message=worker.log(),
    )
    by_address = {m.rcpt_tos[0]: m for m in received}
    for index, name in enumerate(NAMES):
        message = by_address[f"person{index}@names.example"].message
        [to] = message["To"].addresses
        assert (to.display_name, to.addr_spec) == (name, f"person{index}@names.example")
        [sender] = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == (
            PARTNERSHIP,
            parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        )
        assert message["Subject"].startswith(PARTNERSHIP)
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
