"""After a meeting: attendance and notes, agreed actions with their status
(on the agency's action plan, reminded to their owner), escalations to the
executive board, and the pre-read pack (issue 14 item 6)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from audits.models import MeetingAction, MeetingPack, PanelMember, Rag, ReviewMeeting, ThemeModeration
from audits.services import resume_link_create
from audits.services.meetings import (
    ActionData,
    MeetingRefusedError,
    MeetingTimes,
    meeting_action_add,
    meeting_action_reminders_send,
    meeting_action_status_set,
    meeting_escalate,
    meeting_pack_request,
    meeting_record,
    meeting_schedule,
    panel_member_add,
)
from core.models import AuditEvent, OutboundEmail
from core.outbox import outbound_emails_send
from partnerships.models import StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url, staff_user

from .review_support import reviewer_actor, submitted_world

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


@pytest.fixture
def meeting(a, actor):
    start = timezone.now() + timedelta(days=3)
    meeting = meeting_schedule(
        partnership=a.partnership,
        cycle=a.cycle,
        kind=ReviewMeeting.Kind.ASSURANCE,
        times=MeetingTimes(start, start + timedelta(hours=2), "Town Hall"),
        submissions=[a.submission],
        actor=actor,
    )
    panel_member_add(
        meeting=meeting, actor=actor, name="Jo Chair", role="Independent chair", email="jo@x.example"
    )
    panel_member_add(
        meeting=meeting, actor=actor, name="Sam Scrutineer", role="Scrutineer", email="sam@x.example"
    )
    return meeting


def theme(a, order=0):
    return a.question_set.themes.order_by("order")[order]


def add_action(meeting, a, actor, **overrides):
    fields = {
        "action": "Refresh the training log",
        "owner": "Head of HR",
        "due_on": timezone.localdate() + timedelta(days=5),
        "owner_email": "hr@agency.example",
        "submission": a.submission,
        "theme": theme(a),
    }
    return meeting_action_add(meeting=meeting, data=ActionData(**{**fields, **overrides}), actor=actor)


# ---------------------------------------------------------------------------
# Attendance and notes
# ---------------------------------------------------------------------------


def test_recording_attendance_marks_the_meeting_held(meeting, actor):
    jo, sam = PanelMember.objects.filter(meeting=meeting).order_by("name")
    with pytest.raises(MeetingRefusedError, match="whether Sam Scrutineer attended"):
        meeting_record(meeting=meeting, attendance={jo.pk: "attended"}, notes="", actor=actor)
    meeting_record(
        meeting=meeting,
        attendance={jo.pk: "attended", sam.pk: "apologies"},
        notes="Training gaps",
        actor=actor,
    )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.notes) == ("held", "Training gaps")
    assert dict(PanelMember.objects.values_list("name", "attendance")) == {
        "Jo Chair": "attended",
        "Sam Scrutineer": "apologies",
    }


def test_the_record_page_keeps_what_was_typed_on_an_error(a, meeting):
    client = staff_client(Client(), a.partnership, StaffRole.REVIEWER)
    url = staff_url(
        a.partnership, "staff_cycle_meeting_record", cycle_slug=a.cycle.slug, meeting_id=meeting.pk
    )
    jo = PanelMember.objects.get(name="Jo Chair")
    page = client.post(url, {f"attendance_{jo.pk}": "attended", "notes": "Kept notes"})
    text = page.content.decode()
    assert page.status_code == 200 and "Select whether Sam Scrutineer attended" in text
    assert "Kept notes" in text


# ---------------------------------------------------------------------------
# Agreed actions
# ---------------------------------------------------------------------------


def test_an_action_is_about_one_of_the_meetings_returns(world, a, meeting, actor):
    with pytest.raises(MeetingRefusedError, match="return this meeting discussed"):
        add_action(meeting, a, actor, submission=world.b.submission, theme=None)
    with pytest.raises(MeetingRefusedError, match="theme of that return"):
        add_action(meeting, a, actor, theme=theme(world.b))
    item = add_action(meeting, a, actor)
    assert (item.status, item.submission, item.order) == ("open", a.submission, 1)


def test_an_actions_status_is_updated_later_and_shows_on_both_action_plans(a, meeting, actor, client):
    item = add_action(meeting, a, actor)
    meeting_action_status_set(item=item, status="in_progress", actor=actor)
    with pytest.raises(MeetingRefusedError):
        meeting_action_status_set(item=item, status="finished", actor=actor)
    staff = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    page = staff.get(
        staff_url(a.partnership, "staff_action_plan", reference=a.submission.reference)
    ).content.decode()
    assert "Refresh the training log" in page and "In progress" in page
    assert "Actions agreed at assurance meetings" in page

    # The agency's own action plan shows it too.
    agency = Client()
    _, url = resume_link_create(submission=a.submission, name="Sam", email=a.contact.email, mint=True)
    agency.get(url.split("testserver")[-1])
    plan = agency.get(f"/{a.partnership.slug}/return/actions/").content.decode()
    assert "Refresh the training log" in plan and "In progress" in plan


def test_owners_are_reminded_once_when_due_soon_and_once_when_overdue(a, meeting, actor):
    today = timezone.localdate()
    soon = add_action(meeting, a, actor, due_on=today + timedelta(days=5))
    add_action(meeting, a, actor, action="Far off", due_on=today + timedelta(days=60))
    add_action(meeting, a, actor, action="No email", owner_email="", due_on=today)
    done = add_action(meeting, a, actor, action="Done already", due_on=today - timedelta(days=1))
    meeting_action_status_set(item=done, status="done", actor=actor)
    assert meeting_action_reminders_send(today=today) == 1
    assert meeting_action_reminders_send(today=today) == 0
    assert meeting_action_reminders_send(today=today + timedelta(days=6)) == 1  # now overdue
    assert meeting_action_reminders_send(today=today + timedelta(days=7)) == 0
    rows = OutboundEmail.objects.filter(kind="meeting_action_due").order_by("pk")
    assert [r.context["stage"] for r in rows] == ["soon", "overdue"]
    mail.outbox.clear()
    outbound_emails_send(email_ids=[r.pk for r in rows])
    assert [m.to for m in mail.outbox] == [["Head of HR <hr@agency.example>"]] * 2
    assert "is due on" in mail.outbox[0].body and "not marked done" in mail.outbox[1].body
    assert soon.action in mail.outbox[0].body


def test_a_reminder_for_an_action_done_before_it_is_sent_is_cancelled(a, meeting, actor):
    item = add_action(meeting, a, actor)
    meeting_action_reminders_send()
    meeting_action_status_set(item=item, status="done", actor=actor)
    row = OutboundEmail.objects.get(kind="meeting_action_due")
    mail.outbox.clear()
    outbound_emails_send(email_ids=[row.pk])
    row.refresh_from_db()
    assert row.status == "cancelled" and mail.outbox == []


# ---------------------------------------------------------------------------
# Escalations
# ---------------------------------------------------------------------------


def test_an_issue_is_escalated_with_a_reason_and_listed_on_the_meeting(a, meeting, actor, client):
    with pytest.raises(MeetingRefusedError, match="why it is escalated"):
        meeting_escalate(meeting=meeting, issue="Training", reason=" ", board="Executive Board", actor=actor)
    meeting_escalate(
        meeting=meeting,
        issue="Safer recruitment checks lapse across agencies",
        reason="Beyond one agency's reach",
        board="Children's Executive Board",
        board_on=date(2027, 6, 19),
        theme=theme(a),
        actor=actor,
    )
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    page = reviewer.get(
        staff_url(a.partnership, "staff_cycle_meeting", cycle_slug=a.cycle.slug, meeting_id=meeting.pk)
    ).content.decode()
    assert (
        "Safer recruitment checks lapse" in page
        and "Children&#x27;s Executive Board, Saturday 19 June 2027" in page
    )


def test_the_escalation_page_keeps_what_was_typed_on_an_error(a, meeting, client):
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    url = staff_url(
        a.partnership, "staff_cycle_meeting_escalate", cycle_slug=a.cycle.slug, meeting_id=meeting.pk
    )
    page = reviewer.post(url, {"issue": "Typed issue", "reason": "", "board": "Exec"})
    text = page.content.decode()
    assert "Enter why it is escalated" in text and "Typed issue" in text and 'value="Exec"' in text


# ---------------------------------------------------------------------------
# The pre-read pack
# ---------------------------------------------------------------------------


def test_the_pre_read_pack_is_one_tagged_pdf_of_summary_moderation_and_plans(
    a, meeting, actor, client, django_capture_on_commit_callbacks
):
    ThemeModeration.objects.create(
        partnership=a.partnership,
        submission=a.submission,
        theme=theme(a),
        rag=Rag.RED,
        comment="No training log",
    )
    add_action(meeting, a, actor)
    with django_capture_on_commit_callbacks(execute=True):
        pack = meeting_pack_request(meeting=meeting, actor=actor)
    pack.refresh_from_db()
    assert pack.is_built and pack.version == 1
    reader = PdfReader(BytesIO(pack.file.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert a.agency.name in text and "No training log" in text and "Refresh the training log" in text
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged (PDF/UA)

    reviewer = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    url = staff_url(
        a.partnership,
        "staff_cycle_meeting_pack_download",
        cycle_slug=a.cycle.slug,
        meeting_id=meeting.pk,
        version=1,
    )
    response = reviewer.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # Recorded like any download of return data, with the version taken.
    taken = AuditEvent.objects.get(partnership=a.partnership, verb="meeting.pack_downloaded")
    assert taken.detail == {"version": 1} and taken.object_id == str(meeting.pk)
    # Asking again makes a new version; the first stays.
    with django_capture_on_commit_callbacks(execute=True):
        meeting_pack_request(meeting=meeting, actor=actor)
    assert list(MeetingPack.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def test_the_meeting_page_stays_within_its_query_budget(
    a, meeting, actor, client, django_assert_max_num_queries
):
    for n in range(3):
        add_action(meeting, a, actor, action=f"Action {n}")
        meeting_escalate(meeting=meeting, issue=f"Issue {n}", reason="Why", board="Board", actor=actor)
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    url = staff_url(a.partnership, "staff_cycle_meeting", cycle_slug=a.cycle.slug, meeting_id=meeting.pk)
    reviewer.get(url)
    with django_assert_max_num_queries(10):
        page = reviewer.get(url)
    assert page.content.decode().count("Issue ") >= 3
    assert MeetingAction.objects.count() == 3


@pytest.mark.parametrize(
    "name",
    [
        "staff_cycle_meetings",
        "staff_cycle_meeting_schedule",
        "staff_cycle_meeting_reschedule",
        "staff_cycle_meeting_cancel",
        "staff_cycle_meeting_panel_add",
        "staff_cycle_meeting_record",
        "staff_cycle_meeting_action_add",
        "staff_cycle_meeting_escalate",
    ],
)
def test_each_meeting_page_stays_within_ten_queries(
    a, meeting, actor, client, name, django_assert_max_num_queries
):
    add_action(meeting, a, actor)
    meeting_escalate(meeting=meeting, issue="Listed issue", reason="Why", board="Board", actor=actor)
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    kwargs = (
        {} if name in ("staff_cycle_meetings", "staff_cycle_meeting_schedule") else {"meeting_id": meeting.pk}
    )
    url = staff_url(a.partnership, name, cycle_slug=a.cycle.slug, **kwargs)
    reviewer.get(url)
    with django_assert_max_num_queries(10):
        page = reviewer.get(url)
    assert page.status_code == 200
    if name == "staff_cycle_meetings":
        assert "Listed issue" in page.content.decode()
