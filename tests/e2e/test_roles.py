"""axe on the pages of issue 17 items 8 and 9, with and without errors:
an agency's "commissioned by" page, a cycle's sharing page, the cycles
shared with a partnership, and a shared cycle's dashboard and return as
the second board's reviewer sees them."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from partnerships.models import StaffRole
from tests.factories import AgencyFactory, two_partnerships
from tests.staff import staff_client

from .axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(new_context, site, partnership, role):
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


def test_commissioner_and_joint_board_pages_have_no_axe_violations(new_context, site):
    w = two_partnerships()
    AgencyFactory(partnership=w.a.partnership, name="Alpha County Council")
    admin = _page(new_context, site, w.a.partnership, StaffRole.ADMIN)
    base = f"{site}/{w.a.partnership.slug}/staff"

    admin.goto(f"{base}/agencies/{w.a.agency.pk}/commissioned-by/")
    assert_no_axe_violations(admin, what="commissioned by")
    admin.get_by_label("Which agency commissions it?").select_option(label="Alpha County Council")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".govuk-notification-banner--success")).to_contain_text("is commissioned by")
    assert_no_axe_violations(admin, what="the agency, commissioned")

    admin.goto(f"{base}/setup/cycles/{w.a.cycle.slug}/share/")
    admin.get_by_role("button", name="Offer this cycle").click()
    expect(admin.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(admin, what="sharing a cycle, with an error")
    admin.get_by_label("The other partnership’s web address on this service").fill(w.b.partnership.slug)
    admin.get_by_role("button", name="Offer this cycle").click()
    expect(admin.get_by_role("cell", name="Offered", exact=False)).to_be_visible()
    assert_no_axe_violations(admin, what="sharing a cycle, offered")

    other = _page(new_context, site, w.b.partnership, StaffRole.ADMIN)
    other.goto(f"{site}/{w.b.partnership.slug}/staff/setup/shared-with-us/")
    assert_no_axe_violations(other, what="cycles shared with us, offered")
    other.get_by_role("button", name="Accept").click()
    expect(other.locator(".govuk-notification-banner--success")).to_contain_text("is now shared")
    assert_no_axe_violations(other, what="cycles shared with us, accepted")

    reviewer = _page(new_context, site, w.b.partnership, StaffRole.REVIEWER)
    reviewer.goto(f"{site}/{w.b.partnership.slug}/staff/")
    assert_no_axe_violations(reviewer, what="the second board's overview")
    reviewer.get_by_role("link", name=w.a.cycle.title).last.click()
    expect(reviewer.get_by_role("heading", level=1)).to_be_visible()
    assert_no_axe_violations(reviewer, what="a shared cycle's dashboard")
