"""Invitations, deadline reminders and overdue notices: what the periodic
`reminders_due` job writes to the outbox, and when, in UK time."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import responses
import time_machine
from django.core import mail
from django.test import Client, override_settings

from audits.models import Submission, SubmissionStatus
from audits.services.cycles import cycle_deadline_extend, submission_deadline_extend
from audits.services.reminders import (
    invitation_resend,
    reminder_due,
    reminder_schedule,
    reminder_send_now,
    reminders_due,
)
from core.dates import UK
from core.domain import Actor
from core.models import OutboundEmail
from core.outbox import outbound_email_send, outbox_sweep
from partnerships.models import StaffRole
from tests.factories import (
    AgencyFactory,
    AuditCycleFactory,
    PartnershipFactory,
    question_set_with_questions,
)
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

Kind = OutboundEmail.Kind
STAFF = Actor(name="Amira Admin", email="admin@partnership.example")


def uk(*args) -> datetime:
    return datetime(*args, tzinfo=UK)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def partnership():
    return PartnershipFactory(
        name="Test Safeguarding Partnership", slug="tsp", reply_to_email="bu@tsp.example"
    )


def make_cycle(partnership, opens_at, closes_at, **kwargs):
    return AuditCycleFactory(
        partnership=partnership,
        question_set=question_set_with_questions(partnership, themes=1, questions=1),
        opens_at=opens_at,
        closes_at=closes_at,
        **kwargs,
    )


@pytest.fixture
def spring(partnership):
    """Closes at 5pm on Thursday 2 April 2026 (BST); the clocks went forward
    on Sunday 29 March, between the 14-day and 2-day reminders."""
    cycle = make_cycle(partnership, uk(2026, 3, 1, 9), uk(2026, 4, 2, 17))
    agencies = [
        AgencyFactory(partnership=partnership, name="Alpha Council", contacts=2),
        AgencyFactory(partnership=partnership, name="Bravo Police", contacts=1),
        AgencyFactory(partnership=partnership, name="Charlie NHS", contacts=1),
    ]
    return cycle, agencies


def rows(kind=None, **filters):
    qs = OutboundEmail.objects.all()
    if kind:
        qs = qs.filter(kind=kind)
    return qs.filter(**filters)


def run_at(moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        return reminders_due(**kwargs)


# --- the schedule ------------------------------------------------------------------


def test_schedule_keeps_uk_wall_clock_time_across_the_march_clock_change(spring):
    cycle, _ = spring
    schedule = dict(reminder_schedule(cycle=cycle, deadline=cycle.closes_at))
    assert sorted(schedule) == [1, 2, 7, 14]
    # 14 and 7 days before are in GMT, 2 and 1 in BST: all at 5pm UK time.
    assert schedule[14].astimezone(UTC) == utc(2026, 3, 19, 17)
    assert schedule[7].astimezone(UTC) == utc(2026, 3, 26, 17)
    assert schedule[2].astimezone(UTC) == utc(2026, 3, 31, 16)
    assert all(at.astimezone(UK).hour == 17 for at in schedule.values())


def test_reminder_comes_due_at_5pm_uk_time_not_utc_arithmetic_march(spring):
    cycle, _ = spring
    # 16:30 UTC on 19 March is 4:30pm GMT: the 14-day reminder is not due yet
    # (naive UTC arithmetic would have made it due at 16:00 UTC).
    assert reminder_due(cycle=cycle, deadline=cycle.closes_at, now=utc(2026, 3, 19, 16, 30)) is None
    assert reminder_due(cycle=cycle, deadline=cycle.closes_at, now=utc(2026, 3, 19, 17, 0, 30)) == 14
    assert run_at(utc(2026, 3, 19, 16, 30))[Kind.REMINDER] == 0
    assert run_at(utc(2026, 3, 19, 17, 0, 30))[Kind.REMINDER] == 4  # 4 contacts


def test_reminder_comes_due_at_5pm_uk_time_october(partnership):
    # Closes 5pm GMT on Friday 30 October 2026; the clocks went back on 25 October.
    cycle = make_cycle(partnership, uk(2026, 10, 1, 9), uk(2026, 10, 30, 17))
    AgencyFactory(partnership=partnership)
    deadline = cycle.closes_at
    # 7 days before is 5pm BST on 23 October, 16:00 UTC (UTC arithmetic: 17:00).
    assert reminder_due(cycle=cycle, deadline=deadline, now=utc(2026, 10, 23, 15, 59)) == 14
    assert reminder_due(cycle=cycle, deadline=deadline, now=utc(2026, 10, 23, 16, 0, 30)) == 7
    # 2 days before is 5pm GMT on 28 October, 17:00 UTC.
    assert reminder_due(cycle=cycle, deadline=deadline, now=utc(2026, 10, 28, 16, 59)) == 7
    assert reminder_due(cycle=cycle, deadline=deadline, now=utc(2026, 10, 28, 17, 0, 30)) == 2

    assert run_at(utc(2026, 10, 16, 16, 5))[Kind.REMINDER] == 1  # 14 days before: 5pm BST
    assert run_at(utc(2026, 10, 23, 15, 59))[Kind.REMINDER] == 0
    assert run_at(utc(2026, 10, 23, 16, 0, 30))[Kind.REMINDER] == 1
    assert run_at(utc(2026, 10, 28, 16, 59))[Kind.REMINDER] == 0
    assert run_at(utc(2026, 10, 28, 17, 0, 30))[Kind.REMINDER] == 1
    keys = sorted(e.dedupe_key.split(":", 4)[-1] for e in rows(Kind.REMINDER))
    assert keys == ["14d:20261030T170000Z", "2d:20261030T170000Z", "7d:20261030T170000Z"]


# --- invitations, reminders, overdue -------------------------------------------------------


def test_nothing_before_the_cycle_opens_then_invitations_to_every_contact(spring):
    cycle, agencies = spring
    assert run_at(uk(2026, 3, 1, 8, 59)) == {"invitation": 0, "reminder": 0, "overdue": 0}
    assert not Submission.objects.filter(cycle=cycle).exists()
    counts = run_at(uk(2026, 3, 1, 9, 1))
    assert counts == {"invitation": 4, "reminder": 0, "overdue": 0}
    # Each agency taking part got its return when the cycle opened.
    assert Submission.objects.filter(cycle=cycle).count() == 3
    invitations = rows(Kind.INVITATION)
    assert {e.to_email for e in invitations} == {c.email for a in agencies for c in a.contacts.all()}
    assert all(e.resume_link is not None and e.resume_link.token_hash is None for e in invitations)
    # Running again, or twice, writes nothing more.
    assert run_at(uk(2026, 3, 1, 9, 6))[Kind.INVITATION] == 0
    assert run_at(uk(2026, 3, 2, 9, 6))[Kind.INVITATION] == 0
    assert rows(Kind.INVITATION).count() == 4


def test_reminders_at_each_offset_only_to_agencies_that_have_not_submitted(spring):
    cycle, agencies = spring
    run_at(uk(2026, 3, 1, 10))
    submitted = Submission.objects.get(cycle=cycle, agency=agencies[1])
    Submission.objects.filter(pk=submitted.pk).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=uk(2026, 3, 10, 12)
    )
    for days in (14, 7, 2, 1):
        at = cycle.closes_at.astimezone(UK) - timedelta(days=days)
        assert run_at(at - timedelta(minutes=1))[Kind.REMINDER] == 0, days
        assert run_at(at + timedelta(minutes=1))[Kind.REMINDER] == 3, days  # Alpha ×2, Charlie
        assert run_at(at + timedelta(minutes=6))[Kind.REMINDER] == 0, days
    reminders = rows(Kind.REMINDER)
    assert reminders.count() == 12
    assert not reminders.filter(submission=submitted).exists()
    assert {e.context["days_before"] for e in reminders} == {14, 7, 2, 1}


def test_a_missed_run_sends_only_the_latest_reminder(spring):
    _cycle, _ = spring
    run_at(uk(2026, 3, 1, 10))
    # Beat was down from before the 14-day reminder until after the 2-day one.
    assert run_at(uk(2026, 3, 31, 18))[Kind.REMINDER] == 4
    assert {e.context["days_before"] for e in rows(Kind.REMINDER)} == {2}


def test_reminders_due_before_the_cycle_opened_are_not_sent(partnership):
    cycle = make_cycle(partnership, uk(2026, 5, 20, 9), uk(2026, 5, 29, 17))
    AgencyFactory(partnership=partnership)
    counts = run_at(uk(2026, 5, 20, 9, 5))
    assert counts == {"invitation": 1, "reminder": 0, "overdue": 0}
    assert run_at(uk(2026, 5, 22, 17, 5))[Kind.REMINDER] == 1  # 7 days before
    assert cycle.reminder_days == [14, 7, 2, 1]


def test_overdue_notice_once_after_the_deadline_and_not_to_those_who_submitted(spring):
    cycle, agencies = spring
    run_at(uk(2026, 3, 1, 10))
    Submission.objects.filter(cycle=cycle, agency=agencies[0]).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=uk(2026, 4, 1, 12)
    )
    assert run_at(uk(2026, 4, 2, 16, 59))[Kind.OVERDUE] == 0
    assert run_at(uk(2026, 4, 2, 17, 1))[Kind.OVERDUE] == 2
    assert run_at(uk(2026, 4, 3, 17, 1))[Kind.OVERDUE] == 0
    assert {e.submission.agency for e in rows(Kind.OVERDUE)} == {agencies[1], agencies[2]}
    assert all(e.resume_link is None for e in rows(Kind.OVERDUE))
    # Long after the window, nothing is written for a cycle that closed.
    OutboundEmail.objects.all().delete()
    assert run_at(uk(2026, 5, 2, 17)) == {"invitation": 0, "reminder": 0, "overdue": 0}


def test_only_agencies_in_the_cycles_scope_are_invited(partnership):
    cycle = make_cycle(partnership, uk(2026, 3, 1, 9), uk(2026, 4, 2, 17), agency_scope="sector")
    cycle.scope_sectors = ["police"]
    cycle.save()
    police = AgencyFactory(partnership=partnership, sector="police")
    AgencyFactory(partnership=partnership, sector="nhs")
    AgencyFactory(partnership=partnership, sector="police", is_active=False)
    AgencyFactory(partnership=PartnershipFactory(), sector="police")
    run_at(uk(2026, 3, 1, 10))
    assert {e.submission.agency for e in rows(Kind.INVITATION)} == {police}


# --- deadlines that move -----------------------------------------------------------


def test_extending_the_cycle_cancels_unsent_reminders_and_reschedules(spring):
    cycle, _ = spring
    run_at(uk(2026, 3, 1, 10))
    OutboundEmail.objects.update(status=OutboundEmail.Status.SENT, sent_at=uk(2026, 3, 1, 10))
    # The 2-day reminders are written but not yet sent when the deadline moves.
    run_at(uk(2026, 3, 31, 17, 5))
    assert rows(Kind.REMINDER, status=OutboundEmail.Status.PENDING).count() == 4
    with time_machine.travel(uk(2026, 3, 31, 18), tick=False):
        cycle_deadline_extend(cycle=cycle, closes_at=uk(2026, 4, 16, 17), reason="Easter", actor=STAFF)
    assert rows(Kind.REMINDER, status=OutboundEmail.Status.PENDING).count() == 0
    assert rows(Kind.REMINDER, status=OutboundEmail.Status.CANCELLED).count() == 4
    # The new deadline's 14-day reminder is at 5pm on 2 April: nothing before.
    assert run_at(uk(2026, 4, 1, 12))[Kind.REMINDER] == 0
    assert run_at(uk(2026, 4, 2, 17, 5))[Kind.REMINDER] == 4
    new = rows(Kind.REMINDER, status=OutboundEmail.Status.PENDING)
    assert all(e.dedupe_key.endswith(":14d:20260416T160000Z") for e in new)
    # No overdue notice at the old deadline.
    assert run_at(uk(2026, 4, 2, 17, 30))[Kind.OVERDUE] == 0
    # Resume links now last until the new deadline plus the grace period.
    link = rows(Kind.INVITATION).first().resume_link
    link.refresh_from_db()
    assert link.expires_at == uk(2026, 4, 16, 17) + timedelta(days=cycle.link_grace_days)


def test_one_agencys_extension_moves_only_its_reminders(spring):
    cycle, agencies = spring
    run_at(uk(2026, 3, 1, 10))
    submission = Submission.objects.get(cycle=cycle, agency=agencies[2])
    with time_machine.travel(uk(2026, 3, 20, 12), tick=False):
        submission_deadline_extend(
            submission=submission, until=uk(2026, 4, 9, 17), reason="New safeguarding lead", actor=STAFF
        )
    # The others' 2-day reminder (3 contacts); Charlie's 14-day one (26 March).
    assert run_at(uk(2026, 3, 31, 17, 5))[Kind.REMINDER] == 4
    # The others are overdue; Charlie gets its 7-day reminder (9 April).
    assert run_at(uk(2026, 4, 2, 17, 5)) == {"invitation": 0, "reminder": 1, "overdue": 3}
    mine = rows(Kind.REMINDER, submission=submission)
    assert {e.context["days_before"] for e in mine} == {14, 7}
    assert not rows(Kind.OVERDUE, submission=submission).exists()


def test_the_outbox_cancels_a_reminder_whose_return_was_submitted_before_it_went(spring):
    _cycle, _ = spring
    run_at(uk(2026, 3, 19, 17, 5))
    email = rows(Kind.REMINDER).first()
    Submission.objects.filter(pk=email.submission_id).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=uk(2026, 3, 19, 17, 6)
    )
    assert outbound_email_send(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.CANCELLED
    assert "submitted" in email.last_error
    assert mail.outbox == []


# --- what the emails say -----------------------------------------------------------------


def test_invitation_and_reminder_emails_in_plain_english_with_a_working_link(
    spring, client, django_capture_on_commit_callbacks
):
    _cycle, _agencies = spring
    with django_capture_on_commit_callbacks(execute=True):
        run_at(uk(2026, 3, 1, 10))
    assert len(mail.outbox) == 4
    message = next(m for m in mail.outbox if "Alpha Council" in m.subject)
    assert message.subject == (
        "Test Safeguarding Partnership: Alpha Council is asked to complete its Section 11 "
        "self-assessment by Thursday 2 April 2026"
    )
    assert message.reply_to == ["bu@tsp.example"]
    assert message.from_email.startswith("Test Safeguarding Partnership <")
    assert "5pm on Thursday 2 April 2026" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Start the self-assessment" in html
    url = re.search(r"https?://\S+/r/[\w-]+/", message.body).group(0)
    # Links minted at send time work (the one in the email is the only copy).
    response = client.get(url.split("127.0.0.1:8000", 1)[-1])
    assert response.status_code == 302

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_at(uk(2026, 3, 31, 17, 5))
    reminder = next(m for m in mail.outbox if "Bravo Police" in m.subject)
    assert reminder.subject == (
        "Reminder: Bravo Police's Section 11 self-assessment is due by 5pm on Thursday 2 April 2026"
    )
    assert "has not yet submitted" in reminder.body


def test_overdue_email(spring, django_capture_on_commit_callbacks):
    run_at(uk(2026, 3, 1, 10))
    OutboundEmail.objects.update(status=OutboundEmail.Status.SENT, sent_at=uk(2026, 3, 1, 10))
    with django_capture_on_commit_callbacks(execute=True):
        run_at(uk(2026, 4, 2, 17, 5))
    assert len(mail.outbox) == 4
    assert "overdue" in mail.outbox[0].subject
    assert "can extend the deadline" in mail.outbox[0].body


# --- sending now, resending -----------------------------------------------------------------


def test_send_a_reminder_now_skips_submitted_and_does_not_double_send_on_a_double_click(spring):
    cycle, agencies = spring
    run_at(uk(2026, 3, 1, 10))
    subs = list(Submission.objects.filter(cycle=cycle).select_related("agency").order_by("agency__name"))
    Submission.objects.filter(pk=subs[1].pk).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=uk(2026, 3, 2, 9)
    )
    subs[1].refresh_from_db()
    with time_machine.travel(uk(2026, 3, 5, 10), tick=False):
        first = reminder_send_now(cycle=cycle, submissions=subs, actor=STAFF)
    # The second press, 40 seconds later (the next minute), sends nothing and says so.
    with time_machine.travel(uk(2026, 3, 5, 10, 0, 40), tick=False):
        second = reminder_send_now(cycle=cycle, submissions=subs, actor=STAFF)
    assert [s.agency for s in first.sent] == [agencies[0], agencies[2]]
    assert first.submitted == [subs[1]] and first.recent == [] and first.overdue == []
    assert second.sent == []
    assert [(s.agency, at) for s, at in second.recent] == [
        (agencies[0], uk(2026, 3, 5, 10)),
        (agencies[2], uk(2026, 3, 5, 10)),
    ]
    assert rows(Kind.REMINDER).filter(dedupe_key__startswith="reminder-now:").count() == 3
    # Ten minutes on, a reminder may go again.
    with time_machine.travel(uk(2026, 3, 5, 10, 10, 1), tick=False):
        third = reminder_send_now(cycle=cycle, submissions=[subs[0]], actor=STAFF)
    assert third.sent == [subs[0]]
    assert rows(Kind.REMINDER).filter(dedupe_key__startswith="reminder-now:").count() == 5
    # Nothing to remind is an answer, not an error.
    nothing = reminder_send_now(cycle=cycle, submissions=[subs[1]], actor=STAFF)
    assert nothing.sent == [] and nothing.submitted == [subs[1]]


def test_after_the_deadline_send_a_reminder_now_sends_an_overdue_chaser(
    spring, django_capture_on_commit_callbacks
):
    """Refused once the deadline had passed; now the agencies that most need
    chasing get a chaser in overdue wording, with no link (the return can
    only be finished online once the deadline is extended)."""
    cycle, agencies = spring
    run_at(uk(2026, 3, 1, 10))
    subs = list(Submission.objects.filter(cycle=cycle).select_related("agency").order_by("agency__name"))
    with time_machine.travel(uk(2026, 3, 20, 10), tick=False):
        submission_deadline_extend(
            submission=subs[2], until=uk(2026, 4, 20, 17), reason="Staff illness", actor=STAFF
        )
    mail.outbox.clear()
    with time_machine.travel(uk(2026, 4, 7, 11), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = reminder_send_now(cycle=cycle, submissions=subs, actor=STAFF)
        assert [s.agency for s in result.sent] == agencies
        # Alpha and Bravo are 5 days past the cycle's deadline; Charlie's own runs to 20 April.
        assert [s.agency for s in result.overdue] == agencies[:2]
        chasers = rows(Kind.OVERDUE, dedupe_key__startswith="overdue-now:")
        assert chasers.count() == 3 and not chasers.filter(resume_link__isnull=False).exists()
        assert rows(Kind.REMINDER, dedupe_key__startswith="reminder-now:").count() == 1
        bravo = next(m for m in mail.outbox if "Bravo Police" in m.subject)
        assert bravo.subject == (
            "Overdue: Bravo Police's Section 11 self-assessment was due by 5pm on Thursday 2 April 2026"
        )
        assert "(5 days ago)" in bravo.body and "we have not received it" in bravo.body
        assert "We can extend the deadline" in bravo.body and "/r/" not in bravo.body
        charlie = next(m for m in mail.outbox if "Charlie NHS" in m.subject)
        assert charlie.subject.startswith("Reminder:") and "/r/" in charlie.body


def test_remind_view_says_what_went_and_what_did_not(partnership, django_capture_on_commit_callbacks):
    now = datetime.now(UTC)
    cycle = make_cycle(partnership, now - timedelta(days=30), now - timedelta(days=2))
    late, silent = (
        AgencyFactory(partnership=partnership, name="Late Council"),
        AgencyFactory(partnership=partnership, name="Silent Trust", contacts=0),
    )
    with time_machine.travel(now - timedelta(days=29), tick=False):
        reminders_due()
    client = staff_client(Client(), partnership, StaffRole.REVIEWER)
    url = staff_url(partnership, "staff_cycle_remind", cycle_slug=cycle.slug)
    back = staff_url(partnership, "staff_cycle_overdue", cycle_slug=cycle.slug)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"agency": [late.pk, silent.pk], "next": back})
    assert response["Location"] == back
    page = client.get(back).content.decode()
    assert "Overdue reminder sent to 1 agency past their deadline: Late Council." in page
    assert "Nothing sent to Silent Trust: no contacts." in page
    # The same press again: nothing goes, and the banner says so instead of "sent".
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"agency": [late.pk], "next": back})
    page = client.get(back).content.decode()
    assert "No reminder was sent." in page
    assert "Nothing sent to Late Council: a reminder went less than a minute ago" in page
    assert "at most every 10 minutes" in page and "Reminder sent" not in page
    assert rows(Kind.OVERDUE, dedupe_key__startswith="overdue-now:").count() == 1
    # One row's own button sends to that agency alone, whatever else is ticked.
    other = AgencyFactory(partnership=partnership, name="Other Agency")
    with time_machine.travel(now - timedelta(days=29), tick=False):
        reminders_due()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"agency": [late.pk, other.pk], "only": str(other.pk), "next": back})
    assert (
        "Overdue reminder sent to 1 agency past their deadline: Other Agency."
        in client.get(back).content.decode()
    )


def test_remind_view_posts_agency_ids_and_returns_with_a_banner(
    partnership, django_capture_on_commit_callbacks
):
    now = datetime.now(UTC)
    cycle = make_cycle(partnership, now - timedelta(days=3), now + timedelta(days=20))
    agencies = [AgencyFactory(partnership=partnership) for _ in range(3)]
    other = AgencyFactory(partnership=PartnershipFactory())
    reminders_due()
    client = staff_client(Client(), partnership, StaffRole.REVIEWER)
    back = staff_url(partnership, "staff_home")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            staff_url(partnership, "staff_cycle_remind", cycle_slug=cycle.slug),
            {"agency": [agencies[0].pk, agencies[2].pk, other.pk], "next": back},
        )
    assert response.status_code == 302 and response["Location"] == back
    assert rows(Kind.REMINDER).count() == 2
    assert {e.submission.agency for e in rows(Kind.REMINDER)} == {agencies[0], agencies[2]}
    page = client.get(staff_url(partnership, "staff_cycle_emails", cycle_slug=cycle.slug))
    assert "Reminder sent to 2 agencies" in page.content.decode()
    assert "govuk-notification-banner--success" in page.content.decode()
    # An off-site `next` is ignored; nothing chosen gives an error banner.
    response = client.post(
        staff_url(partnership, "staff_cycle_remind", cycle_slug=cycle.slug),
        {"next": "https://evil.example/"},
    )
    assert response["Location"] == staff_url(partnership, "staff_cycle_emails", cycle_slug=cycle.slug)
    assert "Select at least one agency to remind" in client.get(response["Location"]).content.decode()
    # A read-only member may not.
    read_only = staff_client(Client(), partnership, StaffRole.READ_ONLY)
    assert (
        read_only.post(
            staff_url(partnership, "staff_cycle_remind", cycle_slug=cycle.slug), {"agency": [agencies[0].pk]}
        ).status_code
        == 403
    )


def test_invitation_resend_writes_new_rows_with_fresh_links(spring):
    cycle, agencies = spring
    run_at(uk(2026, 3, 1, 10))
    submission = Submission.objects.get(cycle=cycle, agency=agencies[0])
    with time_machine.travel(uk(2026, 3, 3, 10), tick=False):
        assert invitation_resend(submission=submission, actor=STAFF) == 2
        assert invitation_resend(submission=submission, actor=STAFF) == 2
    assert rows(Kind.INVITATION, submission=submission).count() == 6
    assert submission.events.filter(verb="invitation.resent").count() == 2


# --- the broker is down ----------------------------------------------------------------


def test_broker_down_at_the_moment_of_writing_the_sweep_sends_later(
    spring, django_capture_on_commit_callbacks, monkeypatch
):
    from core import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker unreachable")

    with monkeypatch.context() as m:
        m.setattr(tasks.send_outbound_emails, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            run_at(uk(2026, 3, 1, 10))
    assert mail.outbox == []
    assert rows(status=OutboundEmail.Status.PENDING).count() == 4
    assert outbox_sweep() == 4
    assert len(mail.outbox) == 4
    assert rows(status=OutboundEmail.Status.SENT).count() == 4


# --- GOV.UK Notify --------------------------------------------------------------------------

NOTIFY_KEY = "s11test-11111111-2222-3333-4444-555555555555-66666666-7777-8888-9999-000000000000"


@responses.activate
def test_notify_backend_sends_through_notifys_http_api(spring, django_capture_on_commit_callbacks):
    responses.post(
        "https://api.notifications.service.gov.uk/v2/notifications/email",
        json={"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "reference": "x", "content": {}},
        status=201,
    )
    with (
        override_settings(
            EMAIL_BACKEND="s11portal.email_backends.notify.NotifyEmailBackend",
            NOTIFY_API_KEY=NOTIFY_KEY,
            NOTIFY_TEMPLATE_ID="f33517ff-2a88-4f6e-b855-c550268ce08a",
            NOTIFY_REPLY_TO_ID="8e222534-7f05-4972-86e3-17c5d9f894e2",
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_at(uk(2026, 3, 1, 10))
    assert len(responses.calls) == 4
    sent = [json.loads(call.request.body) for call in responses.calls]
    emails = {e.message_id: e for e in rows(Kind.INVITATION)}
    for body in sent:
        assert body["template_id"] == "f33517ff-2a88-4f6e-b855-c550268ce08a"
        assert body["email_reply_to_id"] == "8e222534-7f05-4972-86e3-17c5d9f894e2"
        email = emails[body["reference"]]
        assert body["email_address"] == email.to_email
        assert body["personalisation"]["subject"].startswith("Test Safeguarding Partnership:")
        assert "/r/" in body["personalisation"]["body"]
    assert responses.calls[0].request.headers["Authorization"].startswith("Bearer ")
    assert rows(status=OutboundEmail.Status.SENT).count() == 4


@responses.activate
def test_a_notify_error_leaves_the_email_to_be_retried(spring, django_capture_on_commit_callbacks):
    responses.post(
        "https://api.notifications.service.gov.uk/v2/notifications/email",
        json={"errors": [{"error": "RateLimitError", "message": "Exceeded rate limit"}], "status_code": 429},
        status=429,
    )
    with (
        override_settings(
            EMAIL_BACKEND="s11portal.email_backends.notify.NotifyEmailBackend",
            NOTIFY_API_KEY=NOTIFY_KEY,
            NOTIFY_TEMPLATE_ID="f33517ff-2a88-4f6e-b855-c550268ce08a",
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_at(uk(2026, 3, 1, 10))
    email = rows(Kind.INVITATION).first()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 1 and "429" in email.last_error
