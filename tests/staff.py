"""Staff accounts for tests: a user with a role in a partnership, signed in
on a test client, with a TOTP authenticator so the MFA gate lets them in."""

from urllib.parse import urlsplit

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from partnerships.models import StaffRole

from .factories import StaffMembershipFactory, UserFactory


def staff_user(partnership, role: str = StaffRole.REVIEWER, *, email: str | None = None, mfa: bool = True):
    user = UserFactory(**({"email": email} if email else {}))
    StaffMembershipFactory(user=user, partnership=partnership, role=role)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def staff_client(client, partnership, role: str = StaffRole.REVIEWER, **kwargs):
    """The client, signed in as a new staff member of `partnership`."""
    user = staff_user(partnership, role, **kwargs)
    client.force_login(user)
    client.user = user
    return client


def staff_url(partnership, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"partnership_slug": partnership.slug, **kwargs})


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path == reverse("account_login")
