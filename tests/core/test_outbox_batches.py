"""The outbox sends in batches: one task claims a batch, renders it, sends
it through one connection and marks it sent in one statement. One message
failing (refused by the server, or its rendering raising) fails only that
message: the rest are sent once, and it is retried alone, with its
Message-ID."""

import time
from collections import Counter

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from audits.services.emails import submission_email_context
from core.models import OutboundEmail
from core.outbox import outbound_email_queue_many, outbound_emails_send, outbox_sweep
from tests.factories import partnership_world

Status = OutboundEmail.Status


def _receipts(world, count, *, template="receipt"):
    rows = [
        OutboundEmail(
            partnership=world.partnership,
            submission=world.submission,
            kind=OutboundEmail.Kind.RECEIPT,
            dedupe_key=f"batch-test:{i}",
            to_name=f"Person {i}",
            to_email=f"person{i}@batch.example",
            template=template if i == 0 else "receipt",
            context=submission_email_context(
                world.submission,
                submitted_at=timezone.now().isoformat(),
                submitted_by_name=f"Person {i}",
                signed_off_by="Jo Director, Director",
                themes_defaulted_red=[],
            ),
        )
        for i in range(count)
    ]
    outbound_email_queue_many(emails=rows)
    return list(OutboundEmail.objects.filter(dedupe_key__startswith="batch-test:").order_by("pk"))


@pytest.mark.django_db
def test_a_row_that_cannot_be_rendered_fails_alone_and_its_batch_is_sent_and_marked_in_few_queries(
    django_assert_max_num_queries,
):
    world = partnership_world(slug="batch")
    rows = _receipts(world, 5, template="no_such_template")
    mail.outbox.clear()
    # Claim (2), fetch (1), mark sent (1), the failure (1), savepoints.
    with django_assert_max_num_queries(8):
        assert outbound_emails_send(email_ids=[r.pk for r in rows]) == 4
    assert len(mail.outbox) == 4
    broken = OutboundEmail.objects.get(pk=rows[0].pk)
    assert (broken.status, broken.attempts) == (Status.PENDING, 1)
    assert "TemplateDoesNotExist" in broken.last_error and broken.lease_until > timezone.now()
    sent = OutboundEmail.objects.filter(status=Status.SENT)
    assert sent.count() == 4 and set(sent.values_list("attempts", flat=True)) == {1}
    assert all(e.subject.endswith(f"({world.submission.reference})") for e in sent)
    # Sending the batch again sends nothing twice: the sent rows are done and
    # the failed one waits for its back-off.
    assert outbound_emails_send(email_ids=[r.pk for r in rows]) == 0
    assert len(mail.outbox) == 4


@pytest.mark.django_db
@override_settings(S11_OUTBOX_LEASE_SECONDS=2)
def test_a_batch_hands_back_what_it_could_not_start_within_half_its_lease(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    world = partnership_world(slug="slow")
    rows = _receipts(world, 3)
    real = EmailBackend.send_messages

    def slow(self, messages):
        time.sleep(1.2)  # longer than half the lease
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow)
    mail.outbox.clear()
    assert outbound_emails_send(email_ids=[r.pk for r in rows]) == 1
    handed_back = OutboundEmail.objects.filter(status=Status.PENDING)
    assert handed_back.count() == 2
    assert set(handed_back.values_list("attempts", "lease_until")) == {(0, None)}


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_message_refused_by_the_server_is_retried_alone_and_the_rest_of_its_batch_sent_once(
    celery_worker_factory, smtp_server
):
    world = partnership_world(slug="refused")
    env = {**smtp_server.worker_env(), "S11_OUTBOX_LEASE_SECONDS": "3"}
    smtp_server.stall_next(1, seconds=0)  # the batch's first message: "451 try again later"
    worker = celery_worker_factory(env=env, concurrency=1)
    rows = _receipts(world, 5)  # one batch, one task

    def sent_count():
        return OutboundEmail.objects.filter(status=Status.SENT).count()

    deadline = time.monotonic() + 40
    while sent_count() < 4:
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    refused = OutboundEmail.objects.get(status=Status.PENDING)
    assert refused.pk == rows[0].pk and refused.attempts == 1 and "451" in refused.last_error
    assert len(smtp_server.messages) == 4
    while timezone.now() <= OutboundEmail.objects.get(pk=refused.pk).lease_until:
        time.sleep(0.2)
    assert outbox_sweep() == 1
    smtp_server.wait_for(5, timeout=30)
    deadline = time.monotonic() + 30
    while sent_count() < 5:
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    time.sleep(2)  # anything sent twice would have arrived by now
    ids = Counter(m.message["Message-ID"] for m in smtp_server.messages)
    assert len(smtp_server.messages) == 5 and set(ids.values()) == {1}
    assert set(ids) == set(OutboundEmail.objects.values_list("message_id", flat=True))
    assert OutboundEmail.objects.get(pk=refused.pk).attempts == 2
