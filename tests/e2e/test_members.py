"""axe-core (WCAG 2.2 A and AA) on the staff-members pages as a partnership
admin sees them: the list, the invitation form with errors, each confirmation
page (with its error), walking through them as an admin does; then the
invitation-acceptance page as the invited person sees it, and the platform
admin's staff-account pages."""

from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from core.domain import SYSTEM
from partnerships.models import StaffMembership, StaffRole
from partnerships.services.members import staff_invitation_accept_url, staff_member_invite
from tests.factories import LocalityFactory, PartnershipFactory, StaffMembershipFactory, UserFactory
from tests.staff import sign_in, staff_client, staff_url

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def members_world():
    partnership = PartnershipFactory(slug="axe-staff", name="Axe Safeguarding Partnership")
    LocalityFactory(partnership=partnership, name="Axe North")
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
    page.get_by_role("button", name="Invite a member of staff").click()
    check("add form", "Invite a member of staff")
    page.get_by_label("Full name").fill("Sam Staff")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    check("add form with errors", "Invite a member of staff")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a role")
    expect(page.get_by_label("Full name")).to_have_value("Sam Staff")
    shot(page, "members-add-errors")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Reviewer").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "We have emailed an invitation to sam@example.org"
    )
    check("list after inviting", "Staff")
    expect(page.get_by_role("cell", name="Invited")).to_be_visible()

    # Withdrawing the invitation.
    page.get_by_role("link", name="Withdraw the invitation to sam@example.org").click()
    check("withdraw invitation", "Withdraw the invitation to Sam Staff?")
    page.get_by_role("button", name="Withdraw invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("withdrawn")

    # A locality lead needs localities: the checkboxes after the roles.
    page.goto(url("staff_member_add"))
    page.get_by_label("Full name").fill("Lee Lead")
    page.get_by_label("Email address").fill("lee@example.org")
    page.get_by_label("Locality lead", exact=True).check()
    expect(page.get_by_label("Axe North")).to_be_visible()
    page.get_by_role("button", name="Send invitation").click()
    check("add form, a locality lead without localities", "Invite a member of staff")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one locality")
    page.get_by_label("Axe North").check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("as Locality lead")
    check("list with a locality lead invited, and what each role can do", "Staff")
    expect(page.get_by_role("heading", name="What each role can do")).to_be_visible()

    # Someone who also belongs to another partnership: only a platform admin resets them.
    shared = StaffMembershipFactory(user=UserFactory(full_name="Shay Shared"), partnership=partnership)
    StaffMembershipFactory(user=shared.user, partnership=PartnershipFactory(slug="axe-other"))
    TOTP.activate(shared.user, generate_totp_secret())
    page.goto(url("staff_member_second_factor_reset", membership_id=shared.pk))
    check("reset refused for a shared account", "Reset Shay Shared's authenticator app")
    expect(page.locator("main")).to_contain_text("Only a platform admin can reset")

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


def _signed_in_page(new_context, site, user):
    client = Client()
    sign_in(client, user)
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


def test_invitation_and_platform_pages_have_no_axe_violations(new_context, site, members_world, shot):
    partnership, _member = members_world
    failures, checked = [], []

    def check(page, what, heading):
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        checked.append(what)
        violations = axe_violations(page)
        if violations:
            failures.append(f"{what} ({page.url}):\n{format_violations(violations)}")

    # Pat has an account (with another partnership) and is invited here.
    pat = UserFactory(full_name="Pat Elsewhere", email="pat@example.org")
    TOTP.activate(pat, generate_totp_secret())
    StaffMembershipFactory(user=pat, partnership=PartnershipFactory(slug="axe-elsewhere"))
    invitation = staff_member_invite(
        partnership=partnership, email=pat.email, full_name="Pat Typed", role="reviewer", actor=SYSTEM
    )
    accept = staff_invitation_accept_url(invitation_pk=invitation.pk)
    page = _signed_in_page(new_context, site, pat)
    page.goto(site + urlsplit(accept).path)
    check(page, "accept invitation", "Join Axe Safeguarding Partnership's staff")
    expect(page.get_by_label("Your name")).to_have_value("Pat Typed")
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Join Axe Safeguarding Partnership").click()
    check(page, "accept invitation with errors", "Join Axe Safeguarding Partnership's staff")
    shot(page, "invitation-accept-errors")
    page.get_by_label("Your name").fill("Pat P")
    page.get_by_role("button", name="Join Axe Safeguarding Partnership").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have joined")

    # The platform admin finds Lou and resets her app, with a reason.
    platform = UserFactory(
        full_name="Platform Admin", email="platform@axe.example", is_superuser=True, is_staff=True
    )
    TOTP.activate(platform, generate_totp_secret())
    page = _signed_in_page(new_context, site, platform)
    page.goto(site + reverse("platform_accounts"))
    check(page, "platform accounts", "Staff accounts")
    page.get_by_label("Email address or name").fill("lou@")
    page.get_by_role("button", name="Search").click()
    check(page, "platform accounts, found", "Staff accounts")
    page.get_by_role("link", name="Reset authenticator app of lou@example.org").click()
    check(page, "platform reset", "Reset the authenticator app of lou@example.org")
    page.get_by_role("button", name="Reset authenticator app").click()
    check(page, "platform reset with errors", "Reset the authenticator app of lou@example.org")
    page.get_by_label("Why are you resetting their authenticator app?").fill("Called Lou: lost phone")
    page.get_by_role("button", name="Reset authenticator app").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("has been reset")

    assert not failures, f"{len(failures)} of {len(checked)} pages failed axe:\n\n" + "\n\n".join(failures)
