"""Reads of a return's submitted PDF versions."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership

from ..models import Submission, SubmissionPdf


def submission_pdf_list(*, partnership: Partnership, submission: Submission) -> QuerySet[SubmissionPdf]:
    """The return's submitted versions, newest first (without their snapshots)."""
    return (
        SubmissionPdf.objects.filter(partnership=partnership, submission=submission)
        .defer("snapshot")
        .order_by("-version")
    )


def submission_pdf_get(*, partnership: Partnership, submission: Submission, version: int) -> SubmissionPdf:
    """One submitted version; 404 for another partnership's or return's."""
    return get_object_or_404(
        SubmissionPdf.objects.select_related("submission__agency"),
        partnership=partnership,
        submission=submission,
        version=version,
    )
