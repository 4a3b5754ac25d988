"""Meetings run in the service: scheduling, the panel, invitations with a
calendar file, cancelling, and an outsider's read-only access to that
meeting's returns only, until a week after it ends (issue 14 item 6)."""

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import PANEL_ACCESS_DAYS, PanelMember, ReviewMeeting
from audits.services.meetings import (
    MeetingRefusedError,
    MeetingTimes,
    PanelLinkLimitedError,
    meeting_cancel,
    meeting_invitations_send,
    meeting_schedule,
    panel_link_request,
    panel_member_add,
    panel_member_revoke,
)
from core.dates import UK, uk_datetime
from core.models import OutboundEmail
from core.outbox import outbound_emails_send
from partnerships.models import StaffMembership, StaffRole
from tests.factories import SubmissionFactory, two_partnerships
from tests.staff import staff_client, staff_url, staff_user

from .review_support import reviewer_actor, submit, submitted_world

pytestmark = pytest.mark.django_db

START = datetime(2027, 5, 12, 10, 0, tzinfo=UK)  # 09:00 UTC (British Summer Time)


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


def schedule(w, actor, **overrides):
    fields = {
        "partnership": w.partnership,
        "cycle": w.cycle,
        "kind": ReviewMeeting.Kind.ASSURANCE,
        "times": MeetingTimes(
            START, START + timedelta(hours=2), "Town Hall, Room 3", "https://teams.example/m/1"
        ),
        "submissions": [w.submission],
        "actor": actor,
    }
    return meeting_schedule(**{**fields, **overrides})


def chair(meeting, actor, email="chair@independent.example"):
    return panel_member_add(
        meeting=meeting, actor=actor, name="Jo Chair", role="Independent chair", email=email
    )


def sent(kind):
    """Send the outbox's pending emails of this kind; the messages."""
    ids = list(OutboundEmail.objects.filter(kind=kind, status="pending").values_list("pk", flat=True))
    mail.outbox.clear()
    outbound_emails_send(email_ids=ids)
    return list(mail.outbox)


def panel_link(message) -> str:
    return re.search(r"http://[^\s]+/panel/[A-Za-z0-9_-]+/", message.body)[0].split("testserver")[-1]


# ---------------------------------------------------------------------------
# Scheduling
# ---------------------------------------------------------------------------


def test_a_scheduled_meeting_has_its_times_place_and_uk_date(a, actor):
    meeting = schedule(a, actor)
    assert meeting.status == ReviewMeeting.Status.SCHEDULED
    assert meeting.held_on.isoformat() == "2027-05-12"
    assert (meeting.sequence, meeting.location) == (0, "Town Hall, Room 3")


def test_moving_a_meeting_bumps_its_calendar_sequence_and_renaming_kind_does_not(a, actor):
    meeting = schedule(a, actor)
    schedule(a, actor, meeting=meeting, kind=ReviewMeeting.Kind.SCRUTINY)
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    later = START + timedelta(days=1)
    schedule(a, actor, meeting=meeting, times=MeetingTimes(later, later + timedelta(hours=1), "Town Hall"))
    meeting.refresh_from_db()
    assert meeting.sequence == 1


@pytest.mark.parametrize(
    ("times", "error"),
    [
        (MeetingTimes(START, START, "Hall"), "end after it starts"),
        (MeetingTimes(START, START - timedelta(hours=1), "Hall"), "end after it starts"),
        (MeetingTimes(START, START + timedelta(hours=2)), "place or an online meeting link"),
    ],
)
def test_a_meeting_needs_sensible_times_and_somewhere_to_be(a, actor, times, error):
    with pytest.raises(MeetingRefusedError, match=error):
        schedule(a, actor, times=times)
    assert not ReviewMeeting.objects.exists()


def test_a_meeting_discusses_its_own_partnerships_returns_only(world, a, actor):
    with pytest.raises(MeetingRefusedError, match="this cycle only"):
        schedule(a, actor, submissions=[world.b.submission])


# ---------------------------------------------------------------------------
# The panel and invitations
# ---------------------------------------------------------------------------


def test_panel_members_are_staff_or_outsiders_each_once(a, actor):
    meeting = schedule(a, actor)
    membership = StaffMembership.objects.get(user=actor.user, partnership=a.partnership)
    staff = panel_member_add(meeting=meeting, actor=actor, membership=membership)
    outsider = chair(meeting, actor)
    assert (staff.is_outsider, outsider.is_outsider) == (False, True)
    assert outsider.access_until() == meeting.ends_at + timedelta(days=PANEL_ACCESS_DAYS)
    assert staff.access_until() is None
    with pytest.raises(MeetingRefusedError, match="already on this panel"):
        chair(meeting, actor, email="CHAIR@independent.example")


