"""Invitations, reminders and overdue notices through the real parts: the
`reminders_due` job triggered the way beat triggers it (a task published to
Redis), real Celery worker processes, PostgreSQL, and a real SMTP server.
Exactly once: no duplicate when the job runs twice at once or two workers
race for the same rows; a send killed before the server accepted it is
retried, after its lease, by the sweep, with the same Message-ID; nothing is
lost while the broker is unreachable."""

import contextlib
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from audits.models import Submission, SubmissionStatus
from audits.services.cycles import cycle_deadline_extend
from audits.services.reminders import reminders_due
from core.dates import UK
from core.domain import Actor
from core.models import OutboundEmail
from core.outbox import outbox_sweep
from core.tasks import send_outbound_email
from s11portal.celery import app as celery_app
from tests.conftest import _reset_broker_connections
from tests.factories import AgencyFactory, AuditCycleFactory, PartnershipFactory, question_set_with_questions

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status


def wait_until(predicate, timeout=30, message=""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def beat(task="audits.reminders_due"):
    """What Celery beat does on its schedule: publish the task by name."""
    celery_app.send_task(task)


def make_world(*, agencies=3, opens_ago=timedelta(days=20), closes_in=timedelta(days=30), contacts=1):
    partnership = PartnershipFactory(name="Worker Test Partnership", slug="wtp")
    now = timezone.now()
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=question_set_with_questions(partnership, themes=1, questions=1),
        opens_at=now - opens_ago,
        closes_at=now + closes_in,
    )
    made = [AgencyFactory(partnership=partnership, contacts=contacts) for _ in range(agencies)]
    return cycle, made


@contextlib.contextmanager
def broker_unreachable():
    """Publishing fails, as when Redis is down, for this process only."""
    keys = ("broker_url", "broker_write_url", "broker_read_url")
    saved = {key: celery_app.conf.get(key) for key in keys}
    for key in keys:
        celery_app.conf[key] = "redis://127.0.0.1:1/0"  # nothing listens there
    _reset_broker_connections(celery_app)
    try:
        yield
    finally:
        for key, value in saved.items():
            celery_app.conf[key] = value
        _reset_broker_connections(celery_app)


def all_sent(count):
    return lambda: OutboundEmail.objects.filter(status=Status.SENT).count() >= count


def message_ids(smtp):
    return Counter(m.message["Message-ID"] for m in smtp.messages)


def test_invitations_when_a_cycle_opens(celery_worker_factory, smtp_server):
    cycle, _agencies = make_world(opens_ago=timedelta(seconds=30))
    AgencyFactory(partnership=cycle.partnership, contacts=2)
    worker = celery_worker_factory(env=smtp_server.worker_env())
    beat()
    received = smtp_server.wait_for(5, timeout=40)
    wait_until(all_sent(5), message=worker.log())
    assert all("is asked to complete its Section 11 self-assessment" in m.subject for m in received)
    assert all(m.message["Reply-To"] == cycle.partnership.reply_to for m in received)
    assert all("/r/" in m.text for m in received)
    assert set(message_ids(smtp_server).values()) == {1}
    assert Submission.objects.filter(cycle=cycle).count() == 4
    # The next beat finds nothing more to send.
    beat()
    time.sleep(3)
    assert len(smtp_server.messages) == 5


def test_reminder_due_now_goes_only_to_agencies_that_have_not_submitted(celery_worker_factory, smtp_server):
    # 7 days and 1 minute before the deadline: the 7-day reminder is due.
    cycle, agencies = make_world(closes_in=timedelta(days=7, minutes=-1))
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        reminders_due()  # three days ago: the invitations and 14-day reminders
    OutboundEmail.objects.update(status=Status.SENT, sent_at=timezone.now())
    Submission.objects.filter(cycle=cycle, agency=agencies[0]).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=timezone.now()
    )
    worker = celery_worker_factory(env=smtp_server.worker_env())
    beat()
    received = smtp_server.wait_for(2, timeout=40)
    new = OutboundEmail.objects.filter(kind=Kind.REMINDER, dedupe_key__contains=":7d:")
    wait_until(lambda: new.filter(status=Status.SENT).count() == 2, message=worker.log())
    assert {m.rcpt_tos[0] for m in received} == {a.contacts.get().email for a in agencies[1:]}
    assert all(m.subject.startswith("Reminder:") for m in received)
    time.sleep(2)
    assert len(smtp_server.messages) == 2


