"""Staff accounts for tests: a user with a role in a partnership, signed in
on a test client with a TOTP authenticator, and a session that used it, so
the MFA gate lets them in."""

from urllib.parse import urlsplit

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from partnerships.models import StaffRole

from .factories import StaffMembershipFactory, UserFactory


def staff_user(
    partnership,
    role: str = StaffRole.REVIEWER,
    *,
    email: str | None = None,
    mfa: bool = True,
    localities=None,
    agency=None,
):
    """`localities`: a locality lead's (every locality of the partnership
    when not given); `agency`: a commissioner's."""
    user = UserFactory(**({"email": email} if email else {}))
    # Seen just now, as after signing in: the visit is written at most every
    # few minutes (partnerships.staff), so a test's first page does not carry
    # that write in its query count.
    membership = StaffMembershipFactory(
        user=user, partnership=partnership, role=role, last_seen_at=timezone.now(), agency=agency
    )
    if role == StaffRole.LOCALITY_LEAD:
        membership.localities.set(partnership.localities.all() if localities is None else localities)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


def sign_in(client, user, *, second_factor: bool = True) -> None:
    """Sign `user` in on `client` as allauth does after the password and,
    when they have an authenticator app and `second_factor`, its code: the
    session records both steps (accounts.mfa reads the second)."""
    client.force_login(user)
    request = RequestFactory().get("/")
    request.session, request.user = client.session, user
    record_authentication(request, user, "password", email=user.email)
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if second_factor and authenticator is not None:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()


def staff_client(client, partnership, role: str = StaffRole.REVIEWER, **kwargs):
    """The client, signed in as a new staff member of `partnership`."""
    user = staff_user(partnership, role, **kwargs)
    sign_in(client, user)
    client.user = user
    return client


def mfa_session(client, user=None):
    """Sign the client's person (or `user`) in again, this time with the
    second factor recorded in the session: a page that asked for a code
    then lets them in."""
    user = user or client.user
    sign_in(client, user)
    client.user = user
    return client


def staff_url(partnership, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"partnership_slug": partnership.slug, **kwargs})


def is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    return urlsplit(response["Location"]).path == reverse("account_login")