def test_staff_of_another_partnership_cannot_be_added(world, a, actor):
    meeting = schedule(a, actor)
    other = StaffMembership.objects.get(user=staff_user(world.b.partnership))
    with pytest.raises(MeetingRefusedError, match="this partnership"):
        panel_member_add(meeting=meeting, actor=actor, membership=other)


def test_invitations_carry_a_calendar_request_and_go_once_per_member_and_version(a, actor):
    meeting = schedule(a, actor)
    chair(meeting, actor)
    assert len(meeting_invitations_send(meeting=meeting, actor=actor)) == 1
    assert meeting_invitations_send(meeting=meeting, actor=actor) == []
    [message] = sent("meeting_invitation")
    [(name, ics, mimetype)] = message.attachments
    assert name == "meeting.ics" and mimetype.startswith("text/calendar")
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "METHOD:REQUEST" in ics
    assert f"UID:meeting-{meeting.pk}@" in ics
    assert "SEQUENCE:0" in ics
    assert "DTSTART:20270512T090000Z" in ics and "DTEND:20270512T110000Z" in ics
    assert "LOCATION:Town Hall\\, Room 3" in ics and "URL:https://teams.example/m/1" in ics
    assert "/panel/" not in ics.replace("\r\n ", "")  # the outsider's link stays in the email
    assert "Wednesday 12 May 2027" in message.body and "/panel/" in message.body
    # The token is made when the email is sent and kept only as its hash.
    member = PanelMember.objects.get()
    assert member.token_hash and panel_link(message).split("/")[-2] not in member.token_hash

    later = START + timedelta(days=1)
    schedule(a, actor, meeting=meeting, times=MeetingTimes(later, later + timedelta(hours=1), "Town Hall"))
    assert len(meeting_invitations_send(meeting=meeting, actor=actor)) == 1
    [update] = sent("meeting_invitation")
    body = update.attachments[0][1]
    body = body.decode() if isinstance(body, bytes) else body
    assert "SEQUENCE:1" in body and f"UID:meeting-{meeting.pk}@" in body
    assert "has changed" in update.body


def test_an_invitation_not_yet_sent_is_dropped_when_superseded_or_the_access_withdrawn(a, actor):
    meeting = schedule(a, actor)
    chair(meeting, actor)
    sam = panel_member_add(meeting=meeting, actor=actor, name="Sam", role="Scrutineer", email="sam@x.example")
    meeting_invitations_send(meeting=meeting, actor=actor)
    later = START + timedelta(days=1)
    schedule(a, actor, meeting=meeting, times=MeetingTimes(later, later + timedelta(hours=1), "Town Hall"))
    meeting_invitations_send(meeting=meeting, actor=actor)
    panel_member_revoke(member=sam, actor=actor)
    messages = sent("meeting_invitation")
    # Only Jo's second invitation goes: the first two were superseded, Sam's access withdrawn.
    assert [(m.to, "SEQUENCE:1" in str(m.attachments[0][1])) for m in messages] == [
        (["Jo Chair <chair@independent.example>"], True)
    ]
    statuses = OutboundEmail.objects.filter(kind="meeting_invitation").values_list("to_email", "status")
    assert sorted(statuses) == [
        ("chair@independent.example", "cancelled"),
        ("chair@independent.example", "sent"),
        ("sam@x.example", "cancelled"),
        ("sam@x.example", "cancelled"),
    ]


def test_cancelling_sends_a_calendar_cancel_to_those_invited_and_ends_outsiders_access(a, actor, client):
    meeting = schedule(a, actor)
    chair(meeting, actor)
    meeting_invitations_send(meeting=meeting, actor=actor)
    [invitation] = sent("meeting_invitation")
    with pytest.raises(MeetingRefusedError, match="why the meeting is cancelled"):
        meeting_cancel(meeting=meeting, reason=" ", actor=actor)
    meeting_cancel(meeting=meeting, reason="The chair is ill", actor=actor)
    [message] = sent("meeting_cancelled")
    ics = message.attachments[0][1]
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    page = client.get(panel_link(invitation))
    assert page.status_code == 403
    assert "This meeting has been cancelled" in page.content.decode()


# ---------------------------------------------------------------------------
# The outsider's read-only access
# ---------------------------------------------------------------------------


