"""Platform admins' offboarding pages (/staff/platform/partnerships/…):
export everything a partnership holds, then delete it, confirming by typing
its name. Superusers with a second-factor session only; anyone else gets a
404 (partnerships.views.platform.platform_admin_required)."""

import tempfile

from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from core.domain import Actor
from core.views import form_post
from partnerships.models import Partnership
from partnerships.views.platform import platform_admin_required

from ..exports.offboarding import partnership_counts
from ..forms import PartnershipDeleteForm
from ..models import PartnershipDeletion
from ..services import partnership_delete, partnership_export


@platform_admin_required
@require_http_methods(["GET"])
def partnership_list(request):
    return render(
        request,
        "lifecycle/platform/partnerships.html",
        {
            "partnerships": Partnership.objects.order_by("name"),
            "deletions": PartnershipDeletion.objects.all()[:20],
        },
    )


@platform_admin_required
@require_http_methods(["POST"])
def partnership_export_download(request, slug):
    """POST (it writes the export to the partnership's audit log)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    target = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    partnership_export(partnership=partnership, actor=Actor.for_user(request.user), target=target)
    target.seek(0)
    stamp = timezone.localdate().isoformat()
    response = FileResponse(
        target, as_attachment=True, filename=f"{partnership.slug}-{stamp}.zip", content_type="application/zip"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@platform_admin_required
@require_http_methods(["GET", "POST"])
def partnership_offboard(request, slug):
    partnership = get_object_or_404(Partnership, slug=slug)
    form = PartnershipDeleteForm(request.POST or None)
    if done := form_post(
        request,
        form,
        lambda data: partnership_delete(
            partnership=partnership, confirm_name=data["name"], actor=Actor.for_user(request.user)
        ),
        done=lambda record: (
            f"{record.name} and everything it held have been deleted",
            reverse("platform_partnerships"),
        ),
        error_field="name",
    ):
        return done
    return render(
        request,
        "lifecycle/platform/offboard.html",
        {
            "subject": partnership,
            "form": form,
            "confirm_hint": f"Type {partnership.name}",
            "counts": sorted(partnership_counts(partnership).items()),
        },
    )
