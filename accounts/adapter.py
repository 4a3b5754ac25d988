"""allauth adapters: GOV.UK wording for allauth's own error messages,
sign-up closed (staff accounts are made by partnership and platform admins),
and allauth's emails sent through the outbox (accounts/emails.py)."""

import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

from core.client_ip import client_ip

from .emails import account_email_queue, password_reset_email_queue


def _lockout_message() -> str:
    minutes = getattr(settings, "S11_LOGIN_LOCKOUT_MINUTES", 5)
    return (
        "You have tried to sign in too many times. "
        f"Wait {minutes} minutes, then try again. "
        "If you have forgotten your password, reset it."
    )


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": "Enter the email address and password for your staff account",
        "enter_current_password": "Enter your current password correctly",
        "incorrect_password": "Enter your password correctly",
        "invalid_login": "Enter the email address and password for your staff account",
        "invalid_password_reset": "The link to reset your password is not valid or has expired",
        "rate_limited": "You have sent too many requests. Wait a few minutes, then try again",
    }

    def __init__(self, request=None):
        super().__init__(request)
        # Built here rather than in the class so a test can change the setting.
        self.error_messages = {**self.error_messages, "too_many_login_attempts": _lockout_message()}

    def get_client_ip(self, request) -> str:
        # The same client address as our own rate limits (TRUSTED_PROXY_COUNT).
        ip = client_ip(request)
        if not ip:
            return super().get_client_ip(request)  # allauth refuses the request
        return ip

    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False)

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        # The context carries the reset key; the outbox row keeps only the
        # user's id, and a key is made when the email is sent.
        password_reset_email_queue(user=user, email=email)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        account_email_queue(template_prefix=template_prefix, email=email, context=context)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again before any authenticator
        change, and counts only a "Confirm it is you" entry, never the sign-in
        itself. So a new member of staff, sent from signing in straight to
        setting up their first authenticator app, typed their password twice
        within a minute. A password sign-in in the last few minutes is proof
        enough for that first set-up (the app, then its recovery codes); a
        member who had an app before signing in still confirms every change."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not (app == "allauth.mfa" and _first_authenticator_after_fresh_sign_in(self.request))


def _first_authenticator_after_fresh_sign_in(request) -> bool:
    """Signed in with the password within allauth's re-authentication window,
    and had no authenticator before that sign-in (the app and recovery codes
    set up since are part of the same first set-up)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    signed_in_at = max(
        (
            record.get("at", 0)
            for record in get_authentication_records(request, user)
            if record.get("method") == "password"
        ),
        default=0,
    )
    if time.time() - signed_in_at >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    before = datetime.fromtimestamp(signed_in_at, tz=UTC)
    return not Authenticator.objects.filter(user=user, created_at__lt=before).exists()


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not correct. Enter the code your authenticator app shows now",
    }
