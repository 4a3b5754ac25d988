"""axe on the pages of issue 17 items 11, 12, 14, 15 and 16, with and
without errors: the public guidance, contact and registration pages, and the
staff data, guidance and registration pages."""

import secrets

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from playwright.sync_api import expect

from guidance.models import GuidanceDocument, GuidanceEntry
from joining.models import AgencyRegistration
from partnerships.models import StaffRole
from tests.staff import staff_client

from .axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _staff_page(new_context, site, partnership):
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


def _content(world):
    p = world.partnership
    GuidanceEntry.objects.create(
        partnership=p,
        kind="guidance",
        title="Before you start",
        body="Read this.\n\n- One\n- [Two](https://example.org)",
    )
    GuidanceEntry.objects.create(partnership=p, kind="faq", title="Can we take part?", body="Yes.")
    document = GuidanceDocument(
        partnership=p, title="Toolkit", token=secrets.token_hex(16), original_name="toolkit.pdf",
        content_type="application/pdf", size=9, sha256="0" * 64,
    )  # fmt: skip
    document.file.save("x", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    AgencyRegistration.objects.create(
        partnership=p, organisation_name="Little Kickers", sector="sport", contact_name="Kim",
        contact_email="kim@kickers.example", status="waiting",
    )  # fmt: skip


def test_public_pages_have_no_axe_violations(new_context, site, world):
    _content(world)
    page = new_context().new_page()
    base = f"{site}/{world.partnership.slug}"
    for what, path, button in [
        ("the guidance page", "/guidance/", None),
        ("the contact form", "/contact/", "Send message"),
        ("the registration form", "/register/", "Register"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(page, what=what)
        if button:
            page.get_by_role("button", name=button).click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            assert_no_axe_violations(page, what=f"{what} with errors")


def test_staff_pages_have_no_axe_violations(new_context, site, world):
    _content(world)
    staff = _staff_page(new_context, site, world.partnership)
    base = f"{site}/{world.partnership.slug}/staff"
    for what, path in [
        ("personal data", "/data/"),
        ("subject access", "/data/subject-access/"),
        ("guidance list", "/setup/guidance/"),
        ("new guidance", "/setup/guidance/new/"),
        ("new document", "/setup/guidance/documents/new/"),
        ("registrations", "/agencies/registrations/"),
    ]:
        staff.goto(base + path)
        expect(staff.get_by_role("heading", level=1)).to_be_visible()
        assert_no_axe_violations(staff, what=what)
    staff.goto(base + "/data/")
    staff.get_by_label("Years to keep personal data after a cycle closes").fill("sixty")
    staff.get_by_role("button", name="Save").click()
    expect(staff.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(staff, what="personal data with an error")
