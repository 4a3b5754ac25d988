"""The agency's copy of a submitted return as a PDF.

Each time a return is submitted it gets a new row, numbered 1, 2, … (a return
sent back for changes and submitted again is version 2), and so does each
thing that comes later while it stays locked (a message about the
evaluation, an evidence request, supplementary evidence): the new version is
what was submitted plus a list of what came later and when. The row keeps a
snapshot of exactly what was submitted, taken in the submitting transaction,
so the PDF of a version can always be built again from the data it was
submitted with, whatever happens to the return afterwards.
"""

from django.db import models

from partnerships.models import Partnership

from . import Submission

__all__ = ["SubmissionPdf"]


def submission_pdf_upload_to(instance, filename):
    # A fixed name per version: building twice overwrites rather than adding
    # a second file. The readable name is only sent in Content-Disposition.
    return f"submission-pdfs/{instance.partnership_id}/{instance.submission_id}/v{instance.version}.pdf"


class SubmissionPdf(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="pdfs")
    version = models.PositiveIntegerField(help_text="1 for the first submission, 2 for the next, …")
    submission_version = models.PositiveIntegerField(
        help_text="The submission's edit counter when it was submitted."
    )
    # How many things came after submission (challenge messages, evidence
    # requests and supplementary evidence) this version lists: each one
    # makes a new version of the same submitted return.
    later_count = models.PositiveIntegerField(default=0)
    snapshot = models.JSONField(help_text="What was submitted, as the PDF shows it.")
    file = models.FileField(upload_to=submission_pdf_upload_to, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["submission_id", "version"]
        verbose_name = "submission PDF"
        constraints = [
            models.UniqueConstraint(fields=["submission", "version"], name="submission_pdf_unique_version"),
            models.UniqueConstraint(
                fields=["submission", "submission_version", "later_count"],
                name="submission_pdf_unique_submit",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="submission_pdf_version_positive"
            ),
        ]

    def __str__(self):
        return f"PDF of {self.submission_id} v{self.version}"

    @property
    def is_built(self) -> bool:
        return bool(self.file) and bool(self.sha256)
