"""The staff digest through the real parts: the job published the way beat
publishes it, two real Celery workers, PostgreSQL and a real SMTP server.
Exactly once: four runs at once on two workers send each member one digest,
with every waiting notification in it once."""

import time
from collections import Counter

import pytest

from audits.models import NotificationFrequency, StaffNotification, StaffNotificationPreference
from audits.services.notifications import staff_notification_queue
from core.models import OutboundEmail
from partnerships.models import StaffMembership, StaffRole
from s11portal.celery import app as celery_app
from tests.factories import partnership_world
from tests.staff import staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout=40, message=""):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def test_four_digest_runs_at_once_on_two_workers_send_one_digest_a_member(celery_worker_factory, smtp_server):
    world = partnership_world(slug="dgst")
    members = []
    for n in range(12):
        user = staff_user(world.partnership, StaffRole.REVIEWER, email=f"member{n}@dgst.example")
        membership = StaffMembership.objects.get(user=user)
        StaffNotificationPreference.objects.create(
            partnership=world.partnership, membership=membership, kind="challenge", frequency="daily"
        )
        members.append(membership)
    for n in range(3):
        staff_notification_queue(
            partnership=world.partnership,
            kind="challenge",
            submission=world.submission,
            event_key=f"challenge:{n}",
            summary=f"Challenged theme {n}",
        )
    assert StaffNotification.objects.filter(frequency=NotificationFrequency.DAILY).count() == 36

    env = {**smtp_server.worker_env(), "S11_DIGEST_HOUR": "0"}  # whatever the time of day
    celery_worker_factory(env=env)
    celery_worker_factory(env=env)
    for _ in range(4):
        celery_app.send_task("audits.staff_notification_digests")

    received = smtp_server.wait_for(12, timeout=60)
    digests = OutboundEmail.objects.filter(kind="staff_digest")
    wait_until(lambda: digests.filter(status=OutboundEmail.Status.SENT).count() == 12)
    time.sleep(3)  # anything extra would have arrived by now
    assert len(smtp_server.messages) == 12
    assert Counter(m.rcpt_tos[0] for m in received) == Counter(m.user.email for m in members)
    assert all(m.subject.endswith("3 updates on Section 11 returns") for m in received)
    assert all(m.text.count("Challenged theme") == 3 for m in received)
    assert digests.count() == 12
    assert not StaffNotification.objects.filter(email__isnull=True).exists()
