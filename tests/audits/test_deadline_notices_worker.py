"""A deadline change and an overdue chaser through the real parts: written
by the web process in its transaction, sent by a real Celery worker to a
real SMTP server (aiosmtpd), each once."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from audits.models import Submission
from audits.services.cycles import submission_deadline_extend
from audits.services.reminders import reminder_send_now, reminders_due
from core.domain import Actor
from core.models import OutboundEmail
from tests.audits.test_reminders_worker import make_world, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status
STAFF = Actor(name="Amira Admin", email="admin@partnership.example")


@override_settings(S11_DEADLINE_NOTICE_DELAY_SECONDS=0)
def test_an_extension_and_an_overdue_chaser_reach_the_agencies_once(celery_worker_factory, smtp_server):
    # Closed an hour ago; everyone was invited.
    cycle, agencies = make_world(agencies=2, closes_in=timedelta(hours=-1))
    with time_machine.travel(timezone.now() - timedelta(days=10), tick=False):
        reminders_due()
    OutboundEmail.objects.update(status=Status.SENT, sent_at=timezone.now() - timedelta(days=10))
    worker = celery_worker_factory(env=smtp_server.worker_env())
    late, extended = (Submission.objects.get(cycle=cycle, agency=a) for a in agencies)

    submission_deadline_extend(
        submission=extended, until=timezone.now() + timedelta(days=7), reason="Inspection", actor=STAFF
    )
    result = reminder_send_now(cycle=cycle, submissions=[late, extended], actor=STAFF)
    assert result.overdue == [late] and result.sent == [late, extended]
    received = smtp_server.wait_for(3, timeout=40)
    wait_until(lambda: OutboundEmail.objects.filter(status=Status.SENT).count() == 5, message=worker.log())
    by_to = {m.rcpt_tos[0]: m for m in received}
    assert len(by_to) == 2
    late_mail = [m for m in received if m.rcpt_tos[0] == agencies[0].contacts.get().email]
    extended_mail = [m for m in received if m.rcpt_tos[0] == agencies[1].contacts.get().email]
    assert [m.subject.split(":")[0] for m in late_mail] == ["Overdue"]
    assert sorted(m.subject.split(":")[0] for m in extended_mail) == ["New deadline", "Reminder"]
    assert all("/r/" in m.text for m in extended_mail)
    # Pressing again at once sends nothing more.
    again = reminder_send_now(cycle=cycle, submissions=[late, extended], actor=STAFF)
    assert again.sent == [] and len(again.recent) == 2
    time.sleep(3)
    assert len(smtp_server.messages) == 3
