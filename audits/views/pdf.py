"""PDF downloads outside the staff workspace: the agency's copies of its
return (through its session) and each cycle's public reference sheets."""

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods

from ..access import cycle_access
from ..exports.pdf import REFERENCE_SHEETS, reference_sheet_filename, submission_pdf_filename
from ..selectors.pdf import submission_pdf_get, submission_pdf_list
from ..selectors.public import cycle_public_question_set_get
from ..services.downloads import download_record
from ..services.pdf import (
    reference_sheet_get,
    submission_draft_pdf,
    submission_pdf_download_record,
    submission_pdf_prepare,
    submission_pdf_ready,
)
from .agency_session import agency_required


def submission_pdf_current_missing(*, submission, versions) -> bool:
    """A locked return whose current submission has no version recorded (it
    was submitted before PDFs were kept): the page offers to prepare one."""
    return submission.is_locked and not any(v.submission_version == submission.version for v in versions)


def submission_pdf_download(request, *, record, actor, template: str, context: dict):
    """GET: the stored version, with the download on the audit log (the one
    thing a GET writes); or, if it is not built yet, a page that says so.
    POST (the button on that page): queue its build, then back to the GET.
    The PDF is never built in the request that asks for it."""
    if request.method == "POST":
        submission_pdf_prepare(submission=record.submission, actor=actor)
        return redirect(request.path)
    if not submission_pdf_ready(record):
        response = render(request, template, {**context, "record": record})
        patch_cache_control(response, private=True, no_store=True)
        return response
    submission_pdf_download_record(record=record, actor=actor)
    return pdf_file_response(record)


def pdf_file_response(record) -> FileResponse:
    """A stored, built version as an attachment."""
    submission = record.submission
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=submission_pdf_filename(
            reference=submission.reference, agency_name=submission.agency.name, version=record.version
        ),
        content_type="application/pdf",
    )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Content-SHA256"] = record.sha256
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@agency_required
def return_pdf(request, access):
    """The agency's copies: each submitted version, or the draft."""
    submission = access.submission
    if request.method == "POST":
        submission_pdf_prepare(submission=submission, actor=access.actor)
        return redirect("return_pdf", partnership_slug=request.partnership.slug)
    versions = list(submission_pdf_list(partnership=request.partnership, submission=submission))
    return render(
        request,
        "audits/return_pdf.html",
        {
            "access": access,
            "submission": submission,
            "agency": submission.agency,
            "versions": versions,
            "current_missing": submission_pdf_current_missing(submission=submission, versions=versions),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@agency_required
def return_pdf_download(request, access, version):
    record = submission_pdf_get(
        partnership=request.partnership, submission=access.submission, version=version
    )
    return submission_pdf_download(
        request,
        record=record,
        actor=access.actor,
        template="audits/return_pdf_preparing.html",
        context={"access": access, "submission": access.submission, "agency": access.submission.agency},
    )


@agency_required
def return_pdf_draft(request, access):
    submission = access.submission
    if submission.is_locked:
        return redirect("return_pdf", partnership_slug=request.partnership.slug)
    content = submission_draft_pdf(submission=submission)
    download_record(
        partnership=request.partnership,
        actor=access.actor,
        what="draft_pdf",
        submission=submission,
        detail={"edit": submission.version},
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = submission_pdf_filename(reference=submission.reference, agency_name=submission.agency.name)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    patch_cache_control(response, private=True, no_store=True)
    return response


@cache_control(public=True, max_age=300)
def reference_sheet(request, cycle_slug, kind):
    if kind not in REFERENCE_SHEETS:  # the URLconf only routes known kinds
        raise ValueError(kind)
    cycle = cycle_access(partnership=request.partnership, slug=cycle_slug)
    cycle.partnership = request.partnership
    # ?set=<id>: the sheet of another set the cycle gives some of its agencies.
    raw = request.GET.get("set")
    if raw is not None and not raw.isdigit():
        raise Http404("No such question set in this cycle")
    entry = cycle_public_question_set_get(
        partnership=request.partnership, cycle=cycle, question_set_id=int(raw) if raw else None
    )
    name = reference_sheet_get(
        cycle=cycle,
        kind=kind,
        question_set=entry.question_set,
        for_words="" if entry.is_for_everyone else entry.for_words,
    )
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=reference_sheet_filename(kind=kind, cycle=cycle, question_set=entry.question_set),
        content_type="application/pdf",
    )
