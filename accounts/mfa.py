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
from django.shortcuts import redirect
from django.urls import reverse

MFA_METHOD = "mfa"


def mfa_required() -> bool:
    return getattr(settings, "S11_REQUIRE_MFA", not settings.DEBUG)


def user_has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_mfa(request) -> bool:
    """True if this session's sign-in (or a later confirmation) used the
    second factor of the user now signed in."""
    user = request.user
    if not user.is_authenticated:
        return False
    used = {
        record.get("id")
        for record in get_authentication_records(request, user)
        if record.get("method") == MFA_METHOD
    }
    # ...with an authenticator the user still has: once an admin resets it
    # (a lost phone), sessions that used the old one no longer count.
    return bool(used) and Authenticator.objects.filter(user=user, pk__in=used).exists()


def second_factor_redirect(request, next_url: str | None = None):
    """Where a signed-in person goes when a page needs the second factor and
    this session has not passed it, or None if it has (or none is needed):
    with no authenticator app, to set one up; with one, to enter its code.
    Both come back to `next_url` (this page). `next` is encoded so a query
    string of its own survives the trip."""
    if not mfa_required() or session_passed_mfa(request):
        return None
    name = "mfa_reauthenticate" if user_has_mfa(request.user) else "mfa_activate_totp"
    query = urlencode({"next": next_url or request.get_full_path()})
    return redirect(f"{reverse(name)}?{query}")