def test_no_duplicate_when_the_job_runs_four_times_at_once_on_two_workers(celery_worker_factory, smtp_server):
    _cycle, _agencies = make_world(agencies=40, opens_ago=timedelta(seconds=30))
    celery_worker_factory(env=smtp_server.worker_env())
    celery_worker_factory(env=smtp_server.worker_env())
    for _ in range(4):
        beat()
    smtp_server.wait_for(40, timeout=60)
    wait_until(all_sent(40))
    time.sleep(3)  # anything extra would have arrived by now
    assert len(smtp_server.messages) == 40
    assert set(message_ids(smtp_server).values()) == {1}
    assert OutboundEmail.objects.count() == 40


def test_two_workers_racing_for_the_same_rows_send_each_once(celery_worker_factory, smtp_server):
    _cycle, _agencies = make_world(agencies=30, opens_ago=timedelta(seconds=30))
    celery_worker_factory(env=smtp_server.worker_env(), concurrency=2)
    celery_worker_factory(env=smtp_server.worker_env(), concurrency=2)
    reminders_due()  # queues each row once on commit
    ids = list(OutboundEmail.objects.values_list("pk", flat=True))
    for _ in range(3):  # and three more times each, as a redelivery or the sweep might
        for pk in ids:
            send_outbound_email.delay(pk)
    smtp_server.wait_for(30, timeout=60)
    wait_until(all_sent(30))
    time.sleep(3)
    assert len(smtp_server.messages) == 30
    assert set(message_ids(smtp_server).values()) == {1}
    assert {e.message_id for e in OutboundEmail.objects.all()} == set(message_ids(smtp_server))


def test_a_worker_killed_mid_send_is_retried_after_its_lease_with_the_same_message_id(
    celery_worker_factory, smtp_server
):
    make_world(agencies=1, opens_ago=timedelta(seconds=30))
    smtp_server.stall_next(1, seconds=20)
    env = {**smtp_server.worker_env(), "S11_OUTBOX_LEASE_SECONDS": "5"}
    first = celery_worker_factory(env=env)
    reminders_due()
    email = OutboundEmail.objects.get()
    smtp_server.wait_for_stalled(1)
    first.kill()  # the server never said "250"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.PENDING, 1)
    assert email.lease_until is not None
    assert outbox_sweep() == 0  # the lease still holds
    celery_worker_factory(env=env)
    # Redis would redeliver the killed worker's task only after its visibility
    # timeout (an hour); the beat sweep is what recovers, once the lease lapses.
    wait_until(lambda: timezone.now() > email.lease_until, timeout=10)
    assert outbox_sweep() == 1
    received = smtp_server.wait_for(1, timeout=30)
    wait_until(all_sent(1))
    email.refresh_from_db()
    assert email.attempts == 2
    assert received[0].message["Message-ID"] == email.message_id
    time.sleep(2)
    assert len(smtp_server.messages) == 1


def test_nothing_is_lost_when_the_broker_is_unreachable(celery_worker_factory, smtp_server):
    make_world(agencies=3, opens_ago=timedelta(seconds=30))
    celery_worker_factory(env=smtp_server.worker_env())
    with broker_unreachable():
        reminders_due()  # writes and commits; queuing fails and is logged
    assert OutboundEmail.objects.filter(status=Status.PENDING).count() == 3
    time.sleep(2)
    assert smtp_server.messages == []
    beat("audits.outbox_sweep")
    smtp_server.wait_for(3, timeout=30)
    wait_until(all_sent(3))
    assert set(message_ids(smtp_server).values()) == {1}


