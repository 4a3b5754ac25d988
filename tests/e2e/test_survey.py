"""The practitioners' survey in a browser: answered without JavaScript
(with a mistake corrected on the way), and by keyboard alone; axe finds no
violations on the public pages or the survey's staff pages."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from partnerships.models import StaffRole
from surveys.models import Choice, SurveyReply
from surveys.services import survey_update
from tests.factories import AgencyFactory
from tests.staff import staff_client
from tests.surveys.helpers import ADMIN, link_of, replies_add, survey_make

from .axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey_link(world, settings):
    # A person's pace in a test: the bot check's wait shortened to a second.
    settings.SURVEY_MIN_SECONDS = 1
    return link_of(survey_make(world), world.agency)


def _url(site, link, suffix=""):
    return f"{site}/{link.partnership.slug}/survey/{link.token}/{suffix}"


def test_answering_without_javascript(new_context, site, survey_link, shot):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(_url(site, survey_link))
    expect(page.get_by_role("heading", level=1)).to_have_text("Practitioners' safeguarding survey")
    groups = page.get_by_role("group")
    # Every question but the third.
    for index in range(groups.count()):
        if index != 2:
            groups.nth(index).get_by_label("Agree", exact=True).or_(
                groups.nth(index).get_by_label("Yes", exact=True)
            ).check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send answers").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select an answer to question 3")
    assert page.title().startswith("Error: ")
    expect(groups.nth(0).get_by_label("Agree", exact=True)).to_be_checked()  # kept
    shot(page, "survey-error")
    # The summary's link leads to the question left out.
    summary.get_by_role("link", name="Select an answer to question 3").click()
    groups.nth(2).get_by_label("Disagree", exact=True).check()
    page.wait_for_timeout(1100)
    page.get_by_role("button", name="Send answers").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Answers sent")
    reply = SurveyReply.objects.get()
    values = dict(reply.answers.values_list("question__key", "value"))
    assert values["know-safeguarding-lead"] == Choice.AGREE
    assert values["recent-training"] == Choice.YES
    assert values["know-escalation"] == Choice.DISAGREE


def _tab_to_radio(page, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.type === 'radio'"):
            return
    raise AssertionError("no radio button reached with Tab")


def test_answering_by_keyboard_alone(new_context, site, survey_link):
    page = new_context().new_page()
    page.goto(_url(site, survey_link))
    questions = list(survey_link.survey.questions.all())
    _tab_to_radio(page)
    for number, _question in enumerate(questions, start=1):
        if number > 1:
            page.keyboard.press("Tab")  # into the next group of radios
        # Space picks the first choice (Strongly agree, or Yes); an arrow
        # moves to, and picks, the next (Agree, or No).
        page.keyboard.press("Space")
        if number % 2 == 0:
            page.keyboard.press("ArrowDown")
    page.wait_for_timeout(1100)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Send answers"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Answers sent")
    values = dict(SurveyReply.objects.get().answers.values_list("question__key", "value"))
    expected = {}
    for number, question in enumerate(questions, start=1):
        first, second = question.choices[0], question.choices[1]
        expected[question.key] = second if number % 2 == 0 else first
    assert values == expected


def _staff_context(new_context, site, partnership, role):
    client = staff_client(Client(), partnership, role)
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    return context


def test_survey_pages_have_no_axe_violations(new_context, site, world, survey_link, shot):
    page = new_context().new_page()
    page.goto(_url(site, survey_link))
    assert_no_axe_violations(page, what="the survey")
    page.get_by_role("button", name="Send answers").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page, what="the survey with errors")
    page.goto(_url(site, survey_link, "thank-you/"))
    assert_no_axe_violations(page, what="the thank-you page")

    # Staff: the survey's page, an agency's results, under-five and set-up.
    small = AgencyFactory(partnership=world.partnership, name="Small Charity")
    survey = survey_link.survey
    survey_update(partnership=world.partnership, survey=survey, disagreement_threshold=25, actor=ADMIN)
    replies_add(survey_link, agreeing=4, disagreeing=2)
    replies_add(link_of(survey, small), agreeing=2)
    staff = _staff_context(new_context, site, world.partnership, StaffRole.ADMIN).new_page()
    base = f"{site}/{world.partnership.slug}/staff"
    for what, path in [
        ("survey overview", f"/cycles/{world.cycle.slug}/survey/"),
        ("an agency's results", f"/cycles/{world.cycle.slug}/survey/agencies/{world.agency.pk}/"),
        ("an agency under five", f"/cycles/{world.cycle.slug}/survey/agencies/{small.pk}/"),
        ("survey settings", f"/setup/cycles/{world.cycle.slug}/survey/"),
    ]:
        staff.goto(base + path)
        expect(staff.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(staff, what=what)
    staff.get_by_label("Flag a difference of").fill("abc")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(staff, what="survey settings with an error")
    staff.goto(f"{base}/cycles/{world.cycle.slug}/survey/")
    shot(staff, "survey-staff")

    # The return's review page with the practitioners' figures.
    staff.goto(f"{base}/returns/{world.submission.reference}/")
    expect(staff.get_by_role("heading", name="What practitioners say")).to_be_visible()
    assert_no_axe_violations(staff, what="the review page with practitioners' figures")

    # The summary report's section.
    staff.goto(f"{base}/cycles/{world.cycle.slug}/report/")
    expect(staff.get_by_role("heading", name="What practitioners say")).to_be_visible()
    assert_no_axe_violations(staff, what="the summary report with the survey")

    # Closed with the cycle.
    world.cycle.closes_at = timezone.now() - timedelta(minutes=1)
    world.cycle.save(update_fields=["closes_at"])
    page.goto(_url(site, survey_link))
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey has closed")
    assert_no_axe_violations(page, what="the closed survey")
