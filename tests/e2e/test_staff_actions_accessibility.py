"""axe-core (WCAG 2.2 A and AA rules) on the action plans as staff read them,
signed in as a reviewer: a cycle's action plans (all, filtered, none
matching), one agency's full plan, and the review page and meeting record
that now show each agency's plan. Overdue actions, progress updates and an
action added after submission are all on the pages. The "criteria" details
are opened too, so their contents are checked."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import ActionItem, ActionStatus, Rag
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.review import meeting_save
from tests.audits.review_support import SUBMITTER, reviewer_actor, submit
from tests.factories import SubmissionFactory, submission_complete, theme_save
from tests.staff import staff_url, staff_user

from .test_accessibility import AxeAudit
from .test_dashboard import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add(submission, theme, action, days=60):
    return action_item_add(
        submission=submission,
        theme=theme,
        data=ActionItemData(
            action=action,
            lead_person="Head of safeguarding",
            target_date=timezone.localdate() + timedelta(days=days),
            success_criteria="Every manager trained and the audit repeated",
            expected_outcome="Safer recruitment",
        ),
        actor=SUBMITTER,
    )


def _planned(world, submission, label):
    submission_complete(submission)
    first, second = world.question_set.themes.order_by("order")[:2]
    theme_save(submission, first, value="no", rag=Rag.AMBER, comments="Gaps.")
    theme_save(submission, second, value="no", rag=Rag.RED, comments="No plan.")
    trained = _add(submission, first, f"Train managers ({label})")
    late = _add(submission, second, f"Write the training plan ({label})")
    ActionItem.objects.filter(pk=late.pk).update(target_date=timezone.localdate() - timedelta(days=5))
    submission = submit(submission)
    action_update_record(
        item=trained, progress="Half the managers trained.", status=ActionStatus.IN_PROGRESS, actor=SUBMITTER
    )
    _add(submission, first, f"Repeat the file audit ({label})", days=120)  # after submission
    return submission


@pytest.fixture
def planned(world):
    world.submission = _planned(world, world.submission, "first")
    world.second = _planned(world, SubmissionFactory(cycle=world.cycle), "second")
    world.meeting = meeting_save(
        partnership=world.partnership,
        cycle=world.cycle,
        meeting=None,
        kind="scrutiny",
        held_on=date(2026, 3, 27),
        panel_members="Jo Chair",
        notes="Discussed both plans.",
        submissions=[world.submission, world.second],
        actions=[],
        actor=reviewer_actor(staff_user(world.partnership)),
    )
    return world


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_staff_action_plan_pages_have_no_axe_violations(new_context, site, planned, shot, javascript):
    world = planned
    partnership = world.partnership
    page = _signed_in_context(new_context, site, partnership, java_script_enabled=javascript).new_page()
    axe = AxeAudit(page)

    def visit(path, heading):
        page.goto(site + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        for summary in page.locator("details summary").all():
            summary.click()  # open each "criteria" details so axe sees inside

    def check(what, path, heading):
        visit(path, heading)
        if javascript:
            axe.check(what)

    cycle_url = staff_url(partnership, "staff_action_plans_cycle", cycle_slug=world.cycle.slug)
    check("cycle's action plans", cycle_url, "Action plans")
    expect(page.locator(".s11-action-row--overdue")).to_have_count(2)
    if javascript:
        shot(page, "integpdf-staff-action-plans")
        axe.check_reflow("cycle's action plans")
    theme = world.question_set.themes.order_by("order").first()
    check("cycle's action plans, filtered", cycle_url + f"?overdue=1&theme={theme.key}", "Action plans")
    expect(page.get_by_text("No actions match these filters.")).to_be_visible()
    check("cycle's action plans, only overdue", cycle_url + "?overdue=1", "Action plans")
    expect(page.locator(".s11-action-row--overdue")).to_have_count(2)

    # The filters work without JavaScript too.
    page.goto(site + cycle_url)
    page.get_by_label("Agency", exact=True).select_option(label=world.second.agency.name)
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Train managers (second)")).to_be_visible()
    expect(page.get_by_text("Train managers (first)")).to_have_count(0)

    reference = world.submission.reference
    check(
        "an agency's action plan",
        staff_url(partnership, "staff_action_plan", reference=reference),
        f"Action plan: {world.agency.name}",
    )
    expect(page.get_by_text("Half the managers trained.")).to_be_visible()
    if javascript:
        shot(page, "integpdf-staff-action-plan")
        axe.check_reflow("an agency's action plan")

    check(
        "review page", staff_url(partnership, "staff_return_review", reference=reference), world.agency.name
    )
    expect(page.locator("#action-plan")).to_be_visible()
    expect(page.get_by_role("link", name="Submitted copies of this return (PDF)")).to_be_visible()
    if javascript:
        shot(page, "integpdf-review")
    check(
        "meeting record",
        staff_url(
            partnership, "staff_cycle_meeting", cycle_slug=world.cycle.slug, meeting_id=world.meeting.pk
        ),
        "Scrutiny panel, Friday 27 March 2026",
    )
    expect(page.locator(".s11-action-row--overdue")).to_have_count(2)
    axe.assert_clean()
