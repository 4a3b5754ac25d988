"""Staff: a return's submitted PDF versions, including those superseded
after the return was sent back for changes and submitted again."""

from django.shortcuts import render

from partnerships.permissions import Perm
from partnerships.staff import staff_required

from ...selectors.pdf import submission_pdf_get, submission_pdf_list
from ...selectors.staff import submission_get_by_reference
from ...services.pdf import submission_pdf_ensure
from ..pdf import pdf_file_response


@staff_required(Perm.VIEW)
def return_pdf_list(request, reference):
    submission = submission_get_by_reference(partnership=request.partnership, reference=reference)
    submission_pdf_ensure(submission=submission)
    versions = list(submission_pdf_list(partnership=request.partnership, submission=submission))
    return render(request, "staff/return_pdf.html", {"submission": submission, "versions": versions})


@staff_required(Perm.VIEW)
def return_pdf_download(request, reference, version):
    submission = submission_get_by_reference(partnership=request.partnership, reference=reference)
    submission_pdf_ensure(submission=submission)
    record = submission_pdf_get(partnership=request.partnership, submission=submission, version=version)
    return pdf_file_response(record)
