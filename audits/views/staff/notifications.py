"""Each member's own choice of staff notifications in this partnership."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.middleware import partnership_reverse
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...forms.notifications import NotificationPreferencesForm
from ...selectors.notifications import notification_preferences_get
from ...services.notifications import staff_notification_preferences_save


@staff_required(Perm.VIEW)
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = notification_preferences_get(partnership=request.partnership, membership=request.membership)
    form = NotificationPreferencesForm(request.POST if request.method == "POST" else None, initial=current)
    if done := form_post(
        request,
        form,
        lambda data: staff_notification_preferences_save(
            membership=request.membership, choices=data, actor=request.staff_actor
        ),
        done=lambda _: (
            "Your email notifications have been saved.",
            partnership_reverse(request, "staff_notification_preferences"),
        ),
    ):
        return done
    return render(request, "staff/notifications/preferences.html", {"form": form})
