"""A staff validation error in a browser (issue 18 item 8): "Send a reminder
now" with nobody ticked, at the bottom of the long dashboard, lands on the
dashboard with the GOV.UK error summary at the top; its link goes to the
agencies to tick; axe-core finds nothing wrong with the page."""

import pytest
from playwright.sync_api import expect

from bench.dashboard import populate
from tests.factories import PartnershipFactory
from tests.staff import staff_url

from .axe import axe_violations, format_violations
from .test_dashboard import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reminder_to_nobody_shows_the_error_summary_and_passes_axe(new_context, site, shot):
    partnership = PartnershipFactory(slug="axe-errors", name="Axe Errors Partnership")
    cycle = populate(partnership, agencies=12, themes=3, questions=2, localities=2)
    page = _signed_in_context(new_context, site, partnership).new_page()
    page.goto(site + staff_url(partnership, "staff_cycle_dashboard", cycle_slug=cycle.slug))
    page.get_by_role("button", name="Send a reminder now").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to it
    assert page.title().startswith("Error: ")
    link = summary.get_by_role("link", name="Select at least one agency to remind")
    expect(page.locator("#remind-agencies .govuk-error-message")).to_have_text(
        "Error: Select at least one agency to remind"
    )
    shot(page, "dashboard-remind-error")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    link.click()
    assert page.url.endswith("#remind-agencies")
    expect(page.locator("#remind-agencies")).to_be_in_viewport()
