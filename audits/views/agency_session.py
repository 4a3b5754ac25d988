"""The agency contributor's session.

Following a resume link puts {link id, submission id} in the session; each
request re-reads the link, so a revoked or expired link stops working at
once. The session grants access to that one submission only.
"""

from dataclasses import dataclass
from functools import wraps

from django.shortcuts import redirect
from django.utils import timezone

from core.domain import Actor

from ..models import ResumeLink, Submission
from ..selectors import agency_link_get

SESSION_KEY = "s11_agency"


@dataclass
class AgencyAccess:
    link: ResumeLink
    submission: Submission

    @property
    def actor(self) -> Actor:
        return Actor(name=self.link.name, email=self.link.email)


def agency_session_start(request, link: ResumeLink) -> None:
    # A new session id for the new privilege: a fixated id gains nothing.
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "link_id": link.pk,
        "submission_id": link.submission_id,
        "partnership_id": link.partnership_id,
    }


def agency_session_end(request) -> None:
    request.session.pop(SESSION_KEY, None)


def agency_access_get(request) -> AgencyAccess | None:
    data = request.session.get(SESSION_KEY)
    partnership = getattr(request, "partnership", None)
    if not data or partnership is None or data.get("partnership_id") != partnership.pk:
        return None
    link = agency_link_get(partnership=partnership, link_id=data["link_id"])
    if link is None or link.submission_id != data["submission_id"]:
        return None
    if link.revoked_at is not None or timezone.now() >= link.expires_at:
        return None
    return AgencyAccess(link=link, submission=link.submission)


def agency_required(view):
    """The view gets `access`; without a valid session, the person is sent to
    the page that explains and offers a fresh link."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        access = agency_access_get(request)
        if access is None:
            agency_session_end(request)
            return redirect("link_invalid", partnership_slug=request.partnership.slug)
        return view(request, access, *args, **kwargs)

    return wrapper
