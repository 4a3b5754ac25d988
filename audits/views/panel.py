"""The pages of a meeting's panel member from outside the partnership (an
independent chair, a scrutineer): no account, an emailed link. They read
that meeting and its returns (each one's summary, moderation and action
plan), read-only, until PANEL_ACCESS_DAYS after the meeting ends; nothing
else. Every request re-reads their row, so a revoked link, a cancelled
meeting or the end of their time stops it at once, with a page that says so.
"""

from functools import wraps

from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.client_ip import client_ip
from core.views import form_post

from ..forms.meetings import PanelLinkRequestForm
from ..selectors import meetings as selectors
from ..services import meetings as services

SESSION_KEY = "s11_panel"

ENDED = {
    "expired": "Your access to this meeting’s returns has ended",
    "revoked": "Your access to this meeting’s returns has been withdrawn",
    "cancelled": "This meeting has been cancelled",
    "invalid": "This link has expired or is not valid",
}


def _ended(request, reason: str, member=None):
    return render(
        request,
        "audits/panel/ended.html",
        {"reason": reason, "title": ENDED[reason], "member": member},
        status=403 if reason != "invalid" else 404,
    )


def panel_member_required(view):
    """The view gets the signed-in outsider, whose access holds now; no
    session: the 'get a new link' page; access over: the page saying why."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        data = request.session.get(SESSION_KEY) or {}
        if data.get("partnership_id") != request.partnership.pk:
            return redirect("panel_link_request", partnership_slug=request.partnership.slug)
        member = selectors.panel_member_session_get(partnership=request.partnership, pk=data.get("member_id"))
        if member is None:
            request.session.pop(SESSION_KEY, None)
            return redirect("panel_link_request", partnership_slug=request.partnership.slug)
        reason = member.access_refused(timezone.now())
        if reason:
            return _ended(request, reason, member)
        response = view(request, member, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


def sign_in(request, token):
    """Follow the emailed link: start the session and leave the
    token-bearing URL at once (no token in history or a Referer)."""
    member, reason = services.panel_link_resolve(partnership=request.partnership, token=token)
    if reason:
        response = _ended(request, reason, member)
    else:
        request.session.cycle_key()
        request.session[SESSION_KEY] = {"member_id": member.pk, "partnership_id": request.partnership.pk}
        response = HttpResponseRedirect(
            reverse("panel_meeting", kwargs={"partnership_slug": request.partnership.slug})
        )
    response["Referrer-Policy"] = "no-referrer"
    return response


@panel_member_required
def meeting(request, member):
    return render(
        request,
        "audits/panel/meeting.html",
        {
            "member": member,
            "meeting": member.meeting,
            "access_until": member.access_until(),
            "returns": selectors.panel_meeting_returns(partnership=request.partnership, member=member),
        },
    )


@panel_member_required
def return_detail(request, member, reference):
    brief = selectors.panel_return_brief(partnership=request.partnership, member=member, reference=reference)
    return render(
        request,
        "audits/panel/return.html",
        {"member": member, "meeting": member.meeting, "brief": brief, "access_until": member.access_until()},
    )


@require_http_methods(["GET", "POST"])
def link_request(request):
    form = PanelLinkRequestForm(request.POST or None)
    if done := form_post(
        request,
        form,
        lambda data: services.panel_link_request(
            partnership=request.partnership, email=data["email"], ip=client_ip(request)
        ),
        done=lambda _: (
            "",
            reverse("panel_link_sent", kwargs={"partnership_slug": request.partnership.slug}),
        ),
        error_field="email",
    ):
        return done
    return render(request, "audits/panel/link_request.html", {"form": form})


def link_sent(request):
    return render(request, "audits/panel/link_sent.html")


@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("panel_link_request", partnership_slug=request.partnership.slug)
