"""A reviewer in a real browser: signs in through the real sign-in pages
(email and password, then an authenticator code), moderates a theme, records
and confirms an outcome on one return, returns another for changes, and
records a meeting; axe finds nothing on any page of the review.

The sign-in forms are filled by field name (login, password, code) and their
buttons found by role, so the test does not depend on how allauth's pages
are styled."""

import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import app_settings as totp_settings
from playwright.sync_api import expect

from audits.models import ReviewMeeting, Submission, SubmissionReview, SubmissionStatus, ThemeModeration
from partnerships.models import StaffRole
from tests.audits.review_support import submit, submitted_world
from tests.factories import DEFAULT_PASSWORD, StaffMembershipFactory, SubmissionFactory, UserFactory

from .axe import axe_violations, format_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIGN_IN = re.compile(r"^\s*(sign in|log in|continue|verify|confirm)\s*$", re.I)


def totp_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // totp_settings.TOTP_PERIOD))


def sign_in(page, *, email: str, password: str, secret: str) -> None:
    """On the sign-in page: email and password, then the authenticator code."""
    page.locator("[name=login]").fill(email)
    page.locator("[name=password]").fill(password)
    page.get_by_role("button", name=SIGN_IN).first.click()
    code = page.locator("[name=code]")
    expect(code).to_be_visible()
    code.fill(totp_code(secret))
    page.get_by_role("button", name=SIGN_IN).first.click()


class Axe:
    def __init__(self, page):
        self.page = page
        self.failures = []
        self.checked = 0

    def check(self, what: str) -> None:
        violations = axe_violations(self.page)
        self.checked += 1
        if violations:
            self.failures.append(f"{what} ({self.page.url}):\n{format_violations(violations)}")

    def assert_clean(self) -> None:
        assert not self.failures, "\n\n".join(self.failures)


def test_a_reviewer_signs_in_moderates_confirms_and_returns(new_context, site, world, outbox, shot):
    submitted_world(world)
    second = submit(_completed(SubmissionFactory(cycle=world.cycle)))
    secret = generate_totp_secret()
    user = UserFactory(email="rita.reviewer@alpha.example", full_name="Rita Reviewer")
    StaffMembershipFactory(user=user, partnership=world.partnership, role=StaffRole.REVIEWER)
    TOTP.activate(user, secret)
    slug = world.partnership.slug
    theme = world.question_set.themes.order_by("order").first()
    review_url = f"{site}/{slug}/staff/returns/{world.submission.reference}/"

    page = new_context().new_page()
    axe = Axe(page)
    page.goto(review_url)
    expect(page.locator("[name=login]")).to_be_visible()  # sent to sign in first
    sign_in(page, email=user.email, password=DEFAULT_PASSWORD, secret=secret)

    # Back where the reviewer was going.
    expect(page).to_have_url(review_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(world.agency.name)
    axe.check("review page")
    shot(page, "review")

    # Moderate the first theme: first with an error, then properly.
    page.get_by_role("link", name=f"Moderate {theme.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Moderate: {theme.title}")
    axe.check("moderation page")
    page.get_by_label("Reviewer comment").fill("The training log is two years old.")
    page.get_by_role("button", name="Save and go back to the return").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_label("Reviewer comment")).to_have_value("The training log is two years old.")
    axe.check("moderation page with errors")
    page.get_by_role("radio", name=re.compile(r"^Amber")).check()
    page.get_by_role("button", name="Save and go back to the return").click()
    expect(page.get_by_text(f"{theme.title} moderated as Amber")).to_be_visible()
    assert ThemeModeration.objects.get(submission=world.submission, theme=theme).rag == "amber"
    axe.check("review page after moderating")

    # Record the outcome and confirm it.
    page.get_by_role("link", name="Record the outcome").click()
    axe.check("outcome page")
    page.get_by_role("radio", name="Further evidence requested").check()
    page.get_by_label("Message to the agency").fill("Please send your current training log.")
    page.get_by_role("button", name="Save and check before sending").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the evaluation")
    axe.check("confirm page")
    # Only the first theme is moderated: confirming says so and asks first.
    page.get_by_label(re.compile(r"^Confirm without moderating")).check()
    page.get_by_role("button", name="Confirm and email the agency").click()
    expect(page.get_by_text(f"Evaluation confirmed and emailed to {world.agency.name}")).to_be_visible()
    assert SubmissionReview.objects.get(submission=world.submission).evaluated_at is not None
    assert "Please send your current training log." in outbox.last_to(world.contact.email).body
    axe.check("review page, evaluated")

    page.get_by_role("link", name="History of this return").click()
    expect(page.get_by_text("Confirmed the evaluation: Further evidence requested")).to_be_visible()
    axe.check("history page")

    # Return the second agency's return for changes.
    page.goto(f"{site}/{slug}/staff/returns/{second.reference}/")
    page.get_by_role("link", name="Return it to the agency for changes").click()
    page.get_by_role("button", name="Return for changes").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    axe.check("return for changes with errors")
    page.get_by_label("Why are you returning it?").fill("Theme 2 has no evidence attached.")
    page.get_by_role("button", name="Return for changes").click()
    expect(page.get_by_text(f"Return sent back to {second.agency.name} for changes")).to_be_visible()
    assert Submission.objects.get(pk=second.pk).status == SubmissionStatus.RETURNED
    axe.check("review page, returned")

    # Record a meeting about the first return, adding a row of actions.
    page.goto(review_url)
    page.get_by_role("link", name="Record a meeting about this return").click()
    axe.check("new meeting")
    page.get_by_role("radio", name="Scrutiny panel").check()
    date_group = page.get_by_role("group", name="Date of the meeting")
    date_group.get_by_label("Day").fill("27")
    date_group.get_by_label("Month").fill("3")
    date_group.get_by_label("Year").fill("2026")
    page.get_by_label("Panel members").fill("Jo Chair\nSam Lead")
    page.get_by_role("button", name="Add another action").click()
    expect(page.locator("[name='actions-3-action']")).to_be_visible()
    action = page.get_by_role("group", name="Action 1")
    action.get_by_label("Action", exact=True).fill("Send the training log")
    action.get_by_label("Owner").fill("Head of HR")
    action.get_by_label("Day").fill("30")
    action.get_by_label("Month").fill("6")
    action.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrutiny panel, Friday 27 March 2026")
    assert ReviewMeeting.objects.get().actions.get().owner == "Head of HR"
    axe.check("meeting page")

    axe.assert_clean()


def _completed(submission):
    from tests.factories import submission_complete

    submission_complete(submission)
    return submission
