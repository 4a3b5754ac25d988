"""Agencies are told when their deadline moves (issue 17 item 4): the
cycle's, for every agency still to send its return, or one agency's own
extension; through the outbox, after a short wait, with dedupe keys so that
a correction or a change back does not send a stream of emails."""

from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from audits.models import Submission, SubmissionStatus
from audits.services.cycles import cycle_deadline_extend, submission_deadline_extend
from audits.services.reminders import reminders_due
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbox_sweep
from partnerships.models import StaffRole
from tests.factories import AgencyFactory, AuditCycleFactory, PartnershipFactory, question_set_with_questions
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status
STAFF = Actor(name="Amira Admin", email="admin@partnership.example")


def uk(*args) -> datetime:
    return datetime(*args, tzinfo=UK)


def notices(**filters):
    return OutboundEmail.objects.filter(kind=Kind.DEADLINE_CHANGED, **filters)


@pytest.fixture
def world():
    """Closes at 5pm on Thursday 2 April 2026; invited on 1 March (sent)."""
    partnership = PartnershipFactory(name="Test Safeguarding Partnership", slug="tsp")
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=question_set_with_questions(partnership, themes=1, questions=1),
        opens_at=uk(2026, 3, 1, 9),
        closes_at=uk(2026, 4, 2, 17),
    )
    agencies = [
        AgencyFactory(partnership=partnership, name="Alpha Council", contacts=2),
        AgencyFactory(partnership=partnership, name="Bravo Police", contacts=1),
        AgencyFactory(partnership=partnership, name="Charlie NHS", contacts=1),
    ]
    with time_machine.travel(uk(2026, 3, 1, 10), tick=False):
        reminders_due()
    OutboundEmail.objects.update(status=Status.SENT, sent_at=uk(2026, 3, 1, 10))
    subs = {
        s.agency.name: s for s in Submission.objects.filter(cycle=cycle).select_related("agency", "cycle")
    }
    return cycle, agencies, subs


def send_all_due(at, django_capture_on_commit_callbacks):
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        outbox_sweep()


def test_a_cycle_wide_extension_tells_every_agency_still_to_submit_after_ten_minutes(
    world, django_capture_on_commit_callbacks
):
    cycle, _agencies, subs = world
    Submission.objects.filter(pk=subs["Bravo Police"].pk).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=uk(2026, 3, 20, 9)
    )
    # Charlie has its own extension past the new date: its deadline does not move.
    with time_machine.travel(uk(2026, 3, 25, 9), tick=False):
        submission_deadline_extend(
            submission=subs["Charlie NHS"], until=uk(2026, 4, 30, 17), reason="Inspection", actor=STAFF
        )
    notices().update(status=Status.SENT, sent_at=uk(2026, 3, 25, 9, 10))
    mail.outbox.clear()
    with (
        time_machine.travel(uk(2026, 3, 31, 12), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        cycle_deadline_extend(cycle=cycle, closes_at=uk(2026, 4, 16, 17), reason="Easter", actor=STAFF)
    waiting = notices(status=Status.PENDING)
    assert {e.submission.agency.name for e in waiting} == {"Alpha Council"}
    assert waiting.count() == 2  # Alpha's two contacts
    assert all(e.not_before == uk(2026, 3, 31, 12, 10) for e in waiting)
    assert mail.outbox == []  # nothing goes at once
    send_all_due(uk(2026, 3, 31, 12, 5), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    send_all_due(uk(2026, 3, 31, 12, 11), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == (
        "New deadline: Alpha Council's Section 11 self-assessment is now due by 5pm on Thursday 16 April 2026"
    )
    assert "New deadline: 5pm on Thursday 16 April 2026" in message.body
    assert "It was: 5pm on Thursday 2 April 2026" in message.body
    assert "/r/" in message.body  # a fresh link to carry on
    assert message.reply_to == [cycle.partnership.reply_to]


def test_a_correction_within_ten_minutes_sends_only_the_last_date(world, django_capture_on_commit_callbacks):
    _cycle, _agencies, subs = world
    bravo = subs["Bravo Police"]
    with time_machine.travel(uk(2026, 3, 20, 9), tick=False):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 9, 17), reason="Typo", actor=STAFF)
    with time_machine.travel(uk(2026, 3, 20, 9, 4), tick=False):
        submission_deadline_extend(
            submission=bravo, until=uk(2026, 4, 10, 17), reason="Meant 10th", actor=STAFF
        )
    cancelled = notices(status=Status.CANCELLED).get()
    assert datetime.fromisoformat(cancelled.context["deadline"]) == uk(2026, 4, 9, 17)
    mail.outbox.clear()
    send_all_due(uk(2026, 3, 20, 9, 15), django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == [
        "New deadline: Bravo Police's Section 11 self-assessment is now due by 5pm on Friday 10 April 2026"
    ]


def test_a_change_and_a_change_back_on_the_same_day_sends_nothing_more(
    world, django_capture_on_commit_callbacks
):
    _cycle, _agencies, subs = world
    bravo = subs["Bravo Police"]
    # Told of 9 April (sent).
    with time_machine.travel(uk(2026, 3, 20, 9), tick=False):
        submission_deadline_extend(
            submission=bravo, until=uk(2026, 4, 9, 17), reason="Lead away", actor=STAFF
        )
    send_all_due(uk(2026, 3, 20, 9, 15), django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # Moved to 23 April in the afternoon, and back to 9 April before the notice went.
    with time_machine.travel(uk(2026, 3, 20, 15), tick=False):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 23, 17), reason="More", actor=STAFF)
    with time_machine.travel(uk(2026, 3, 20, 15, 6), tick=False):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 9, 17), reason="Undo", actor=STAFF)
    send_all_due(uk(2026, 3, 20, 23), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert notices(status=Status.PENDING).count() == 0
    # The same date twice is refused, so a double click cannot send twice either.
    with time_machine.travel(uk(2026, 3, 20, 16), tick=False), pytest.raises(DomainError):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 9, 17), reason="Again", actor=STAFF)


