"""Evidence requests as staff make and read them: asking a submitted return
for specific evidence (reviewers), and downloading what the agency sent
(anyone on the staff). The return is fetched through the partnership and the
file through the return: another partnership's, or another return's, is a
404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.middleware import partnership_reverse as _url
from partnerships.permissions import Perm
from partnerships.staff import staff_required
from themes.selectors import question_set_structure

from ... import policy
from ...access import submission_access
from ...forms.evaluation import EvidenceRequestForm
from ...selectors.evaluation import supplementary_evidence_get
from ...services.downloads import download_record, evidence_download_detail
from ...services.evidence_requests import evidence_request_create
from ..evidence import evidence_file_response


@staff_required(Perm.REVIEW)
@require_http_methods(["GET", "POST"])
def evidence_request_create_view(request, reference):
    submission = submission_access(partnership=request.partnership, reference=reference)
    may = policy.may_request_evidence(submission)
    review_url = _url(request, "staff_return_review", reference=submission.reference)
    if request.method == "POST" and not may:
        messages.error(request, may.why_not)
        return redirect(review_url)
    themes = question_set_structure(
        partnership=submission.partnership_id, question_set_id=submission.question_set_id
    ).themes
    form = EvidenceRequestForm(request.POST or None, submission=submission, themes=themes)
    if done := form_post(
        request,
        form,
        lambda data: evidence_request_create(
            submission=submission, data=form.request_data(), actor=request.staff_actor
        ),
        done=lambda ask: (
            f"Evidence requested from {submission.agency.name}, due {ask.due_on:%-d %B %Y}",
            review_url + "#evidence-requests",
        ),
    ):
        return done
    return render(
        request,
        "staff/review/evidence_request.html",
        {
            "submission": submission,
            "cycle": submission.cycle,
            "agency": submission.agency,
            "form": form,
            "may": bool(may),
            "why_not": may.why_not,
        },
    )


@staff_required(Perm.VIEW)
def supplementary_download(request, reference, token):
    submission = submission_access(partnership=request.partnership, reference=reference)
    item = supplementary_evidence_get(partnership=request.partnership, submission=submission, token=token)
    download_record(
        partnership=request.partnership,
        actor=request.staff_actor,
        what="supplementary_evidence",
        submission=submission,
        obj=item,
        detail=evidence_download_detail(item),
    )
    return evidence_file_response(item)