@pytest.fixture
def invited(a, actor):
    """A scheduled meeting about a's return with an outsider invited; the
    client signed in by their link. A second meeting discusses another
    return of the same cycle."""
    meeting = schedule(a, actor)
    chair(meeting, actor)
    meeting_invitations_send(meeting=meeting, actor=actor)
    [message] = sent("meeting_invitation")
    other_return = submit(SubmissionFactory(cycle=a.cycle))
    schedule(a, actor, submissions=[other_return])
    client = Client()
    response = client.get(panel_link(message))
    assert response.status_code == 302 and response["Referrer-Policy"] == "no-referrer"
    assert response["Location"] == reverse("panel_meeting", kwargs={"partnership_slug": a.partnership.slug})
    return meeting, client, other_return, message


def test_an_outsider_reads_their_meeting_and_its_returns_only(
    world, a, invited, django_assert_max_num_queries
):
    _, client, other_return, _ = invited
    slug = a.partnership.slug
    with django_assert_max_num_queries(10):
        page = client.get(reverse("panel_meeting", kwargs={"partnership_slug": slug}))
    text = page.content.decode()
    assert page.status_code == 200 and a.agency.name in text and other_return.agency.name not in text
    assert page["Cache-Control"] == "private, no-store"
    with django_assert_max_num_queries(10):
        detail = client.get(
            reverse("panel_return", kwargs={"partnership_slug": slug, "reference": a.submission.reference})
        )
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "Summary and moderation" in body and "Actions agreed at assurance meetings" in body
    assert "<form" not in body.replace('action="/' + slug + '/panel/sign-out/"', "").split("Sign out")[-1]
    # Another meeting's return, another partnership's, and staff pages: nothing.
    assert (
        client.get(
            reverse("panel_return", kwargs={"partnership_slug": slug, "reference": other_return.reference})
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse(
                "panel_return", kwargs={"partnership_slug": slug, "reference": world.b.submission.reference}
            )
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("panel_meeting", kwargs={"partnership_slug": world.b.partnership.slug})
        ).status_code
        == 302
    )
    staff_page = client.get(staff_url(a.partnership, "staff_return_review", reference=a.submission.reference))
    assert staff_page.status_code == 302 and "/panel/" not in staff_page["Location"]
    assert client.get(reverse("task_list", kwargs={"partnership_slug": slug})).status_code in (302, 404)


def test_an_outsiders_access_ends_a_week_after_the_meeting_ends(a, invited):
    meeting, client, _, message = invited
    url = reverse("panel_meeting", kwargs={"partnership_slug": a.partnership.slug})
    now = timezone.now()

    def meeting_ended(ago):
        ReviewMeeting.objects.filter(pk=meeting.pk).update(
            starts_at=now - ago - timedelta(hours=2), ends_at=now - ago
        )

    meeting_ended(timedelta(days=PANEL_ACCESS_DAYS) - timedelta(minutes=1))
    assert client.get(url).status_code == 200
    meeting_ended(timedelta(days=PANEL_ACCESS_DAYS))
    page = client.get(url)
    assert page.status_code == 403
    text = page.content.decode()
    assert "Your access to this meeting’s returns has ended" in text
    assert uk_datetime(now) in text
    # The link itself stops working too.
    assert Client().get(panel_link(message)).status_code == 403


def test_staff_can_revoke_an_outsiders_access_at_once(a, actor, invited):
    _, client, _, _ = invited
    panel_member_revoke(member=PanelMember.objects.get(), actor=actor)
    page = client.get(reverse("panel_meeting", kwargs={"partnership_slug": a.partnership.slug}))
    assert page.status_code == 403 and "withdrawn" in page.content.decode()


def test_a_token_of_another_partnership_or_a_wrong_token_is_not_found(world, invited):
    _, _, _, message = invited
    path = panel_link(message).replace(f"/{world.a.partnership.slug}/", f"/{world.b.partnership.slug}/")
    assert Client().get(path).status_code == 404
    assert Client().get(panel_link(message)[:-5] + "xxxx/").status_code == 404


