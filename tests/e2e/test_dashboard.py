"""axe-core (WCAG 2.2 A and AA rules) on a cycle's dashboard, heatmap and
answers-by-question pages, as a signed-in reviewer sees them, in each state:
unfiltered, filtered, with a filter error, with the reminder form, and the
heatmap's moderated view. Also that the filter form works without
JavaScript."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from bench.dashboard import populate
from partnerships.models import StaffRole
from tests.factories import PartnershipFactory
from tests.staff import staff_client, staff_url

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_context(new_context, site, partnership, role=StaffRole.REVIEWER, **options):
    """A browser context holding a staff session made by the Django test
    client (which signs in as a member with an authenticator app)."""
    client = staff_client(Client(), partnership, role)
    context = new_context(**options)
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


@pytest.fixture
def cycle_world():
    partnership = PartnershipFactory(slug="axe", name="Axe Safeguarding Partnership")
    cycle = populate(partnership, agencies=24, themes=11, questions=3, localities=3)
    return partnership, cycle


def test_dashboard_pages_have_no_axe_violations(new_context, site, cycle_world, shot):
    partnership, cycle = cycle_world
    page = _signed_in_context(new_context, site, partnership).new_page()
    failures, checked = [], []

    def check(what, path, heading):
        page.goto(site + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        checked.append(what)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{what} ({page.url}):\n{format_violations(violations)}")

    def url(name, query=""):
        return staff_url(partnership, name, cycle_slug=cycle.slug) + query

    locality = partnership.localities.order_by("pk").first()
    check("dashboard", url("staff_cycle_dashboard"), "Progress")
    expect(page.get_by_role("button", name="Send a reminder now")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Remind Agency")).not_to_have_count(0)
    shot(page, "dashboard")
    check(
        "dashboard, filtered",
        url("staff_cycle_dashboard", f"?locality={locality.pk}&status=in_progress"),
        "Progress",
    )
    check("dashboard, bad filter", url("staff_cycle_dashboard", "?sector=spies&locality=x"), "Progress")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check("heatmap", url("staff_cycle_heatmap"), "RAG heatmap")
    shot(page, "heatmap")
    # Issue 18 item 9: a cue and a focusable region for the themes off to the
    # side, a totals row, and agencies not started hidden with a way to show them.
    expect(page.get_by_text("Scroll sideways to see all 11 themes.")).to_be_visible()
    region = page.get_by_role("region", name="Agencies' self-rating by theme")
    region.focus()
    expect(region).to_be_focused()
    expect(page.locator(".s11-heatmap__totals th")).to_contain_text("Totals")
    expect(page.locator(".s11-heatmap__totals td")).to_have_count(11)
    expect(page.locator("#not-started-hidden")).to_contain_text("not started and")
    page.get_by_role("link", name="Show agencies not started").click()
    expect(page.locator("#not-started-hidden")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Include agencies not started")).to_be_checked()
    checked.append("heatmap, agencies not started shown")
    violations = axe_violations(page)
    if violations:
        failures.append(f"heatmap, agencies not started shown ({page.url}):\n{format_violations(violations)}")
    check("heatmap, moderated", url("staff_cycle_heatmap", "?rating=moderated&sector=police"), "RAG heatmap")
    check("answers by question", url("staff_cycle_questions"), "Answers by question")
    shot(page, "questions")
    assert not failures, f"{len(failures)} of {len(checked)} pages failed axe:\n\n" + "\n\n".join(failures)


def test_filters_work_without_javascript(new_context, site, cycle_world):
    partnership, cycle = cycle_world
    page = _signed_in_context(new_context, site, partnership, java_script_enabled=False).new_page()
    page.goto(site + staff_url(partnership, "staff_cycle_heatmap", cycle_slug=cycle.slug))
    page.get_by_label("Sector").select_option(label="Police")
    page.get_by_label("Submitted", exact=True).check()
    page.get_by_role("radio", name="Moderated rating").check()
    page.get_by_role("button", name="Apply filters").click()
    assert "sector=police" in page.url and "status=submitted" in page.url and "rating=moderated" in page.url
    expect(page.get_by_label("Sector")).to_have_value("police")
    expect(page.get_by_role("radio", name="Moderated rating")).to_be_checked()
    expect(page.locator("caption").first).to_contain_text("Moderated rating by theme")

    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress")
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_label("Sector")).to_have_value("")
