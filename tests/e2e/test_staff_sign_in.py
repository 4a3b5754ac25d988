"""Staff sign-in in a real browser: email and password, then the code from
the authenticator app (computed from the secret, as the app would), landing
on the partnership's workspace; and setting up an authenticator app from the
key shown on the page. axe-core checks each sign-in page on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import fresh_totp_code, totp_secret, wrong_code
from tests.factories import DEFAULT_PASSWORD, PartnershipFactory, StaffMembershipFactory, UserFactory

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Axe:
    """Checks each page and keeps going, so one run names every failing page."""

    def __init__(self, page):
        self.page = page
        self.failures: list[str] = []

    def check(self, what: str) -> None:
        violations = axe_violations(self.page)
        if violations:
            self.failures.append(f"{what} ({self.page.url}):\n{format_violations(violations)}")

    def assert_clean(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)


def heading(page):
    return page.get_by_role("heading", level=1)


def sign_in_with_password(page, site, email, password=DEFAULT_PASSWORD):
    page.goto(f"{site}/staff/")
    expect(heading(page)).to_have_text("Sign in to your staff account")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_password_and_authenticator_code(page, site, shot):
    from tests.staff import staff_user

    partnership = PartnershipFactory(name="Alpha Safeguarding Partnership")
    user = staff_user(partnership)
    secret = totp_secret(user)
    axe = Axe(page)

    sign_in_with_password(page, site, user.email, "not my password")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the email address and password for your staff account"
    )
    axe.check("sign-in page with an error")

    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Enter the code from your authenticator app")
    axe.check("code page")

    page.get_by_label("Code").fill(wrong_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe.check("code page with an error")
    shot(page, "staff-code-error")

    page.get_by_label("Code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{site}/{partnership.slug}/staff/")
    expect(page.locator(".s11-staff-banner")).to_contain_text(f"Signed in as {user.full_name}")
    axe.check("staff home")
    shot(page, "staff-home")
    axe.assert_clean()


def test_the_sign_in_page_is_accessible_as_it_first_appears(page, site):
    page.goto(f"{site}/accounts/login/")
    axe = Axe(page)
    axe.check("sign-in page")
    axe.assert_clean()


def test_set_up_an_authenticator_app_from_the_key_on_the_page(page, site, settings, shot):
    settings.S11_REQUIRE_MFA = True
    partnership = PartnershipFactory(name="Bravo Safeguarding Partnership")
    user = UserFactory()
    StaffMembershipFactory(user=user, partnership=partnership)
    axe = Axe(page)

    sign_in_with_password(page, site, user.email)
    # no authenticator yet, so no code; and the password just typed is not
    # asked for a second time ("Confirm it is you") before the set-up page
    expect(heading(page)).to_have_text("Set up an authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code for adding"))).to_be_visible()
    axe.check("authenticator set-up page")
    shot(page, "staff-totp-setup")
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret

    page.get_by_label("Code from your authenticator app").fill(wrong_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not correct")
    axe.check("authenticator set-up page with an error")
    # the same key: the app the person has just set up still works
    assert page.locator("#totp-secret").inner_text().strip() == secret

    page.get_by_label("Code from your authenticator app").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Continue").click()

    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.locator(".s11-recovery-codes li")).to_have_count(10)
    axe.check("recovery codes")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{site}/{partnership.slug}/staff/")
    axe.check("staff home after set-up")
    assert totp_secret(user) == secret
    # A member of one partnership has nothing to switch to, and the second
    # tab stop (after the skip link) is the service name, leading home.
    expect(page.get_by_role("link", name="Switch partnership")).to_have_count(0)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Section 11 audit")
    expect(focused).to_have_attribute("href", f"/{partnership.slug}/staff/")
    axe.assert_clean()
