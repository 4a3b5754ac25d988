"""allauth's emails (the password reset, "no account for this address") go
through the outbox: with the mail server down the reset page answers as
usual and the email waits; it goes when the server is back, with a reset key
made then (the row never holds one)."""

import re
import socket
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.emails import ACCOUNT_KIND
from core.models import OutboundEmail
from core.outbox import outbound_emails_send, outbox_sweep
from tests.factories import UserFactory


def _nothing_listening() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_a_reset_asked_for_while_the_mail_server_is_down_is_sent_when_it_is_back(
    client, settings, django_capture_on_commit_callbacks
):
    user = UserFactory(email="staff.member@partnership.example")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _nothing_listening()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()
    row = OutboundEmail.objects.get(kind=ACCOUNT_KIND)
    assert (row.status, row.attempts, row.partnership_id) == (OutboundEmail.Status.PENDING, 1, None)
    assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
    assert row.context == {"user_pk": user.pk}  # no key, no link

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboundEmail.objects.filter(pk=row.pk).update(lease_until=None)  # its back-off has passed
    assert outbound_emails_send(email_ids=[row.pk]) == 1
    [message] = mail.outbox
    assert message.to == [user.email] and message.subject == "Reset your password for Section 11 audit"
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.body).group(0)
    response = client.get(urlsplit(link).path)
    form_url = response["Location"] if response.status_code == 302 else urlsplit(link).path
    assert "Choose a new password" in client.get(form_url).content.decode()


@pytest.mark.django_db
def test_a_reset_for_a_removed_account_is_not_sent(client, django_capture_on_commit_callbacks, settings):
    user = UserFactory(email="leaver@partnership.example")
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    client.post(reverse("account_reset_password"), {"email": user.email})
    row = OutboundEmail.objects.get(kind=ACCOUNT_KIND)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert outbound_emails_send(email_ids=[row.pk]) == 0
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.CANCELLED


def wait_until(predicate, timeout=30, message=""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_through_a_real_worker_and_smtp_server_the_reset_goes_once_the_server_is_back(
    celery_worker_factory, smtp_server
):
    user = UserFactory(email="staff.member@partnership.example")
    down = {
        **smtp_server.worker_env(),
        "EMAIL_PORT": str(_nothing_listening()),
        "S11_OUTBOX_LEASE_SECONDS": "2",
    }
    first = celery_worker_factory(env=down)
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert "Check your email" in client.get(response["Location"]).content.decode()

    row = OutboundEmail.objects.get(kind="account")
    # The claim counts the attempt before the send fails: wait for the
    # failure itself to be written, not for the count.
    wait_until(lambda: OutboundEmail.objects.get(pk=row.pk).last_error, message=first.log())
    row.refresh_from_db()
    assert row.attempts >= 1
    assert row.status == OutboundEmail.Status.PENDING and "refused" in row.last_error.lower()
    # What the row keeps is the user's id, never a reset key.
    assert row.context == {"user_pk": user.pk}
    first.stop()

    celery_worker_factory(env={**smtp_server.worker_env(), "S11_OUTBOX_LEASE_SECONDS": "2"})
    wait_until(lambda: timezone.now() > OutboundEmail.objects.get(pk=row.pk).lease_until, timeout=10)
    outbox_sweep()  # what beat does every minute
    [message] = smtp_server.wait_for(1, timeout=30)
    assert message.rcpt_tos == [user.email]
    assert message.subject == "Reset your password for Section 11 audit"
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", message.text).group(0)
    response = client.get(urlsplit(link).path)
    form_url = response["Location"] if response.status_code == 302 else urlsplit(link).path
    assert "Choose a new password" in client.get(form_url).content.decode()
