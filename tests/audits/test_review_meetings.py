"""Assurance meetings and scrutiny panels: the service, and the pages to
list, record, view and change them, with agreed-action rows that grow by
"Add another action" without JavaScript."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import MeetingAction, ReviewMeeting
from audits.services.review import AgreedAction, meeting_save
from core.domain import DomainError
from core.models import AuditEvent
from partnerships.models import StaffRole
from tests.factories import AuditCycleFactory, SubmissionFactory, two_partnerships
from tests.staff import staff_client, staff_url, staff_user

from .review_support import reviewer_actor, submit, submitted_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    worlds = two_partnerships()
    submitted_world(worlds.a)
    submitted_world(worlds.b)
    return worlds


@pytest.fixture
def a(world):
    return world.a


@pytest.fixture
def actor(a):
    return reviewer_actor(staff_user(a.partnership))


def save(a, actor, **overrides):
    fields = {
        "partnership": a.partnership,
        "cycle": a.cycle,
        "kind": ReviewMeeting.Kind.SCRUTINY,
        "held_on": date(2026, 3, 27),
        "panel_members": "Jo Chair, Independent Scrutineer\nSam Lead, Police",
        "notes": "Discussed training.",
        "submissions": [a.submission],
        "actions": [AgreedAction("Refresh the training log", "Head of HR", date(2026, 6, 30))],
        "actor": actor,
    }
    return meeting_save(**{**fields, **overrides})


# ---------------------------------------------------------------------------
# The service
# ---------------------------------------------------------------------------


def test_recording_a_meeting_puts_it_on_each_returns_record(a, actor):
    second = submit(SubmissionFactory(cycle=a.cycle))
    meeting = save(a, actor, submissions=[a.submission, second])

    assert meeting.panel_member_list == ["Jo Chair, Independent Scrutineer", "Sam Lead, Police"]
    assert set(meeting.submissions.all()) == {a.submission, second}
    assert [(x.action, x.owner, x.due_on) for x in meeting.actions.all()] == [
        ("Refresh the training log", "Head of HR", date(2026, 6, 30))
    ]
    events = AuditEvent.objects.filter(verb="meeting.recorded")
    assert {e.submission_id for e in events} == {a.submission.pk, second.pk}


def test_changing_a_meeting_replaces_its_actions(a, actor):
    meeting = save(a, actor)
    save(
        a,
        actor,
        meeting=meeting,
        actions=[AgreedAction("One", "A", date(2026, 5, 1)), AgreedAction("Two", "B", date(2026, 5, 2))],
    )
    assert list(MeetingAction.objects.filter(meeting=meeting).values_list("action", flat=True)) == [
        "One",
        "Two",
    ]
    assert AuditEvent.objects.filter(verb="meeting.updated").count() == 1


def test_a_meeting_discusses_returns_of_its_own_cycle_only(world, a, actor):
    other_cycle = SubmissionFactory(cycle=AuditCycleFactory(partnership=a.partnership))
    with pytest.raises(DomainError, match="this cycle only"):
        save(a, actor, submissions=[other_cycle])
    with pytest.raises(DomainError, match="this cycle only"):
        save(a, actor, submissions=[world.b.submission])
    with pytest.raises(DomainError, match="another partnership"):
        save(a, actor, cycle=world.b.cycle)
    assert not ReviewMeeting.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"submissions": []}, "Select the returns"),
        ({"panel_members": "  "}, "who was on the panel"),
        ({"kind": "party"}, "kind of meeting"),
        ({"actions": [AgreedAction("Do it", "", date(2026, 1, 1))]}, "owner and a due date"),
    ],
)
def test_a_meeting_needs_its_essentials(a, actor, overrides, error):
    with pytest.raises(DomainError, match=error):
        save(a, actor, **overrides)
    assert not ReviewMeeting.objects.exists()


# ---------------------------------------------------------------------------
# The pages
# ---------------------------------------------------------------------------


@pytest.fixture
def reviewer(client, a):
    return staff_client(client, a.partnership, StaffRole.REVIEWER)


def meetings_url(a, name="staff_cycle_meetings", **kwargs):
    return staff_url(a.partnership, name, cycle_slug=a.cycle.slug, **kwargs)


def form_data(a, **overrides):
    data = {
        "kind": "assurance",
        "held_on_0": "27",
        "held_on_1": "3",
        "held_on_2": "2026",
        "submissions": [str(a.submission.pk)],
        "panel_members": "Jo Chair",
        "notes": "Good meeting",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-action": "Update the policy",
        "actions-0-owner": "Kim",
        "actions-0-due_on_0": "1",
        "actions-0-due_on_1": "6",
        "actions-0-due_on_2": "2026",
    }
    data.update(overrides)
    return data


def test_the_new_meeting_form_starts_from_the_return_it_was_opened_from(reviewer, a):
    review_page = reviewer.get(
        staff_url(a.partnership, "staff_return_review", reference=a.submission.reference)
    )
    create = meetings_url(a, "staff_cycle_meeting_create")
    assert f"{create}?return={a.submission.reference}" in review_page.content.decode()

    page = reviewer.get(f"{create}?return={a.submission.reference}").content.decode()
    assert f'name="submissions" type="checkbox" value="{a.submission.pk}" checked' in page
    # Three blank rows of agreed actions.
    assert 'name="actions-2-action"' in page and 'name="actions-3-action"' not in page
    assert 'name="actions-2-due_on_2"' in page
    assert "There is a problem" not in page


def test_add_another_action_keeps_what_was_typed_and_shows_no_errors(reviewer, a):
    data = form_data(a, panel_members="", **{"add_action": "1", "actions-1-action": "Half a row"})
    page = reviewer.post(meetings_url(a, "staff_cycle_meeting_create"), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" not in html
    assert 'name="actions-TOTAL_FORMS" value="4"' in html
    assert 'name="actions-3-action"' in html
    assert 'value="Update the policy"' in html and 'value="Half a row"' in html
    assert 'type="text" name="held_on_0" value="27"' in html
    assert not ReviewMeeting.objects.exists()


def test_meeting_errors_are_listed_and_keep_the_input(reviewer, a):
    data = form_data(
        a,
        held_on_0="",
        held_on_1="",
        held_on_2="",
        **{"actions-1-action": "No owner yet", "actions-0-due_on_0": "45"},
    )
    page = reviewer.post(meetings_url(a, "staff_cycle_meeting_create"), data)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Error: " in html
    assert '<a href="#id_held_on_0">Enter the date of the meeting</a>' in html
    assert '<a href="#id_actions-0-due_on_0">The due date must be a real date' in html
    assert '<a href="#id_actions-1-owner">Enter who owns action 2</a>' in html
    assert '<a href="#id_actions-1-due_on_0">Enter the due date of action 2</a>' in html
    assert 'value="No owner yet"' in html
    assert ">Good meeting</textarea>" in html
    assert not ReviewMeeting.objects.exists()


def test_recording_viewing_and_changing_a_meeting(reviewer, a):
    response = reviewer.post(meetings_url(a, "staff_cycle_meeting_create"), form_data(a))
    meeting = ReviewMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meetings_url(a, "staff_cycle_meeting", meeting_id=meeting.pk)

    detail = reviewer.get(response["Location"]).content.decode()
    assert "Assurance meeting, Friday 27 March 2026" in detail
    assert "Update the policy" in detail and "Kim" in detail and "Monday 1 June 2026" in detail
    listing = reviewer.get(meetings_url(a)).content.decode()
    assert "Friday 27 March 2026" in listing and a.agency.name in listing
    review = reviewer.get(staff_url(a.partnership, "staff_return_review", reference=a.submission.reference))
    assert "Assurance meeting, Friday 27 March 2026" in review.content.decode()

    edit = meetings_url(a, "staff_cycle_meeting_edit", meeting_id=meeting.pk)
    page = reviewer.get(edit).content.decode()
    assert 'value="Update the policy"' in page
    assert 'name="actions-TOTAL_FORMS" value="2"' in page  # the action and one blank row
    response = reviewer.post(
        edit,
        form_data(
            a,
            kind="scrutiny",
            **{"actions-TOTAL_FORMS": "2", "actions-1-action": "Second", "actions-1-owner": "Lee"}
            | {"actions-1-due_on_0": "2", "actions-1-due_on_1": "7", "actions-1-due_on_2": "2026"},
        ),
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.kind == "scrutiny"
    assert list(meeting.actions.values_list("action", flat=True)) == ["Update the policy", "Second"]


def test_a_read_only_member_can_read_meetings_but_not_record_them(client, a, actor):
    meeting = save(a, actor)
    viewer = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    assert "Record a meeting" not in viewer.get(meetings_url(a)).content.decode()
    detail = viewer.get(meetings_url(a, "staff_cycle_meeting", meeting_id=meeting.pk)).content.decode()
    assert "Refresh the training log" in detail and "Change this meeting" not in detail
    assert viewer.post(meetings_url(a, "staff_cycle_meeting_create"), form_data(a)).status_code == 403


def test_a_meeting_of_another_cycle_is_not_found_under_this_one(reviewer, a, actor):
    meeting = save(a, actor)
    other = AuditCycleFactory(partnership=a.partnership)
    url = staff_url(a.partnership, "staff_cycle_meeting", cycle_slug=other.slug, meeting_id=meeting.pk)
    assert reviewer.get(url).status_code == 404


def test_the_meetings_list_takes_the_same_queries_however_many_meetings(
    reviewer, a, actor, django_assert_num_queries
):
    save(a, actor)
    reviewer.get(meetings_url(a))
    with CaptureQueriesContext(connection) as one:
        reviewer.get(meetings_url(a))
    for _ in range(4):
        save(a, actor, submissions=[a.submission, submit(SubmissionFactory(cycle=a.cycle))])
    with CaptureQueriesContext(connection) as five:
        page = reviewer.get(meetings_url(a))
    assert page.content.decode().count("Friday 27 March 2026") == 5 * 2  # date cell and hidden link text
    assert len(one) == len(five)


@pytest.mark.parametrize(
    "tampered",
    [{"actions-TOTAL_FORMS": "500"}, {"actions-TOTAL_FORMS": "x"}, {"actions-TOTAL_FORMS": ""}],
)
def test_a_tampered_action_count_is_an_error_not_a_crash(reviewer, a, tampered):
    page = reviewer.post(meetings_url(a, "staff_cycle_meeting_create"), form_data(a, **tampered))
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert not ReviewMeeting.objects.exists()
    more = reviewer.post(
        meetings_url(a, "staff_cycle_meeting_create"), form_data(a, add_action="1", **tampered)
    )
    assert more.status_code == 200
