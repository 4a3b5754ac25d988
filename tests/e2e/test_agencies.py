"""axe-core (WCAG 2.2 A and AA rules) on the agencies pages as a partnership
admin sees them: the list (plain and with a filter error), an agency's page,
the agency form with errors, the contact form with errors, the import page
with a file's errors, and the localities page. Also that adding an agency
works end to end in the browser."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from partnerships.models import Agency, StaffRole
from tests.factories import AgencyContactFactory, AgencyFactory, LocalityFactory, two_partnerships
from tests.staff import staff_client, staff_url

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(new_context, site, partnership, role=StaffRole.ADMIN):
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
    return context.new_page()


def test_agencies_pages_have_no_axe_violations(new_context, site, shot):
    world = two_partnerships()
    p = world.a.partnership
    south = LocalityFactory(partnership=p, name="ALPHA South")
    AgencyFactory(partnership=p, name="Alpha Scouts", sector="voluntary", is_statutory=False, is_active=False)
    AgencyFactory(partnership=p, name="Alpha Police", sector="police", localities=[world.a.locality, south])
    AgencyContactFactory(agency=world.a.agency, name="Jo Bloggs", email="jo@alpha.example", job_title="DSL")
    page = _signed_in_page(new_context, site, p)
    failures, checked = [], []

    def check(what, heading):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        checked.append(what)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{what} ({page.url}):\n{format_violations(violations)}")

    page.goto(site + staff_url(p, "staff_agencies"))
    check("list", "Agencies")
    shot(page, "agencies-list")
    # The filter form is a plain GET form.
    page.get_by_label("Sector").select_option("police")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("row")).to_have_count(2)
    expect(page.get_by_role("link", name="Alpha Police")).to_be_visible()

    page.goto(site + staff_url(p, "staff_agencies") + "?sector=spies")
    check("list, bad filter", "Agencies")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a sector from the list")

    page.goto(site + staff_url(p, "staff_agency_detail", agency_id=world.a.agency.pk))
    check("detail", "ALPHA Borough Council")
    shot(page, "agency-detail")

    page.goto(site + staff_url(p, "staff_agency_create"))
    check("add form", "Add an agency")
    page.get_by_label("Name").fill("alpha police")
    page.get_by_role("button", name="Add agency").click()
    check("add form, errors", "Add an agency")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select a sector")
    expect(summary).to_contain_text("Select yes if it is a statutory partner")
    expect(page.get_by_label("Name")).to_have_value("alpha police")
    page.get_by_label("Sector").select_option("fire")
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("checkbox", name="ALPHA South").check()
    page.get_by_role("button", name="Add agency").click()
    check("add form, name taken", "Add an agency")
    expect(summary).to_contain_text("There is already an agency called Alpha Police")
    expect(page.get_by_label("Sector")).to_have_value("fire")
    expect(page.get_by_role("checkbox", name="ALPHA South")).to_be_checked()
    shot(page, "agency-form-errors")
    # Correct it and add it.
    page.get_by_label("Name").fill("Alpha Fire and Rescue")
    page.get_by_role("button", name="Add agency").click()
    check("detail after adding", "Alpha Fire and Rescue")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Alpha Fire and Rescue added")
    added = Agency.objects.get(partnership=p, name="Alpha Fire and Rescue")
    assert [lo.name for lo in added.localities.all()] == ["ALPHA South"]

    page.goto(site + staff_url(p, "staff_agency_contact_add", agency_id=world.a.agency.pk))
    page.get_by_label("Email address").fill("JO@alpha.example")
    page.get_by_role("button", name="Add contact").click()
    check("contact form, errors", "Add a contact")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the contact’s full name")

    page.goto(site + staff_url(p, "staff_agency_import"))
    check("import", "Import agencies from a CSV file")
    page.locator("#id_file").set_input_files(
        files=[
            {
                "name": "agencies.csv",
                "mimeType": "text/csv",
                "buffer": b"name,sector,statutory,localities\r\n"
                b"Good,nhs,yes,\r\nBad,spies,perhaps,Gotham\r\n",
            }
        ]
    )
    page.get_by_role("button", name="Import").click()
    check("import, errors", "Import agencies from a CSV file")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Row 3, column sector")
    expect(summary).to_contain_text("Row 3, column localities: No locality called Gotham")
    shot(page, "agency-import-errors")
    assert not Agency.objects.filter(name="Good").exists()

    page.goto(site + staff_url(p, "staff_localities"))
    check("localities", "Localities")

    assert not failures, f"{len(failures)} of {len(checked)} pages failed axe:\n\n" + "\n\n".join(failures)
