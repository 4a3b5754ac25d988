"""The one allauth view we extend: setting up an authenticator app returns
the person to the page that sent them there.

The staff gate (partnerships.staff) sends a signed-in member of staff with no
authenticator to `mfa_activate_totp?next=<the page they asked for>`. allauth
then shows the new recovery codes (or the two-factor page) and forgets where
they were going; here the `next` travels on to the recovery codes page, whose
"Continue" button goes there.
"""

from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.views import ActivateTOTPView as AllauthActivateTOTPView
from django.urls import reverse

from core.views import NEXT_FIELD, safe_next_url


class ActivateTOTPView(AllauthActivateTOTPView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_url"] = safe_next_url(self.request)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        # The code just entered proves this session holds the new app: it
        # counts as this session's second factor (accounts.mfa).
        user = self.request.user
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        record_authentication(self.request, user, "mfa", id=authenticator.pk, type=authenticator.type)
        return response

    def get_success_url(self) -> str:
        next_url = safe_next_url(self.request)
        if self.did_generate_recovery_codes:
            url = reverse("mfa_view_recovery_codes")
            return f"{url}?{urlencode({NEXT_FIELD: next_url})}" if next_url else url
        return next_url or reverse("mfa_index")


activate_totp = ActivateTOTPView.as_view()
