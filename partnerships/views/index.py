from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from ..selectors import partnership_list_for_user
from ..staff import mfa_required, mfa_setup_redirect, user_has_mfa


@login_required
def staff_index(request):
    """Where staff land after signing in: their partnership's workspace, or a
    choice when they belong to several."""
    if mfa_required() and not user_has_mfa(request.user):
        return mfa_setup_redirect(request)
    partnerships = list(partnership_list_for_user(user=request.user))
    if len(partnerships) == 1:
        return redirect("staff_home", partnership_slug=partnerships[0].slug)
    return render(request, "staff/index.html", {"partnerships": partnerships})
