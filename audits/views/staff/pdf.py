"""Staff: a return's submitted PDF versions, including those superseded
after the return was sent back for changes and submitted again. Reading them
writes nothing but the download record; a version not built yet is queued
(POST) and the page says it is being prepared."""

from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.domain import Actor
from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...access import submission_access
from ...selectors.pdf import submission_pdf_get, submission_pdf_list
from ...services.pdf import submission_pdf_prepare
from ..pdf import submission_pdf_current_missing, submission_pdf_download


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.VIEW)
def return_pdf_list(request, reference):
    submission = submission_access(partnership=request.partnership, reference=reference)
    if request.method == "POST":
        submission_pdf_prepare(submission=submission, actor=Actor.for_user(request.user))
        return redirect(request.path)
    versions = list(submission_pdf_list(partnership=submission.partnership, submission=submission))
    return render(
        request,
        "staff/return_pdf.html",
        {
            "submission": submission,
            "versions": versions,
            "current_missing": submission_pdf_current_missing(submission=submission, versions=versions),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@staff_required(Perm.VIEW)
def return_pdf_download(request, reference, version):
    submission = submission_access(partnership=request.partnership, reference=reference)
    record = submission_pdf_get(partnership=submission.partnership, submission=submission, version=version)
    return submission_pdf_download(
        request,
        record=record,
        actor=Actor.for_user(request.user),
        template="staff/return_pdf_preparing.html",
        context={"submission": submission},
    )
