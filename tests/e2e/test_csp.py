"""The pages work under the service's Content-Security-Policy (issue 12 item
5): these contexts do NOT bypass the policy (the other browser tests do, to
inject axe-core), the browser reports no CSP violation, the nonce'd inline
script and GOV.UK Frontend's module both run, and the TOTP QR code (an SVG
data URI) shows."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from audits.services import resume_link_create
from tests.factories import DEFAULT_PASSWORD, PartnershipFactory, StaffMembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strict_context(browser, browser_context_args):
    """A browser context that enforces the Content-Security-Policy."""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": False})
    yield context
    context.close()


class CspWatch:
    def __init__(self, context):
        self.messages: list[str] = []
        context.on("console", self._console)
        context.on("weberror", lambda error: self.messages.append(f"page error: {error.error}"))

    def _console(self, message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.messages.append(f"{message.type}: {message.text}")

    def check(self, page, what: str) -> None:
        expect(page.locator("body")).to_have_class(
            re.compile(r"\bjs-enabled\b.*\bgovuk-frontend-supported\b")
        )
        # GOV.UK Frontend's initAll (static/js/init.mjs) marks each component it starts
        expect(page.locator(".govuk-skip-link")).to_have_attribute("data-govuk-skip-link-init", "")
        assert "Content-Security-Policy" not in (page.evaluate("() => document.title") or "")
        assert not self.messages, f"{what}: {self.messages}"


def test_agency_pages_work_under_the_policy(strict_context, site, world):
    context = strict_context
    watch = CspWatch(context)
    page = context.new_page()
    response = page.goto(f"{site}/")
    assert "nonce-" in response.headers["content-security-policy"]
    watch.check(page, "service home")

    page.goto(f"{site}/{world.partnership.slug}/audits/{world.cycle.slug}/start/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Your organisation").first.fill(world.agency.name[:4])
    expect(page.locator(".autocomplete__option").first).to_be_visible()  # drawn by script
    watch.check(page, "start form with its type-ahead")

    _, link = resume_link_create(
        submission=world.submission, name="Sam", email=world.contact.email, mint=True
    )
    page.goto(f"{site}{urlsplit(link).path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    watch.check(page, "task list")
    page.locator("a.govuk-task-list__link").first.click()
    expect(page.locator("input[name^='q_']").first).to_be_attached()
    watch.check(page, "theme page")


def test_staff_sign_in_and_authenticator_set_up_work_under_the_policy(strict_context, site, settings):
    settings.S11_REQUIRE_MFA = True
    partnership = PartnershipFactory(name="Charlie Safeguarding Partnership")
    user = UserFactory()
    StaffMembershipFactory(user=user, partnership=partnership)
    context = strict_context
    watch = CspWatch(context)
    page = context.new_page()

    page.goto(f"{site}/staff/")
    watch.check(page, "sign-in page")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    qr = page.get_by_role("img", name=re.compile("QR code for adding"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"
    watch.check(page, "authenticator set-up page")


def test_the_django_admin_signs_in_through_the_service_and_works_under_the_policy(strict_context, site):
    """Issue 12 item 1 in a real browser: /django-admin/ sends a platform admin
    to the service's sign-in (password, then the authenticator code) and back;
    the admin's own pages then run under the policy."""
    from tests.accounts.helpers import fresh_totp_code, totp_secret
    from tests.staff import staff_user

    user = staff_user(PartnershipFactory(name="Delta Safeguarding Partnership"))
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    violations = []
    strict_context.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page = strict_context.new_page()

    page.goto(f"{site}/django-admin/accounts/user/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your staff account")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your authenticator app")
    page.get_by_label("Code").fill(fresh_totp_code(totp_secret(user)))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(f"{site}/django-admin/accounts/user/")
    page.get_by_role("link", name=user.email).click()
    expect(page.locator("#user_form")).to_be_visible()
    assert not violations, violations
