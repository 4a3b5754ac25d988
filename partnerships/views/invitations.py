"""Accepting an invitation to a partnership's staff: /staff/invitations/<token>/.

Outside any partnership's address, because the person is not yet a member.
They must be signed in as the account with the invited email address, in a
session signed in with their second factor (asked for again if not): the
invitation joins an account to a partnership, so it must be its owner who
accepts. Any other link (wrong, used, withdrawn, someone else's) is a 404,
the same for each. GET shows the invitation; POST accepts it."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.mfa import second_factor_redirect
from core.views import form_post

from ..forms.members import InvitationAcceptForm
from ..selectors import staff_invitation_for_token
from ..services.members import staff_invitation_accept


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    second_factor = second_factor_redirect(request)
    if second_factor is not None:
        return second_factor
    invitation = staff_invitation_for_token(token=token, user=user)
    if invitation is None:
        raise Http404("No such invitation")
    data = request.POST if request.method == "POST" else None
    form = InvitationAcceptForm(data, initial={"display_name": invitation.full_name})
    if done := form_post(
        request,
        form,
        lambda data: staff_invitation_accept(
            invitation=invitation, user=user, display_name=data["display_name"]
        ),
        done=lambda membership: (
            f"You have joined {invitation.partnership.name}'s staff as {membership.get_role_display()}",
            reverse("staff_home", kwargs={"partnership_slug": invitation.partnership.slug}),
        ),
    ):
        return done
    return render(
        request,
        "staff/invitation_accept.html",
        {"form": form, "invitation": invitation, "expired": invitation.expires_at <= timezone.now()},
    )
