from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from accounts.mfa import second_factor_redirect

from ..selectors import partnership_list_for_user, staff_invitation_list_for_user


@login_required
def staff_index(request):
    """Where staff land after signing in: their partnership's workspace, or a
    choice when they belong to several or have invitations to accept."""
    second_factor = second_factor_redirect(request)
    if second_factor is not None:
        return second_factor
    partnerships = list(partnership_list_for_user(user=request.user))
    invitations = staff_invitation_list_for_user(user=request.user)
    if len(partnerships) == 1 and not invitations:
        return redirect("staff_home", partnership_slug=partnerships[0].slug)
    return render(request, "staff/index.html", {"partnerships": partnerships, "invitations": invitations})
