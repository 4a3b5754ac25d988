"""Whether a second factor is needed, and whether THIS SESSION passed one.

Having an authenticator app is not enough: a session is a staff session only
if it signed in with the second factor (or set the app up, or confirmed a
code since). allauth keeps a record of each way a session authenticated
(`allauth.account.authentication.get_authentication_records`: "password",
"mfa", …); an "mfa" record is what the staff pages (partnerships.staff) and
the Django admin (accounts.admin_site) ask for.
"""

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Exists
from django.shortcuts import redirect
from django.urls import reverse

MFA_METHOD = "mfa"


def mfa_required() -> bool:
    return getattr(settings, "S11_REQUIRE_MFA", not settings.DEBUG)


def user_has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_mfa_ids(request) -> set:
    """The authenticators this session's sign-in (or a later confirmation)
    used: allauth's records, read from the session, no query."""
    user = request.user
    if not user.is_authenticated:
        return set()
    return {
        record.get("id")
        for record in get_authentication_records(request, user)
        if record.get("method") == MFA_METHOD
    }


def authenticator_still_held(*, user, ids) -> Exists:
    """Whether `user` still has one of the authenticators `ids`: once an
    admin resets it (a lost phone), sessions that used the old one no longer
    count. An expression, so that a page's own query can carry it (the staff
    pages' membership query, partnerships.staff) instead of a query of its
    own on every request."""
    return Exists(Authenticator.objects.filter(user=user, pk__in=ids))


def session_passed_mfa(request) -> bool:
    """True if this session's sign-in (or a later confirmation) used the
    second factor of the user now signed in."""
    used = session_mfa_ids(request)
    if not used:
        return False
    return Authenticator.objects.filter(user=request.user, pk__in=used).exists()


def second_factor_redirect(request, next_url: str | None = None, *, passed: bool | None = None):
    """Where a signed-in person goes when a page needs the second factor and
    this session has not passed it, or None if it has (or none is needed):
    with no authenticator app, to set one up; with one, to enter its code.
    Both come back to `next_url` (this page). `next` is encoded so a query
    string of its own survives the trip. `passed`: session_passed_mfa's
    answer when the caller already has it."""
    if not mfa_required() or (session_passed_mfa(request) if passed is None else passed):
        return None
    name = "mfa_reauthenticate" if user_has_mfa(request.user) else "mfa_activate_totp"
    query = urlencode({"next": next_url or request.get_full_path()})
    return redirect(f"{reverse(name)}?{query}")
