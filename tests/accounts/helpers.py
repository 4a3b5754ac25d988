"""Signing in as staff in tests, the way a person does: email and password,
then the code their authenticator app shows (computed here from the secret
with allauth's own TOTP functions)."""

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

LOGIN_URL = reverse("account_login")
MFA_URL = reverse("mfa_authenticate")


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` at time `at` (now)."""
    counter = int(at if at is not None else time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def fresh_totp_code(secret: str) -> str:
    """As totp_code, but never one about to expire: a code read in the last
    two seconds of its period could be stale by the time it is checked."""
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2.1)
    return totp_code(secret)


def wrong_code(secret: str) -> str:
    """A 6-digit code that no app would show for `secret` around now."""
    now = time.time()
    near = {totp_code(secret, at=now + step * mfa_settings.TOTP_PERIOD) for step in (-2, -1, 0, 1, 2)}
    candidate = 0
    while format_hotp_value(candidate) in near:
        candidate += 1
    return format_hotp_value(candidate)


def totp_secret(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def post_password(client, email: str, password: str = DEFAULT_PASSWORD, *, next_url: str | None = None):
    data = {"login": email, "password": password}
    url = LOGIN_URL
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session
