"""allauth adapters: GOV.UK wording for allauth's own error messages, and
sign-up closed (staff accounts are made by partnership and platform admins)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings


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

    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUPS", False)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not correct. Enter the code your authenticator app shows now",
    }
