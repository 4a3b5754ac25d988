"""Guessing is throttled: five wrong passwords for one account within the
lockout window, or five wrong authenticator codes, and the next attempt is
refused even when it is right (counted in the cache: locmem in tests)."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, PartnershipFactory
from tests.staff import staff_user

from .helpers import MFA_URL, fresh_totp_code, is_signed_in, post_password, totp_secret, wrong_code

pytestmark = pytest.mark.django_db

LOCKED = "You have tried to sign in too many times. Wait 5 minutes, then try again."


def test_the_sixth_password_attempt_within_five_minutes_is_refused(client):
    user = staff_user(PartnershipFactory())

    for _ in range(5):
        html = post_password(client, user.email, "wrong password").content.decode()
        assert "Enter the email address and password for your staff account" in html
        assert LOCKED not in html

    response = post_password(client, user.email, DEFAULT_PASSWORD)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#id_login">{LOCKED}' in html
    assert not is_signed_in(client)
    assert reverse("mfa_authenticate") not in response.get("Location", "")


def test_the_lockout_is_per_account(client):
    partnership = PartnershipFactory()
    attacked, other = staff_user(partnership), staff_user(partnership)
    for _ in range(6):
        post_password(client, attacked.email, "wrong password")

    response = post_password(client, other.email)

    assert response.status_code == 302
    assert response["Location"] == MFA_URL


def test_the_lockout_ends_when_the_window_passes(client, settings):
    from django.core.cache import cache

    user = staff_user(PartnershipFactory())
    for _ in range(6):
        post_password(client, user.email, "wrong password")
    cache.clear()  # what five minutes of waiting does to the counters

    assert post_password(client, user.email)["Location"] == MFA_URL


def test_the_message_follows_the_configured_window(client, settings):
    settings.S11_LOGIN_LOCKOUT_MINUTES = 15
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "20/15m/ip,5/15m/key"}
    user = staff_user(PartnershipFactory())
    for _ in range(5):
        post_password(client, user.email, "wrong password")

    html = post_password(client, user.email).content.decode()

    assert "Wait 15 minutes, then try again." in html


def test_authenticator_codes_are_throttled_too(client):
    user = staff_user(PartnershipFactory())
    secret = totp_secret(user)
    post_password(client, user.email)

    for _ in range(5):
        html = client.post(MFA_URL, {"code": wrong_code(secret)}).content.decode()
        assert "The code is not correct" in html

    response = client.post(MFA_URL, {"code": fresh_totp_code(secret)})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#id_code">{LOCKED}' in html
    assert '<p id="id_code-error" class="govuk-error-message">' in html
    assert not is_signed_in(client)


def test_a_right_code_clears_the_count_of_wrong_ones(client):
    user = staff_user(PartnershipFactory())
    secret = totp_secret(user)
    post_password(client, user.email)
    for _ in range(4):
        client.post(MFA_URL, {"code": wrong_code(secret)})

    client.post(MFA_URL, {"code": fresh_totp_code(secret)})

    assert is_signed_in(client)
