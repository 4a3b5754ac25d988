"""axe-core (WCAG 2.2 A and AA) on the staff-members pages as a partnership
admin sees them: the list, the add form with errors, each confirmation page
(with its error), walking through them as an admin does."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from partnerships.models import StaffMembership, StaffRole
from tests.factories import PartnershipFactory, StaffMembershipFactory, UserFactory
from tests.staff import staff_client, staff_url

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def members_world():
    partnership = PartnershipFactory(slug="axe-staff", name="Axe Safeguarding Partnership")
    lou = UserFactory(full_name="Lou Lost", email="lou@example.org")
    TOTP.activate(lou, generate_totp_secret())
    member = StaffMembershipFactory(user=lou, partnership=partnership, role=StaffRole.REVIEWER)
    StaffMembershipFactory(
        user=UserFactory(full_name="Nia New", email="nia@example.org"),
        partnership=partnership,
        role=StaffRole.READ_ONLY,
    )
    return partnership, member


def _admin_page(new_context, site, partnership):
    client = staff_client(Client(), partnership, StaffRole.ADMIN, email="admin@axe.example")
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
    return context.new_page(), client.user


def test_staff_members_pages_have_no_axe_violations(new_context, site, members_world, shot):
    partnership, member = members_world
    page, admin = _admin_page(new_context, site, partnership)
    failures, checked = [], []

    def check(what, heading):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        checked.append(what)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{what} ({page.url}):\n{format_violations(violations)}")

    def url(name, **kwargs):
        return site + staff_url(partnership, name, **kwargs)

    page.goto(url("staff_members"))
    check("list", "Staff")
    expect(page.get_by_role("cell", name="lou@example.org")).to_be_visible()
    shot(page, "members-list")

    # Adding someone, first with mistakes.
    page.get_by_role("button", name="Add a member of staff").click()
    check("add form", "Add a member of staff")
    page.get_by_label("Full name").fill("Sam Staff")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Add and send email").click()
    check("add form with errors", "Add a member of staff")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a role")
    expect(page.get_by_label("Full name")).to_have_value("Sam Staff")
    shot(page, "members-add-errors")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Reviewer").check()
    page.get_by_role("button", name="Add and send email").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Sam Staff added as Reviewer")
    check("list after adding", "Staff")

    # Changing a role, and the last admin trying to demote themselves.
    page.goto(url("staff_member_role", membership_id=member.pk))
    check("change role", "Change Lou Lost's role")
    own = StaffMembership.objects.get(user=admin, partnership=partnership)
    page.goto(url("staff_member_role", membership_id=own.pk))
    page.get_by_label("Read-only").check()
    page.get_by_role("button", name="Save role").click()
    check("change role, last admin", "Change your role")
    expect(page.locator(".govuk-error-summary")).to_contain_text("only partnership admin")

    # Resetting an authenticator app: the confirmation, its error, then done.
    page.goto(url("staff_members"))
    page.get_by_role("link", name="Reset authenticator app of Lou Lost").click()
    check("reset confirmation", "Reset Lou Lost's authenticator app")
    page.get_by_role("button", name="Reset authenticator app").click()
    check("reset confirmation with error", "Reset Lou Lost's authenticator app")
    page.get_by_label("Why are you resetting their authenticator app?").fill("Lost their phone")
    page.get_by_role("button", name="Reset authenticator app").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been reset")

    # Removing someone, then trying to remove yourself.
    page.get_by_role("link", name="Remove Lou Lost").click()
    check("remove confirmation", "Are you sure you want to remove Lou Lost?")
    shot(page, "members-remove")
    page.get_by_role("button", name="Remove from staff").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Lou Lost removed")
    expect(page.get_by_role("cell", name="lou@example.org")).to_have_count(0)
    page.goto(url("staff_member_remove", membership_id=own.pk))
    page.get_by_role("button", name="Remove from staff").click()
    check("remove yourself", "Are you sure you want to remove " + admin.get_full_name() + "?")
    expect(page.locator(".govuk-error-summary")).to_contain_text("You cannot remove yourself")

    assert not failures, f"{len(failures)} of {len(checked)} pages failed axe:\n\n" + "\n\n".join(failures)
