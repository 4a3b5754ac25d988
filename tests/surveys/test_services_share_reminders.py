"""Reminders to agency contacts to pass their agency's survey link on:
queued through the outbox, one a contact a day, none once the survey
(with its cycle) has closed."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.models import OutboundEmail
from core.outbox import outbound_email_send
from partnerships.models import StaffRole
from surveys.emails import KIND
from surveys.services import SurveyClosedError, survey_share_reminders_queue
from tests.factories import AgencyFactory, two_partnerships
from tests.staff import staff_client, staff_url

from .helpers import ADMIN, link_of, replies_add, survey_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Alpha: its council (1 contact) with 5 replies, "Few Replies" (2
    contacts) with 2 and "None Yet" (1 contact) with none."""
    worlds = two_partnerships()
    a = worlds.a
    few = AgencyFactory(partnership=a.partnership, name="Few Replies", contacts=2)
    none_yet = AgencyFactory(partnership=a.partnership, name="None Yet")
    survey = survey_make(a)
    replies_add(link_of(survey, a.agency), agreeing=5)
    replies_add(link_of(survey, few), agreeing=2)
    return worlds, survey, few, none_yet


def _queue(worlds, survey, agency_ids=None):
    return survey_share_reminders_queue(
        partnership=worlds.a.partnership,
        survey=survey,
        agency_ids=agency_ids,
        base_url=settings.BASE_URL,
        actor=ADMIN,
    )


def _rows():
    return OutboundEmail.objects.filter(kind=KIND).order_by("to_email")


def test_every_agency_under_five_replies_gets_one_email_per_contact(world):
    worlds, survey, few, none_yet = world
    assert _queue(worlds, survey) == 3
    rows = list(_rows())
    assert sorted(r.to_email for r in rows) == sorted(
        [c.email for c in few.contacts.all()] + [c.email for c in none_yet.contacts.all()]
    )
    assert worlds.a.agency.contacts.first().email not in {r.to_email for r in rows}
    row = next(r for r in rows if r.to_email == none_yet.contacts.first().email)
    message_sent = outbound_email_send(email_id=row.pk)
    assert message_sent
    [message] = mail.outbox
    token = link_of(survey, none_yet).token
    assert f"{settings.BASE_URL}/{worlds.a.partnership.slug}/survey/{token}/" in message.body
    assert "None Yet" in message.subject and "0 of your staff have replied" in message.body
    # The link of the agency itself, never another agency's.
    assert link_of(survey, few).token not in message.body


def test_ticked_agencies_only(world):
    worlds, survey, _few, _none_yet = world
    assert _queue(worlds, survey, [worlds.a.agency.pk]) == 1
    assert [r.to_email for r in _rows()] == [worlds.a.agency.contacts.first().email]


def test_asking_again_the_same_day_queues_nothing_new(world):
    worlds, survey, few, _none_yet = world
    assert _queue(worlds, survey) == 3
    assert _queue(worlds, survey) == 0
    assert _queue(worlds, survey, [few.pk]) == 0
    assert _rows().count() == 3


def test_another_partnerships_agency_is_never_emailed(world):
    worlds, survey, _few, _none_yet = world
    assert _queue(worlds, survey, [worlds.b.agency.pk]) == 0
    assert not _rows().exists()


def test_no_reminders_once_the_survey_has_closed(world):
    worlds, survey, _few, _none_yet = world
    cycle = worlds.a.cycle
    cycle.closes_at = timezone.now() - timedelta(minutes=1)
    cycle.save(update_fields=["closes_at"])
    survey.refresh_from_db()
    with pytest.raises(SurveyClosedError):
        _queue(worlds, survey)
    assert not _rows().exists()


def test_a_queued_reminder_is_not_sent_after_the_survey_closed(world):
    worlds, survey, _few, none_yet = world
    _queue(worlds, survey, [none_yet.pk])
    row = _rows().get()
    row.context["closes_at"] = (timezone.now() - timedelta(minutes=1)).isoformat()
    row.save(update_fields=["context"])
    outbound_email_send(email_id=row.pk)
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.CANCELLED and not mail.outbox


def test_the_staff_action_queues_and_reports(world):
    worlds, _survey, few, _none_yet = world
    client = staff_client(Client(), worlds.a.partnership, StaffRole.REVIEWER)
    url = staff_url(worlds.a.partnership, "staff_survey_share_remind", cycle_slug=worlds.a.cycle.slug)
    page = client.get(staff_url(worlds.a.partnership, "staff_survey", cycle_slug=worlds.a.cycle.slug))
    assert b"Email agencies their survey link" in page.content
    response = client.post(url, {"which": "ticked", "agency": [str(few.pk)]}, follow=True)
    assert b"Emails queued to agency contacts: 2." in response.content
    assert _rows().count() == 2


def test_ticked_with_nothing_ticked_is_an_error_that_keeps_the_choice(world):
    worlds, _survey, _few, _none_yet = world
    client = staff_client(Client(), worlds.a.partnership, StaffRole.REVIEWER)
    url = staff_url(worlds.a.partnership, "staff_survey_share_remind", cycle_slug=worlds.a.cycle.slug)
    response = client.post(url, {"which": "ticked"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tick at least one agency to email" in page and 'href="#id_agency_1"' in page
    assert 'value="ticked" checked' in page
    assert not _rows().exists()


def test_a_read_only_member_sees_no_action(world):
    worlds, _survey, _few, _none_yet = world
    client = staff_client(Client(), worlds.a.partnership, StaffRole.READ_ONLY)
    page = client.get(staff_url(worlds.a.partnership, "staff_survey", cycle_slug=worlds.a.cycle.slug))
    assert b"Email agencies their survey link" not in page.content
