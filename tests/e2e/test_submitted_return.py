"""After submitting, the task list says what was submitted (issue 18 item 4):
every theme "Submitted" with its rating, the theme left part done as
"Red (not answered in full)", the action plan as submitted and open for
progress updates; and axe finds nothing on it."""

import pytest
from playwright.sync_api import expect

from audits.models import Rag
from audits.services import resume_link_create, submission_submit
from tests.factories import CONTRIBUTOR, theme_save

from .axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_task_list_after_submit(page, site, world, shot):
    first, second, third = world.question_set.themes.order_by("order")
    theme_save(world.submission, first)
    theme_save(world.submission, second, rag=Rag.AMBER, comments="Training is late")
    one_answer = {third.questions.order_by("order").first().pk: "yes"}
    theme_save(world.submission, third, answers=one_answer, rag="")
    world.submission.refresh_from_db()
    submission_submit(
        submission=world.submission,
        submitted_by=CONTRIBUTOR,
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=world.submission.version,
    )
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your Section 11 return")
    expect(page.get_by_role("heading", name="You submitted all 3 themes")).to_be_visible()
    for theme in (first, second, third):
        expect(page.locator(f"#theme-{theme.key}-status")).to_have_text("Submitted")
    expect(page.locator(f"#theme-{first.key}-hint")).to_contain_text("submitted as Green")
    expect(page.locator(f"#theme-{second.key}-hint")).to_contain_text("submitted as Amber")
    expect(page.locator(f"#theme-{third.key}-hint")).to_contain_text(
        "1 of 4 questions answered · submitted as Red (not answered in full)"
    )
    expect(page.locator("#action-plan-status")).to_have_text("Submitted")
    expect(page.locator("#action-plan-hint")).to_have_text(
        "Submitted with no actions · open for progress updates"
    )
    expect(page.locator("#check-status")).to_have_text("Submitted")
    main = page.get_by_role("main")
    for stale in ("In progress", "Actions needed", "Not started", "You have completed"):
        expect(main.get_by_text(stale)).to_have_count(0)
    shot(page, "task-list-submitted")
    assert_no_axe_violations(page, what="task list after submit")


def test_a_submitted_theme_is_a_read_only_summary_axe_accepts(page, site, world, shot):
    """Issue 18 item 3: a submitted theme shows what was submitted (answers,
    the rating as a tag, comments) with no form controls; axe finds nothing
    (the greyed-out disabled form failed on contrast)."""
    first, second, third = world.question_set.themes.order_by("order")
    theme_save(world.submission, first)
    theme_save(world.submission, second, rag=Rag.AMBER, comments="Training is late")
    theme_save(world.submission, third)
    world.submission.refresh_from_db()
    submission_submit(
        submission=world.submission,
        submitted_by=CONTRIBUTOR,
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=world.submission.version,
    )
    _, link = resume_link_create(
        submission=world.submission, name="Sam Alpha", email=world.contact.email, mint=True
    )
    page.goto(link)
    page.get_by_role("link", name=second.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(second.title)
    main = page.get_by_role("main")
    expect(main.locator("input, textarea, select, button")).to_have_count(0)
    expect(main.locator(".govuk-summary-list .s11-rag--amber").first).to_have_text("Amber")
    expect(main.get_by_text("Training is late")).to_be_visible()
    shot(page, "theme-submitted")
    assert_no_axe_violations(page, what="submitted theme page")
