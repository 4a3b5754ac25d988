"""A reviewer works from the review queue in a real browser (issue 14 item
5): finds the overdue returns, assigns one to themselves, sees it under
"Assigned to me", moderates it theme by theme with the agency's answers
beside the form, and confirms the evaluation after the warning about the
theme left unmoderated. axe finds nothing on any page, at full width or at
320 CSS pixels."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import AuditCycle, Rag, SubmissionReview, ThemeModeration
from partnerships.models import StaffMembership, StaffRole
from tests.audits.review_support import submit, submitted_world
from tests.factories import AgencyFactory, SubmissionFactory, submission_complete

from .test_accessibility import AxeAudit
from .test_dashboard import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_queue_assign_moderate_theme_by_theme_and_confirm_with_a_warning(
    new_context, site, world, outbox, shot
):
    submitted_world(world)
    other = SubmissionFactory(
        cycle=world.cycle, agency=AgencyFactory(partnership=world.partnership, name="Zeta Trust")
    )
    submission_complete(other)
    submit(other)
    AuditCycle.objects.filter(pk=world.cycle.pk).update(
        evaluations_due_on=timezone.localdate() - timedelta(days=3)
    )
    themes = list(world.question_set.themes.order_by("order"))
    page = _signed_in_context(new_context, site, world.partnership, StaffRole.REVIEWER).new_page()
    me = StaffMembership.objects.filter(partnership=world.partnership, role=StaffRole.REVIEWER).latest("pk")
    axe = AxeAudit(page, reflow=True)

    page.goto(f"{site}/{world.partnership.slug}/staff/")
    page.get_by_role("link", name="Review queue").first.click()
    axe.check("review queue", heading="Review queue")
    queue = page.get_by_role("region", name="Returns in the queue")
    expect(queue.get_by_role("link", name=world.agency.name, exact=True)).to_be_visible()
    expect(queue.get_by_role("link", name="Zeta Trust", exact=True)).to_be_visible()
    expect(queue.get_by_text("Overdue")).to_have_count(2)

    # Filters: an overdue return nobody has yet.
    page.get_by_label("Show").select_option(label="Evaluation overdue")
    page.get_by_label("Assigned to").select_option(label="Not assigned")
    page.get_by_role("button", name="Apply filters").click()
    axe.check("review queue, filtered")
    shot(page, "review-queue")

    # Assign the first return to myself.
    page.get_by_role("link", name=f"Assign {world.agency.name} to a reviewer").click()
    axe.check("assign page", heading="Who will review this return?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("assign page with errors")
    page.get_by_role("radio", name=me.name).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(f"{world.agency.name} is assigned to you")).to_be_visible()
    assert SubmissionReview.objects.get(submission=world.submission).assigned_to == me

    page.get_by_label("Show").select_option(label="Awaiting review or the agency")
    page.get_by_label("Assigned to").select_option(label="Assigned to me")
    page.get_by_role("button", name="Apply filters").click()
    queue = page.get_by_role("region", name="Returns in the queue")
    expect(queue.get_by_role("link", name=world.agency.name, exact=True)).to_be_visible()
    expect(queue.get_by_role("link", name="Zeta Trust", exact=True)).to_have_count(0)
    axe.check("assigned to me")

    # Moderate theme by theme, the agency's answers beside the form.
    queue.get_by_role("link", name=world.agency.name, exact=True).click()
    axe.check("review page", heading=world.agency.name)
    page.get_by_role("link", name="Moderate theme by theme").click()
    expect(page.get_by_text(f"Theme 1 of {len(themes)}")).to_be_visible()
    expect(page.get_by_role("heading", name="What the agency said")).to_be_visible()
    axe.check("moderate theme 1", heading=f"Moderate: {themes[0].title}")
    page.get_by_role("button", name="Save and next theme").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("moderate theme 1 with errors")
    page.get_by_role("radio", name=re.compile(r"^Amber")).check()
    page.get_by_label("Reviewer comment").fill("The training log is two years old.")
    page.get_by_role("button", name="Save and next theme").click()
    expect(page.get_by_text(f"{themes[0].title} moderated as Amber")).to_be_visible()
    axe.check("moderate theme 2", heading=f"Moderate: {themes[1].title}")
    page.get_by_role("radio", name=re.compile(r"^Green")).check()
    page.get_by_role("button", name="Save and next theme").click()
    axe.check("moderate theme 3", heading=f"Moderate: {themes[2].title}")
    assert {m.theme_id: m.rag for m in ThemeModeration.objects.filter(submission=world.submission)} == {
        themes[0].pk: Rag.AMBER,
        themes[1].pk: Rag.GREEN,
    }

    # Leave the last theme: record the outcome and confirm.
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_role("radio", name="Assured").check()
    page.get_by_label("Message to the agency").fill("Thank you for a thorough return.")
    page.get_by_role("button", name="Save and check before sending").click()
    expect(page.get_by_text(f"1 of {len(themes)} themes is not moderated")).to_be_visible()
    axe.check("confirm page with the warning", heading="Confirm the evaluation")
    page.get_by_role("button", name="Confirm and email the agency").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert SubmissionReview.objects.get(submission=world.submission).evaluated_at is None
    axe.check("confirm page with errors")
    page.get_by_label("Confirm without moderating this theme").check()
    page.get_by_role("button", name="Confirm and email the agency").click()
    expect(page.get_by_text(f"Evaluation confirmed and emailed to {world.agency.name}")).to_be_visible()
    assert SubmissionReview.objects.get(submission=world.submission).evaluated_at is not None
    assert "Thank you for a thorough return." in outbox.last_to(world.contact.email).body
    axe.check("review page, evaluated")

    # It has left the queue.
    page.get_by_role("link", name="Review queue").first.click()
    queue = page.get_by_role("region", name="Returns in the queue")
    expect(queue.get_by_role("link", name=world.agency.name, exact=True)).to_have_count(0)
    axe.assert_clean()
