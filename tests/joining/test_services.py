"""joining.services: the daily sweep of registrations nobody needs any more."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail
from joining.models import AgencyRegistration
from joining.services import registrations_sweep
from tests.factories import two_partnerships
from tests.joining.test_views_registration import FORM, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worlds():
    return two_partnerships()


def test_the_daily_sweep_removes_unconfirmed_registrations_and_declined_contacts(worlds):
    """Nobody keeps the details of an organisation that never confirmed its
    address, or that the partnership declined, for longer than it needs."""

    a, b = worlds
    register(Client(), a, contact_email="old@unconfirmed.example")
    register(Client(), a, ip="203.0.113.6", contact_email="new@unconfirmed.example")
    register(Client(), b, ip="203.0.113.7", contact_email="declined@bravo.example")
    register(Client(), b, ip="203.0.113.8", contact_email="waiting@bravo.example")
    old, new, declined, waiting = AgencyRegistration.objects.order_by("pk")
    now = timezone.now()
    AgencyRegistration.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=31))
    AgencyRegistration.objects.filter(pk=declined.pk).update(
        status="declined", decided_at=now - timedelta(days=91), created_at=now - timedelta(days=100)
    )
    AgencyRegistration.objects.filter(pk=waiting.pk).update(
        status="waiting", created_at=now - timedelta(days=400)
    )

    assert registrations_sweep() == {
        "alpha": {"unconfirmed_deleted": 1, "declined_contacts_removed": 0},
        "bravo": {"unconfirmed_deleted": 0, "declined_contacts_removed": 1},
    }
    remaining = {r.pk: r for r in AgencyRegistration.objects.all()}
    assert set(remaining) == {new.pk, declined.pk, waiting.pk}
    assert (remaining[declined.pk].contact_email, remaining[declined.pk].contact_name) == ("", "")
    assert remaining[declined.pk].organisation_name == FORM["organisation_name"]  # the decision stays
    assert remaining[waiting.pk].contact_email == "waiting@bravo.example"  # waiting for a decision: kept
    # The emails about them lose their recipient too; the others keep theirs.
    assert set(OutboundEmail.objects.values_list("to_email", flat=True)) == {
        "",
        "new@unconfirmed.example",
        "waiting@bravo.example",
    }
    assert AuditEvent.objects.filter(verb="registration.swept").count() == 2
    assert registrations_sweep() == {}  # nothing left to do


def test_the_beat_schedule_runs_the_sweep(settings):
    from joining.tasks import registrations_sweep as task

    entry = settings.CELERY_BEAT_SCHEDULE["registrations-sweep"]
    assert entry["task"] == task.name == "joining.registrations_sweep"