def test_asking_for_a_new_link_is_rate_limited_and_says_the_same_for_anyone(
    a, invited, django_capture_on_commit_callbacks
):
    cache.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        panel_link_request(partnership=a.partnership, email="chair@independent.example", ip="203.0.113.9")
        panel_link_request(partnership=a.partnership, email="nobody@x.example", ip="203.0.113.9")
    assert OutboundEmail.objects.filter(kind="meeting_panel_link").count() == 1
    [message] = mail.outbox
    assert "/panel/" in message.body
    assert message.to == ["Jo Chair <chair@independent.example>"]
    for _ in range(4):
        panel_link_request(partnership=a.partnership, email="chair@independent.example")
    with pytest.raises(PanelLinkLimitedError):
        panel_link_request(partnership=a.partnership, email="chair@independent.example")
    page = Client().post(
        reverse("panel_link_request", kwargs={"partnership_slug": a.partnership.slug}),
        {"email": "chair@independent.example"},
    )
    assert page.status_code == 200 and "too many links" in page.content.decode()
    assert 'value="chair@independent.example"' in page.content.decode()


# ---------------------------------------------------------------------------
# The staff pages
# ---------------------------------------------------------------------------


@pytest.fixture
def reviewer(client, a):
    return staff_client(client, a.partnership, StaffRole.REVIEWER)


def test_scheduling_from_the_page_keeps_what_was_typed_on_an_error(a, reviewer):
    url = staff_url(a.partnership, "staff_cycle_meeting_schedule", cycle_slug=a.cycle.slug)
    data = {
        "kind": "assurance",
        "starts_at_0": "12",
        "starts_at_1": "5",
        "starts_at_2": "2027",
        "starts_at_3": "10am",
        "ends_at_0": "12",
        "ends_at_1": "5",
        "ends_at_2": "2027",
        "ends_at_3": "9am",
        "location": "Town Hall",
        "submissions": [str(a.submission.pk)],
    }
    page = reviewer.post(url, data)
    text = page.content.decode()
    assert page.status_code == 200 and "The meeting must end after it starts" in text
    assert 'value="Town Hall"' in text
    data["ends_at_3"] = "12:30pm"
    done = reviewer.post(url, data)
    meeting = ReviewMeeting.objects.get()
    assert done.status_code == 302 and meeting.ends_at == datetime(2027, 5, 12, 12, 30, tzinfo=UK)


def test_the_meeting_page_shows_the_panel_with_their_access_in_uk_time(
    a, actor, reviewer, django_assert_max_num_queries
):
    meeting = schedule(a, actor)
    chair(meeting, actor)
    url = staff_url(a.partnership, "staff_cycle_meeting", cycle_slug=a.cycle.slug, meeting_id=meeting.pk)
    reviewer.get(url)
    with django_assert_max_num_queries(10):
        page = reviewer.get(url)
    text = page.content.decode()
    assert "Read-only, until midday on Wednesday 19 May 2027" in text
    assert "Send invitations (1)" in text


def test_adding_an_outsider_from_the_page_asks_for_what_is_missing(a, actor, reviewer):
    meeting = schedule(a, actor)
    url = staff_url(
        a.partnership, "staff_cycle_meeting_panel_add", cycle_slug=a.cycle.slug, meeting_id=meeting.pk
    )
    page = reviewer.post(url, {"who": "outsider", "name": "Jo Chair", "email": "not-an-email"})
    text = page.content.decode()
    assert "Enter an email address in the correct format" in text and "Enter their role on the panel" in text
    assert 'value="Jo Chair"' in text
    done = reviewer.post(
        url, {"who": "outsider", "name": "Jo Chair", "role": "Chair", "email": "jo@x.example"}
    )
    assert done.status_code == 302 and PanelMember.objects.get().is_outsider


def test_meeting_emails_say_names_as_typed_and_escape_them_in_html(a, actor):
    a.partnership.name = 'Lancashire & "Children\'s" <Safeguarding> Partners'
    a.partnership.save(update_fields=["name"])
    meeting = schedule(a, actor, times=MeetingTimes(START, START + timedelta(hours=2), "Hall & <Annex>"))
    panel_member_add(
        meeting=meeting,
        actor=actor,
        name="O'Brien, Pat <Lead>",
        role="Chair & scrutineer",
        email="pat@x.example",
    )
    meeting_invitations_send(meeting=meeting, actor=actor)
    [message] = sent("meeting_invitation")
    assert message.subject.startswith('Lancashire & "Children\'s" <Safeguarding> Partners: invitation')
    assert "Where: Hall & <Annex>" in message.body and "Dear O'Brien, Pat <Lead>," in message.body
    html = message.alternatives[0][0]
    assert "Hall &amp; &lt;Annex&gt;" in html and "<Annex>" not in html and "<Lead>" not in html
    assert message.to == ['"O\'Brien, Pat <Lead>" <pat@x.example>']