def test_a_contact_told_a_date_is_told_again_when_it_changes_back_after_the_notice_went(
    world, django_capture_on_commit_callbacks
):
    _cycle, _agencies, subs = world
    bravo = subs["Bravo Police"]
    with time_machine.travel(uk(2026, 3, 20, 9), tick=False):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 9, 17), reason="One", actor=STAFF)
    send_all_due(uk(2026, 3, 20, 9, 15), django_capture_on_commit_callbacks)
    with time_machine.travel(uk(2026, 3, 20, 11), tick=False):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 23, 17), reason="Two", actor=STAFF)
    send_all_due(uk(2026, 3, 20, 11, 15), django_capture_on_commit_callbacks)
    with time_machine.travel(uk(2026, 3, 20, 14), tick=False):
        submission_deadline_extend(submission=bravo, until=uk(2026, 4, 9, 17), reason="Back", actor=STAFF)
    mail.outbox.clear()
    send_all_due(uk(2026, 3, 20, 14, 15), django_capture_on_commit_callbacks)
    # They were last told 23 April: without this they would believe the wrong date.
    assert len(mail.outbox) == 1 and "It was: 5pm on Thursday 23 April 2026" in mail.outbox[0].body
    assert notices(status=Status.SENT).count() == 3
    assert len(set(notices().values_list("dedupe_key", flat=True))) == 3


def test_a_contact_never_emailed_is_not_told_and_a_waiting_invitation_says_the_new_date(world):
    cycle, agencies, subs = world
    # A contact added after the invitations went, whose invitation is still waiting.
    alpha = subs["Alpha Council"]
    agencies[0].contacts.create(name="New Person", email="new@alpha.example")
    with time_machine.travel(uk(2026, 3, 10, 10), tick=False):
        reminders_due()
    invitation = OutboundEmail.objects.get(kind=Kind.INVITATION, to_email="new@alpha.example")
    assert invitation.status == Status.PENDING
    with time_machine.travel(uk(2026, 3, 10, 11), tick=False):
        cycle_deadline_extend(cycle=cycle, closes_at=uk(2026, 4, 16, 17), reason="Easter", actor=STAFF)
    invitation.refresh_from_db()
    assert datetime.fromisoformat(invitation.context["deadline"]) == uk(2026, 4, 16, 17)
    told = set(notices(submission=alpha).values_list("to_email", flat=True))
    assert "new@alpha.example" not in told and len(told) == 2


def test_the_extension_is_reachable_from_the_agencys_row_and_comes_back_there(world):
    cycle, _agencies, subs = world
    partnership = cycle.partnership
    bravo = subs["Bravo Police"]
    admin = staff_client(Client(), partnership, StaffRole.ADMIN)
    extend = staff_url(
        partnership, "staff_cycle_admin_extend_agency", cycle_slug=cycle.slug, reference=bravo.reference
    )
    with time_machine.travel(uk(2026, 3, 20, 9), tick=False):
        for page in ("staff_cycle_admin_detail", "staff_cycle_dashboard", "staff_cycle_emails"):
            html = admin.get(staff_url(partnership, page, cycle_slug=cycle.slug)).content.decode()
            assert f'href="{extend}?next=' in html, page
            assert "for Bravo Police</span></a>" in html, page
        back = staff_url(partnership, "staff_cycle_dashboard", cycle_slug=cycle.slug)
        response = admin.post(
            f"{extend}?next={back}",
            {
                "deadline_0": "9",
                "deadline_1": "4",
                "deadline_2": "2026",
                "deadline_3": "5pm",
                "reason": "Lead on leave",
            },
        )
        assert response.status_code == 302 and response["Location"] == back
        assert "Its contacts will be emailed the new date" in admin.get(back).content.decode()
    bravo.refresh_from_db()
    assert bravo.extended_until == uk(2026, 4, 9, 17)
    assert notices(submission=bravo, status=Status.PENDING).count() == 1
    # A reviewer sees no such link (they cannot extend).
    reviewer = staff_client(Client(), partnership, StaffRole.REVIEWER)
    with time_machine.travel(uk(2026, 3, 20, 9), tick=False):
        html = reviewer.get(
            staff_url(partnership, "staff_cycle_dashboard", cycle_slug=cycle.slug)
        ).content.decode()
    assert extend not in html
