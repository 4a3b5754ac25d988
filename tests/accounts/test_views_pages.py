"""Every allauth page a member of staff meets is a GOV.UK page of this
service: our base template, a GOV.UK heading, GOV.UK form markup, and no
markup left over from allauth's plain templates."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, PartnershipFactory
from tests.staff import staff_user

from .helpers import fresh_totp_code, totp_secret

pytestmark = pytest.mark.django_db


def assert_govuk_page(response, heading: str) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'class="govuk-template' in html, "not rendered through templates/base.html"
    assert 'class="govuk-skip-link"' in html
    h1 = re.search(r'<h1 class="(govuk-heading-l|govuk-panel__title)">(.*?)</h1>', html, re.S)
    assert h1, "no GOV.UK h1"
    assert h1.group(2).strip() == heading
    # each allauth element was replaced: no bare <p>, <button> or <input>
    assert not re.search(r"<p>|<button>|<input (?![^>]*(type=\"hidden\"|class=\"govuk-))", html)
    return html


@pytest.fixture
def member(client):
    """A member of staff with an authenticator app and recovery codes,
    signed in and recently confirmed (as allauth asks before changes)."""
    user = staff_user(PartnershipFactory())
    RecoveryCodes.activate(user)
    client.force_login(user)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    return user


def test_sign_in(client):
    html = assert_govuk_page(client.get(reverse("account_login")), "Sign in to your staff account")
    assert '<label class="govuk-label" for="id_login">Email address</label>' in html
    assert 'type="email"' in html and 'autocomplete="email"' in html
    assert 'type="password"' in html and 'autocomplete="current-password"' in html
    assert "placeholder" not in html
    assert 'name="remember"' not in html  # a session ends when the browser closes
    assert "<title>Sign in – Section 11 audit</title>" in html


def test_code_page(client):
    user = staff_user(PartnershipFactory())
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    html = assert_govuk_page(
        client.get(reverse("mfa_authenticate")), "Enter the code from your authenticator app"
    )
    assert "I cannot use my authenticator app" in html
    assert 'form="logout-from-stage"' in html


def test_sign_out(client, member):
    assert_govuk_page(client.get(reverse("account_logout")), "Sign out")


def test_password_reset_journey(client, member, django_capture_on_commit_callbacks):
    client.logout()
    page = client.get(reverse("account_reset_password"))
    assert_govuk_page(page, "Reset your password")

    html = client.post(reverse("account_reset_password"), {"email": "not an address"}).content.decode()
    assert '<a href="#id_email">Enter an email address in the correct format' in html

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends once the request commits
        response = client.post(reverse("account_reset_password"), {"email": member.email})
    assert_govuk_page(client.get(response["Location"]), "Check your email")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your password for Section 11 audit"
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)

    response = client.get(urlsplit(link).path)
    form_url = response["Location"] if response.status_code == 302 else urlsplit(link).path
    html = assert_govuk_page(client.get(form_url), "Choose a new password")
    assert 'autocomplete="new-password"' in html

    html = client.post(form_url, {"password1": "short", "password2": "short"}).content.decode()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_password1">' in html

    new = "a much longer new password 2026"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert_govuk_page(client.get(response["Location"]), "Password changed")
    member.refresh_from_db()
    assert member.check_password(new)


def test_a_reset_for_an_unknown_address_does_not_invite_a_sign_up(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # the same answer as for a real account
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "there is no staff account for this address" in body
    assert "sign up" not in body.lower() and "/accounts/signup/" not in body


def test_a_used_reset_link(client):
    page = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"})
    )
    assert_govuk_page(page, "This link has expired or has already been used")


def test_change_password(client, member):
    html = assert_govuk_page(client.get(reverse("account_change_password")), "Change your password")
    assert "Signed in as" in html  # the manage layout's banner
    html = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    ).content.decode()
    assert '<a href="#id_oldpassword">Enter your current password correctly</a>' in html


def test_two_factor_overview(client, member):
    html = assert_govuk_page(client.get(reverse("mfa_index")), "Two-factor authentication")
    assert '<strong class="govuk-tag govuk-tag--green">Set up</strong>' in html
    assert "10 of 10 unused" in html
    assert reverse("mfa_deactivate_totp") in html


def test_turn_off_authenticator_app(client, member):
    html = assert_govuk_page(client.get(reverse("mfa_deactivate_totp")), "Turn off your authenticator app")
    assert "govuk-button--warning" in html


def test_recovery_codes_view_download_and_generate(client, member):
    html = assert_govuk_page(client.get(reverse("mfa_view_recovery_codes")), "Your recovery codes")
    codes = RecoveryCodes(member.authenticator_set.get(type="recovery_codes")).get_unused_codes()
    for code in codes:
        assert f"<li><code>{code}</code></li>" in html

    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download["Content-Type"].startswith("text/plain")
    text = download.content.decode()
    assert all(code in text for code in codes)

    html = assert_govuk_page(client.get(reverse("mfa_generate_recovery_codes")), "Make new recovery codes")
    assert "Your 10 unused codes will stop working." in html
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert urlsplit(response["Location"]).path == reverse("mfa_view_recovery_codes")
    new_codes = RecoveryCodes(member.authenticator_set.get(type="recovery_codes")).get_unused_codes()
    assert set(new_codes).isdisjoint(codes)


def test_confirm_it_is_you(client):
    user = staff_user(PartnershipFactory())
    client.force_login(user)

    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert urlsplit(response["Location"]).path in (
        reverse("account_reauthenticate"),
        reverse("mfa_reauthenticate"),
    )
    html = assert_govuk_page(client.get(response["Location"]), "Confirm it is you")
    assert "Other ways to confirm" in html

    password_page = client.get(reverse("account_reauthenticate"))
    html = assert_govuk_page(password_page, "Confirm it is you")
    html = client.post(reverse("account_reauthenticate"), {"password": "wrong"}).content.decode()
    assert '<a href="#id_password">Enter your password correctly</a>' in html

    code_page = client.get(reverse("mfa_reauthenticate"))
    assert_govuk_page(code_page, "Confirm it is you")
    response = client.post(reverse("mfa_reauthenticate"), {"code": fresh_totp_code(totp_secret(user))})
    assert response.status_code == 302


def test_sign_up_closed(client):
    assert_govuk_page(client.get(reverse("account_signup")), "You cannot create an account here")


def test_inactive_account(client):
    assert_govuk_page(client.get(reverse("account_inactive")), "Your account has been turned off")


def test_too_many_requests_page(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    client.post(reverse("account_reset_password"), {"email": "a@example.org"})
    response = client.post(reverse("account_reset_password"), {"email": "b@example.org"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "You have tried that too many times" in html
    assert 'class="govuk-template' in html
