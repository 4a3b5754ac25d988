"""Staff pages for a partnership's data: the retention policy with a dry run
of what the daily job would remove, and the subject-access export."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from .. import selectors
from ..forms import RetentionPolicyForm, SubjectAccessForm
from ..services import retention_policy_save, subject_access_export


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.MANAGE)
def retention(request):
    policy = selectors.retention_policy_get(partnership=request.partnership)
    initial = {"years": policy.years, "keep_submitted_pdfs": "yes" if policy.keep_submitted_pdfs else "no"}
    form = RetentionPolicyForm(request.POST or None, initial=initial)
    if done := form_post(
        request,
        form,
        lambda data: retention_policy_save(
            partnership=request.partnership,
            years=data["years"],
            keep_submitted_pdfs=data["keep_submitted_pdfs"],
            actor=request.staff_actor,
        ),
        done=lambda _: ("Retention period saved", _url(request, "staff_data")),
    ):
        return done
    return render(
        request,
        "lifecycle/staff/data.html",
        {
            "form": form,
            "policy": policy,
            "previews": selectors.retention_preview(partnership=request.partnership),
            "anonymised": list(selectors.cycles_anonymised(partnership=request.partnership)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.MANAGE)
def subject_access(request):
    """A form (the email is posted, never put in a URL); a valid POST answers
    with the ZIP."""
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        content = subject_access_export(
            partnership=request.partnership, email=email, actor=request.staff_actor
        )
        stamp = timezone.localdate().isoformat()
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = content_disposition_header(
            True, f"subject-access-{request.partnership.slug}-{stamp}.zip"
        )
        patch_cache_control(response, private=True, no_store=True)
        return response
    return render(request, "lifecycle/staff/subject_access.html", {"form": form})
