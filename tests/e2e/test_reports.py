"""axe-core (WCAG 2.2 A and AA) and reflow at 320 CSS pixels on the board
report pages (the list, a report of every section with its charts, a
locality pack, the edit form with an error) and the summary for children
(the staff form with its reading age, the public page)."""

import pytest
from playwright.sync_api import expect

from core.domain import Actor
from demo.reports import CHILD_SUMMARY, GOOD_PRACTICE
from reports.models import SECTION_KEYS
from reports.services import (
    ReportData,
    child_summary_publish,
    child_summary_save,
    report_create,
    report_update,
)
from tests.reports.world import report_world
from tests.staff import staff_url

from .test_accessibility import AxeAudit
from .test_dashboard import _signed_in_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTOR = Actor(name="Rae Reviewer")


@pytest.fixture
def reports():
    w = report_world()
    report = report_create(
        partnership=w.partnership,
        cycle=w.cycle,
        title="Board report 2026",
        sections=list(SECTION_KEYS),
        actor=ACTOR,
    )
    w.report = report_update(
        partnership=w.partnership,
        report=report,
        data=ReportData(title=report.title, sections=list(SECTION_KEYS), good_practice=GOOD_PRACTICE),
        actor=ACTOR,
    )
    child_summary_save(partnership=w.partnership, cycle=w.cycle, data=CHILD_SUMMARY, actor=ACTOR)
    child_summary_publish(partnership=w.partnership, cycle=w.cycle, publish=True, actor=ACTOR)
    return w


def test_report_pages_and_the_childrens_summary_have_no_axe_violations(new_context, site, reports, shot):
    w = reports
    page = _signed_in_context(new_context, site, w.partnership).new_page()
    axe = AxeAudit(page, reflow=True)
    cycle = {"cycle_slug": w.cycle.slug}
    report = {**cycle, "report_id": w.report.pk}

    page.goto(site + staff_url(w.partnership, "staff_report_list", **cycle))
    axe.check("report list", "Reports")

    page.goto(site + staff_url(w.partnership, "staff_report", **report))
    axe.check("a report of every section", "Board report 2026")
    expect(page.locator("svg.s11-chart")).to_have_count(4)
    shot(page, "reports-report")
    page.get_by_role("link", name=f"{w.north.name} locality pack").click()
    expect(page.get_by_text(f"for {w.north.name} only")).to_be_visible()
    axe.check("a locality pack", "Board report 2026")

    page.goto(site + staff_url(w.partnership, "staff_report_edit", **report))
    axe.check("the report's sections and narrative", "Change the report")
    for box in page.locator("input[name=sections]").all():
        box.uncheck()
    page.get_by_role("button", name="Save the report").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check("the report form with an error", "Change the report")

    page.goto(site + staff_url(w.partnership, "staff_child_summary", **cycle))
    axe.check("the summary for children, staff", "Summary for children and young people")
    expect(page.locator("#reading-age")).to_be_visible()

    page.goto(f"{site}/{w.partnership.slug}/children/{w.cycle.slug}/")
    axe.check("the summary for children, public", CHILD_SUMMARY.title)
    shot(page, "reports-children")
    axe.assert_clean()
