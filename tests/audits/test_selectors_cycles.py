"""Each selector of audits/selectors/cycles.py keeps to its partnership."""

import pytest
from django.http import Http404

from audits.selectors import cycles as sel
from audits.services.reminders import reminders_due
from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {
    "agency_choice_list",
    "cycle_admin_get",
    "cycle_deadline_events",
    "cycle_email_rows",
    "cycle_overdue_rows",
    "cycle_participant_rows",
    "cycle_submissions_by_agency",
    "locality_choice_list",
    "question_set_published_list",
    "submission_email_list",
    "theme_last_cycle",
}


@pytest.fixture
def world():
    w = two_partnerships()
    reminders_due()
    return w


def test_cycle_admin_get_refuses_another_partnerships_cycle(world):
    a, b = world
    b.cycle.slug = "only-in-b"
    b.cycle.save()
    assert sel.cycle_admin_get(partnership=a.partnership, slug=a.cycle.slug) == a.cycle
    with pytest.raises(Http404):
        sel.cycle_admin_get(partnership=a.partnership, slug="only-in-b")


def test_choice_lists_hold_only_the_partnership(world):
    a, _b = world
    assert list(sel.agency_choice_list(partnership=a.partnership)) == [a.agency]
    assert list(sel.locality_choice_list(partnership=a.partnership)) == [a.locality]
    assert list(sel.question_set_published_list(partnership=a.partnership)) == [a.question_set]


def test_email_rows_and_lists_hold_only_the_partnership(world):
    a, b = world
    rows = list(sel.cycle_email_rows(partnership=a.partnership, cycle=b.cycle))
    assert rows == []
    rows = list(sel.cycle_email_rows(partnership=a.partnership, cycle=a.cycle))
    assert rows == [a.submission] and rows[0].emails_waiting == 1
    assert list(sel.submission_email_list(partnership=a.partnership, submission=b.submission)) == []
    assert len(sel.submission_email_list(partnership=a.partnership, submission=a.submission)) == 1


def test_cycle_submission_lookups_refuse_another_partnership(world):
    a, b = world
    found = sel.cycle_submissions_by_agency(
        partnership=a.partnership, cycle=a.cycle, agency_ids=[a.agency.pk, b.agency.pk]
    )
    assert found == [a.submission]


def test_deadline_events_and_last_cycle_keep_to_the_partnership(world):
    from core.models import AuditEvent

    a, b = world
    AuditEvent.objects.create(
        partnership=b.partnership, submission=b.submission, verb="submission.deadline_extended", detail={}
    )
    assert list(sel.cycle_deadline_events(partnership=a.partnership, cycle=b.cycle)) == []
    theme = a.question_set.themes.first()
    b.submission.carried_from = b.submission
    assert sel.theme_last_cycle(partnership=a.partnership, submission=b.submission, theme=theme) is None


def test_overdue_and_participant_rows_keep_to_the_partnership(world):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    a, b = world
    rows = sel.cycle_participant_rows(partnership=a.partnership, cycle=a.cycle)
    assert rows == [(a.agency, a.submission)]
    with pytest.raises(Http404):
        sel.cycle_participant_rows(partnership=a.partnership, cycle=b.cycle)
    with pytest.raises(Http404):
        sel.cycle_overdue_rows(partnership=a.partnership, cycle=b.cycle)
    with time_machine.travel(a.cycle.closes_at + timedelta(minutes=1), tick=False):
        assert sel.cycle_overdue_rows(partnership=a.partnership, cycle=a.cycle) == [a.submission]
    assert sel.cycle_overdue_rows(partnership=a.partnership, cycle=a.cycle, now=timezone.now()) == []
