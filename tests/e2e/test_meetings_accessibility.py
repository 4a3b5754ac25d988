"""axe-core (WCAG 2.2 A and AA rules) on the pages of meetings run in the
service: staff scheduling one (with an error shown), its page with the
panel, actions and escalations, adding a panel member, recording
attendance, adding an action and escalating; and the pages an independent
chair reads by their emailed link (the meeting, a return, and the page
saying their access was withdrawn). One browser run for them all."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import PanelMember
from audits.services.meetings import (
    ActionData,
    MeetingTimes,
    meeting_action_add,
    meeting_escalate,
    meeting_invitations_send,
    meeting_schedule,
    panel_member_add,
    panel_member_revoke,
)
from core.models import OutboundEmail
from core.outbox import outbound_emails_send
from tests.audits.review_support import reviewer_actor, submitted_world
from tests.staff import staff_url, staff_user

from .test_accessibility import AxeAudit
from .test_dashboard import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scheduled(world, site):
    submitted_world(world)
    actor = reviewer_actor(staff_user(world.partnership))
    start = timezone.now() + timedelta(days=20)
    meeting = meeting_schedule(
        partnership=world.partnership,
        cycle=world.cycle,
        kind="assurance",
        times=MeetingTimes(start, start + timedelta(hours=2), "Town Hall", "https://teams.example/m/1"),
        submissions=[world.submission],
        actor=actor,
    )
    panel_member_add(
        meeting=meeting, actor=actor, name="Jo Chair", role="Independent chair", email="jo@x.example"
    )
    meeting_action_add(
        meeting=meeting,
        data=ActionData(
            action="Refresh the training log",
            owner="Head of HR",
            due_on=start.date(),
            submission=world.submission,
            theme=world.question_set.themes.order_by("order").first(),
        ),
        actor=actor,
    )
    meeting_escalate(
        meeting=meeting, issue="Training gaps", reason="Across agencies", board="Board", actor=actor
    )
    mail.outbox.clear()
    meeting_invitations_send(meeting=meeting, actor=actor)  # sent on commit, or by this:
    outbound_emails_send(
        email_ids=list(OutboundEmail.objects.filter(status="pending").values_list("pk", flat=True))
    )
    link = re.search(r"http://\S+/panel/[\w-]+/", mail.outbox[-1].body)[0]
    world.meeting, world.panel_link, world.actor = meeting, link, actor
    return world


def test_meeting_pages_have_no_axe_violations(new_context, site, scheduled, shot):
    world = scheduled
    partnership, meeting = world.partnership, world.meeting
    page = _signed_in_context(new_context, site, partnership).new_page()
    axe = AxeAudit(page)

    def url(name, **kwargs):
        return site + staff_url(partnership, name, cycle_slug=world.cycle.slug, **kwargs)

    page.goto(url("staff_cycle_meeting_schedule"))
    page.get_by_role("button", name="Schedule meeting").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check("schedule a meeting, with errors")
    page.goto(url("staff_cycle_meeting", meeting_id=meeting.pk))
    expect(page.get_by_text("Read-only, until")).to_be_visible()
    axe.check("the meeting")
    axe.check_reflow("the meeting")
    shot(page, "meeting-detail")
    for name, heading in (
        ("staff_cycle_meeting_panel_add", "Add a panel member"),
        ("staff_cycle_meeting_record", "Attendance and notes"),
        ("staff_cycle_meeting_action_add", "Add an agreed action"),
        ("staff_cycle_meeting_escalate", "Escalate to the executive board"),
    ):
        page.goto(url(name, meeting_id=meeting.pk))
        axe.check(heading, heading)

    # The independent chair, by their emailed link.
    chair = new_context().new_page()
    outsider = AxeAudit(chair)
    chair.goto(world.panel_link)
    outsider.check("the panel's meeting page", f"Assurance meeting, {meeting.held_on:%A %-d %B %Y}")
    chair.get_by_role("link", name=world.agency.name).click()
    outsider.check("the panel's return page", world.agency.name)
    outsider.check_reflow("the panel's return page")
    panel_member_revoke(member=PanelMember.objects.get(), actor=world.actor)
    chair.reload()
    outsider.check("access withdrawn", "Your access to this meeting’s returns has been withdrawn")
    axe.failures += outsider.failures
    axe.assert_clean()
