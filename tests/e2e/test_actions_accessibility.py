"""axe-core on the action plan pages an agency meets, in a real browser:
adding an action from a theme page (with date errors), the plan, and
recording progress after submission. Without JavaScript too."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import ActionItem, ActionUpdate
from audits.services import resume_link_create
from tests.audits.test_actions_services import submit
from tests.factories import submission_complete

from .conftest import answer_theme, choose_rag
from .test_accessibility import AxeAudit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_action_plan_pages_have_no_axe_violations(new_context, site, world, javascript):
    world.cycle.action_items_required = True
    world.cycle.save()
    page = new_context(java_script_enabled=javascript).new_page()
    axe = AxeAudit(page) if javascript else None
    check = axe.check if axe else (lambda what, heading=None: None)
    theme = world.question_set.themes.order_by("order").first()
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    page.goto(link)

    page.get_by_role("link", name=f"1. {theme.title}").click()
    answer_theme(page, "No")
    choose_rag(page, "Amber")
    page.get_by_label("Comments").fill("Induction does not cover safeguarding yet.")
    page.get_by_role("button", name="Save and add an action").click()
    check("add an action", "Add an action")

    page.get_by_label("What will your organisation do?").fill("Add safeguarding to the induction pack")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The date the action is due must be a real date"
    )
    expect(page.get_by_label("What will your organisation do?")).to_have_value(
        "Add safeguarding to the induction pack"
    )
    check("add an action with errors", "Add an action")

    target = timezone.localdate() + timedelta(days=90)
    page.get_by_label("Day").fill(str(target.day))
    page.get_by_label("Month").fill(str(target.month))
    page.get_by_label("Year").fill(str(target.year))
    page.get_by_label("Lead person").fill("Training manager")
    page.get_by_label("Success criteria").fill("Every starter since April inducted")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action added to")).to_be_visible()
    check("theme page with an action", theme.title)
    assert ActionItem.objects.count() == 1

    submission_complete(world.submission, value="yes")
    from audits.models import Rag
    from tests.factories import theme_save

    theme_save(world.submission, theme, value="no", rag=Rag.AMBER, comments="Gap.")
    submit(world.submission)

    page.goto(f"{site}/{world.partnership.slug}/return/actions/")
    check("action plan after submission", "Your action plan")
    if axe:
        axe.check_reflow("action plan after submission")
    page.get_by_role("link", name="Record progress").first.click()
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check("record progress with errors", "Record progress")
    page.get_by_label("What has been done").fill("Induction pack rewritten; first starters booked.")
    page.get_by_label("In progress").check()
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_text("Progress recorded")).to_be_visible()
    check("action plan with progress", "Your action plan")
    assert ActionUpdate.objects.get().status == "in_progress"
    if axe:
        axe.assert_clean()
