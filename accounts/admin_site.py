"""The Django admin (/django-admin/, platform admins) behind the same sign-in
as every staff page.

Django's own admin login form takes a password alone and has no lockout.
Here the admin has no login form of its own: its login URL sends the person
to allauth's sign-in (password, then the authenticator code, with allauth's
throttling) and back. And having `is_staff` is not enough: the session must
have passed the second factor (accounts.mfa), so a session that signed in
some other way cannot use the admin either.
"""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .mfa import mfa_required, second_factor_redirect, session_passed_mfa
from .views import safe_next_url


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        return super().has_permission(request) and (not mfa_required() or session_passed_mfa(request))

    def login(self, request, extra_context=None):
        next_url = safe_next_url(request) or reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(next_url)
        second_factor = second_factor_redirect(request, next_url)
        if second_factor is not None:
            return second_factor
        # Signed in with a second factor, but not a platform admin.
        raise PermissionDenied("Only platform admins can use the Django admin.")
