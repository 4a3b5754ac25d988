"""axe (and reflow at 320px) on the cycle pages of issue 17 items 3-5: the
overdue list, before and after "send a reminder now", the cycle's page with
each agency's row, one agency's extension with an error, and starting the
next cycle with its question-set rules."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from audits.models import AuditCycle
from partnerships.models import StaffRole
from tests.staff import staff_client

from .test_accessibility import AxeAudit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _admin_page(new_context, site, partnership):
    client = staff_client(Client(), partnership, StaffRole.ADMIN)
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


def test_cycle_pages_have_no_axe_violations(new_context, site, world):
    # The world's cycle closed yesterday, with its return not submitted.
    now = timezone.now()
    AuditCycle.objects.filter(pk=world.cycle.pk).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1)
    )
    page = _admin_page(new_context, site, world.partnership)
    axe = AxeAudit(page, reflow=True)
    base = f"{site}/{world.partnership.slug}/staff"
    slug = world.cycle.slug

    page.goto(f"{base}/cycles/{slug}/overdue/")
    axe.check("overdue returns", "Overdue returns")
    page.get_by_role("button", name=f"Send a reminder now to {world.agency.name}").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Overdue reminder sent")
    axe.check("overdue returns after sending", "Overdue returns")
    page.get_by_role("button", name=f"Send a reminder now to {world.agency.name}").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("No reminder was sent")
    axe.check("overdue returns, nothing sent", "Overdue returns")
    page.get_by_role("button", name="Send a reminder now to the agencies selected").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check("overdue returns, nobody selected", "Overdue returns")

    page.goto(f"{base}/setup/cycles/{slug}/")
    axe.check("the cycle's page", world.cycle.title)
    page.get_by_role("link", name=f"Extend the deadline for {world.agency.name}").click()
    page.get_by_role("button", name="Extend the deadline").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check("one agency's extension with errors", f"Extend the deadline for {world.agency.name}")

    page.goto(f"{base}/setup/cycles/{slug}/next/")
    axe.check("start the next cycle", "Start the next cycle")
    page.get_by_role("button", name="Create the next cycle").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe.check("start the next cycle with errors", "Start the next cycle")
    axe.assert_clean()
