"""A return's reference carries its cycle's year (issue 17 item 6): the UK
year the cycle opens in, whenever and however the return was made.

What was wrong: "Start the next cycle" makes the returns at once, ahead of
the opening, so they can hold last cycle's answers. Moving that cycle's
opening date into the next year (allowed until it opens) left every return
with the year it was made in: a cycle opening in January 2027 sent
invitations, reminders and exports saying S11-2026-…. Returns made any other
way already took the opening year; those tests are here too, so that stays
true."""

import re
from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from audits.models import AuditCycle, Submission
from audits.services import submission_get_or_create
from audits.services.cycles import CycleSettings, cycle_start_from_previous
from audits.services.reminders import reminders_due
from core.dates import UK
from core.domain import Actor
from core.models import AuditEvent, OutboundEmail
from partnerships.models import StaffRole
from tests.factories import AgencyFactory, AuditCycleFactory, PartnershipFactory, question_set_with_questions
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

STAFF = Actor(name="Amira Admin", email="admin@partnership.example")
REFERENCE = re.compile(r"S11-(\d{4})-([A-Z2-9]{8})")


def uk(*args) -> datetime:
    return datetime(*args, tzinfo=UK)


def _dt(prefix, day, month, year, at):
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year, f"{prefix}_3": at}


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="refs", name="References Partnership")


def test_moving_an_unopened_carried_forward_cycle_into_next_year_moves_its_references(
    partnership, django_capture_on_commit_callbacks
):
    question_set = question_set_with_questions(partnership, themes=1, questions=1)
    previous = AuditCycleFactory(
        partnership=partnership,
        question_set=question_set,
        opens_at=uk(2025, 9, 1, 9),
        closes_at=uk(2025, 11, 28, 17),
    )
    agencies = [AgencyFactory(partnership=partnership, name=f"Agency {n}") for n in range(3)]
    with time_machine.travel(uk(2026, 11, 20, 10), tick=False):
        cycle = cycle_start_from_previous(
            previous=previous,
            slug="next",
            settings=CycleSettings(
                title="Section 11 audit 2026–27",
                question_set=question_set,
                opens_at=uk(2026, 12, 7, 9),
                closes_at=uk(2027, 3, 26, 17),
            ),
            actor=STAFF,
        )
        made = {s.pk: s.reference for s in Submission.objects.filter(cycle=cycle)}
        assert len(made) == 3 and all(r.startswith("S11-2026-") for r in made.values())
        # The admin moves the opening into January, before it opens.
        admin = staff_client(Client(), partnership, StaffRole.ADMIN)
        response = admin.post(
            staff_url(partnership, "staff_cycle_admin_edit", cycle_slug=cycle.slug),
            {
                "title": "Section 11 audit 2027",
                "question_set": str(question_set.pk),
                **_dt("opens_at", "4", "1", "2027", "9am"),
                **_dt("closes_at", "26", "3", "2027", "5pm"),
                "reminder_days": "14, 7",
                "incomplete_policy": "default_red",
                "link_grace_days": "14",
                "expected_minutes": "90",
                "action_items_required": "no",
                "action_update_months": "6",
                "agency_scope": "all",
            },
        )
        assert response.status_code == 302
    moved = {s.pk: s.reference for s in Submission.objects.filter(cycle=cycle)}
    # Same returns, same codes, the year the cycle opens in.
    assert moved.keys() == made.keys()
    for pk, reference in moved.items():
        assert reference == "S11-2027-" + made[pk].rsplit("-", 1)[1]
    assert AuditEvent.objects.get(verb="cycle.updated").detail["references_renamed"] == 3
    # And that is what the agencies are sent, and what staff export.
    with (
        time_machine.travel(uk(2027, 1, 4, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders_due()
    assert len(mail.outbox) == len(agencies)
    for message in mail.outbox:
        assert {year for year, _ in REFERENCE.findall(message.body)} == {"2027"}
    with time_machine.travel(uk(2027, 1, 4, 10), tick=False):
        admin = staff_client(Client(), partnership, StaffRole.ADMIN)  # signed in afresh, weeks later
        csv = admin.get(staff_url(partnership, "staff_cycle_export_themes_csv", cycle_slug=cycle.slug))
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content if csv.streaming else [csv.content]).decode("utf-8-sig")
    assert sorted(code for _, code in REFERENCE.findall(body)) == sorted(
        r.rsplit("-", 1)[1] for r in moved.values()
    )
    assert {year for year, _ in REFERENCE.findall(body)} == {"2027"}


def test_a_cycle_opening_in_one_year_and_closing_the_next_keeps_its_opening_year(partnership):
    """Returns made in the new year (an agency added in January, or one
    starting its own return) still carry the year the cycle opened."""
    question_set = question_set_with_questions(partnership, themes=1, questions=1)
    with time_machine.travel(uk(2026, 11, 1, 8), tick=False):
        cycle = AuditCycleFactory(
            partnership=partnership,
            question_set=question_set,
            opens_at=uk(2026, 11, 2, 9),
            closes_at=uk(2027, 2, 26, 17),
        )
    AgencyFactory(partnership=partnership, name="Early Council")
    with time_machine.travel(uk(2026, 11, 2, 10), tick=False):
        reminders_due()
    late = AgencyFactory(partnership=partnership, name="Late Trust")
    later = AgencyFactory(partnership=partnership, name="Later Charity")
    with time_machine.travel(uk(2027, 1, 15, 10), tick=False):
        reminders_due()  # makes Late Trust's return
        submission_get_or_create(cycle=cycle, agency=later)
    references = dict(Submission.objects.filter(cycle=cycle).values_list("agency__name", "reference"))
    assert len(references) == 3
    assert all(r.startswith("S11-2026-") for r in references.values()), references
    sent = OutboundEmail.objects.filter(submission__agency=late).first()
    assert sent.context["reference"].startswith("S11-2026-")


def test_an_opened_cycles_references_never_change(partnership):
    """Once a cycle has opened its opening date is fixed, and so are its
    references (agencies have them in their emails)."""
    question_set = question_set_with_questions(partnership, themes=1, questions=1)
    cycle = AuditCycleFactory(
        partnership=partnership,
        question_set=question_set,
        opens_at=uk(2026, 11, 2, 9),
        closes_at=uk(2027, 2, 26, 17),
    )
    agency = AgencyFactory(partnership=partnership)
    with time_machine.travel(uk(2026, 11, 3, 10), tick=False):
        submission = submission_get_or_create(cycle=cycle, agency=agency)
    AuditCycle.objects.filter(pk=cycle.pk).update(title="Renamed")
    submission.refresh_from_db()
    assert submission.reference.startswith("S11-2026-")
