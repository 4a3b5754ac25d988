"""An organisation member's session.

A member is a person (an email address) with memberships in one or more
organisations. They are signed in either by following an emailed sign-in
link, which puts the link's id in the session (each request re-reads the
link, so an expired or revoked one stops working at once), or with an
allauth account of the same address (with its second factor, if it has one).
Memberships are read on every request: a removed member loses the
organisation from their next request.

Opening a return hands over to the agency session (audits.views.agency_session)
with a resume link made for the member (organisations.services
.organisation_return_open), so the agency journey and its one access layer
serve them as any contributor.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from .models import OrganisationMembership, OrganisationSignInLink

SESSION_KEY = "s11_organisation"


def organisation_session_start(request, link: OrganisationSignInLink) -> None:
    # A new session id for the new privilege: a fixated id gains nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {"link_id": link.pk}


def organisation_session_end(request) -> None:
    request.session.pop(SESSION_KEY, None)


def member_email(request) -> str | None:
    """Whose organisations this request may see: the signed-in account's
    address, else the address of the session's usable sign-in link."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.email.lower()
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    link = OrganisationSignInLink.objects.filter(pk=data.get("link_id")).first()
    if link is None or not link.is_usable(timezone.now()):
        return None
    return link.email


def member_required(*, admin: bool = False):
    """The view gets the person's membership of the URL's organisation.
    Not signed in: the sign-in page. Signed in but not a member of it: 404,
    as if it did not exist. A member where an admin is needed: 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, organisation_id, *args, **kwargs):
            email = member_email(request)
            if email is None:
                organisation_session_end(request)
                return redirect("organisation_sign_in")
            membership = (
                OrganisationMembership.objects.select_related("organisation")
                .filter(organisation_id=organisation_id, email=email)
                .first()
            )
            if membership is None:
                raise Http404("No such organisation")
            if admin and not membership.is_admin:
                raise PermissionDenied("Only the organisation’s admins can do this.")
            return view(request, membership, *args, **kwargs)

        wrapper.organisation_admin = admin
        return wrapper

    return decorator
