"""The platform's own pages about staff accounts (/staff/platform/…): for
platform admins (superusers) only, in a session signed in with their second
factor. Anyone else gets a 404, as if there were no such page.

A person's account can belong to several partnerships, so no partnership
admin can reset its credentials; a platform admin can, with a reason, after
checking who they are dealing with. The person is emailed."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.mfa import second_factor_redirect
from core.domain import Actor
from core.views import form_post

from ..forms.members import AccountSearchForm, SecondFactorResetForm
from ..selectors import platform_account_get, platform_account_search
from ..services.members import platform_second_factor_reset


def platform_admin_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_superuser:
            raise Http404("No such page")
        second_factor = second_factor_redirect(request)
        if second_factor is not None:
            return second_factor
        return view(request, *args, **kwargs)

    return wrapper


@platform_admin_required
@require_http_methods(["GET"])
def account_list(request):
    form = AccountSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    return render(
        request,
        "staff/platform/accounts.html",
        {"form": form, "query": query, "accounts": platform_account_search(query=query)},
    )


@platform_admin_required
@require_http_methods(["GET", "POST"])
def account_second_factor_reset(request, user_id):
    account = platform_account_get(pk=user_id)
    form = SecondFactorResetForm(request.POST if request.method == "POST" else None)
    if done := form_post(
        request,
        form,
        lambda data: platform_second_factor_reset(
            user=account, reason=data["reason"], actor=Actor.for_user(request.user)
        ),
        done=lambda _: (
            f"The authenticator app of {account.email} has been reset and they have been emailed. "
            "They will set up a new one when they next sign in.",
            f"{reverse('platform_accounts')}?{urlencode({'q': account.email})}",
        ),
        error_field="reason",
    ):
        return done
    return render(request, "staff/platform/second_factor_reset.html", {"form": form, "account": account})