def test_an_extension_cancels_unsent_reminders_and_reschedules_them(celery_worker_factory, smtp_server):
    cycle, _agencies = make_world(agencies=1, closes_in=timedelta(days=2, minutes=-1))
    with broker_unreachable():
        reminders_due()  # invitation and the 2-day reminder, not yet sent
    old = OutboundEmail.objects.get(kind=Kind.REMINDER)
    assert old.context["days_before"] == 2
    cycle_deadline_extend(
        cycle=cycle,
        closes_at=cycle.closes_at + timedelta(days=10),
        reason="Local elections",
        actor=Actor(name="Admin"),
    )
    old.refresh_from_db()
    assert old.status == Status.CANCELLED
    worker = celery_worker_factory(env=smtp_server.worker_env())
    beat()
    beat("audits.outbox_sweep")
    received = smtp_server.wait_for(2, timeout=40)
    wait_until(lambda: OutboundEmail.objects.filter(status=Status.SENT).count() == 2, message=worker.log())
    time.sleep(2)
    assert len(smtp_server.messages) == 2
    reminder = OutboundEmail.objects.get(kind=Kind.REMINDER, status=Status.SENT)
    assert reminder.context["days_before"] == 14  # 14 days before the new deadline has passed
    new_deadline = timezone.localtime(cycle.closes_at + timedelta(days=10), UK)
    assert any(f"{new_deadline.day} {new_deadline:%B %Y}" in m.subject for m in received)


@pytest.mark.parametrize(
    ("opens", "closes", "before", "after", "days"),
    [
        # March 2026: 14 days before 5pm BST on 2 April is 5pm GMT on 19 March.
        (
            datetime(2026, 3, 1, 9, tzinfo=UK),
            datetime(2026, 4, 2, 17, tzinfo=UK),
            datetime(2026, 3, 19, 16, 59, tzinfo=UTC),
            datetime(2026, 3, 19, 17, 1, tzinfo=UTC),
            14,
        ),
        # October 2026: 7 days before 5pm GMT on 30 October is 5pm BST on 23 October.
        (
            datetime(2026, 10, 1, 9, tzinfo=UK),
            datetime(2026, 10, 30, 17, tzinfo=UK),
            datetime(2026, 10, 23, 15, 59, tzinfo=UTC),
            datetime(2026, 10, 23, 16, 1, tzinfo=UTC),
            7,
        ),
    ],
    ids=["march", "october"],
)
def test_reminder_times_across_the_clock_changes_delivered_by_a_worker(
    celery_worker_factory, smtp_server, opens, closes, before, after, days
):
    partnership = PartnershipFactory(slug="dst")
    AuditCycleFactory(
        partnership=partnership,
        question_set=question_set_with_questions(partnership, themes=1, questions=1),
        opens_at=opens,
        closes_at=closes,
    )
    AgencyFactory(partnership=partnership)
    with time_machine.travel(before - timedelta(days=days + 1), tick=False):
        reminders_due()  # the invitation
    with time_machine.travel(before, tick=False):
        reminders_due()
    earlier = set(OutboundEmail.objects.filter(kind=Kind.REMINDER).values_list("dedupe_key", flat=True))
    assert not any(f":{days}d:" in key for key in earlier)
    celery_worker_factory(env=smtp_server.worker_env())
    with time_machine.travel(after, tick=False):
        reminders_due()
    reminder = OutboundEmail.objects.get(dedupe_key__contains=f":{days}d:")
    beat("audits.outbox_sweep")
    wait_until(lambda: OutboundEmail.objects.get(pk=reminder.pk).status == Status.SENT)
    message = next(m for m in smtp_server.messages if m.message["Message-ID"] == reminder.message_id)
    local = closes.astimezone(UK)
    assert f"5pm on {local:%A} {local.day} {local:%B %Y}" in message.subject
