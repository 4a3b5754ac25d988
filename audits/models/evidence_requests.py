"""Evidence the partnership asks for after a return is submitted, and what
the agency sends in answer, without unlocking the return (Pan-Lancashire FAQ
7: supporting information "should this be requested when the submission is
being evaluated").

The submitted answers, ratings, comments and evidence stay locked (the
database refuses changes to them); what the agency sends is supplementary
evidence, kept beside them with when and by whom, and listed in a new version
of the submitted PDF.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from partnerships.models import Partnership
from themes.models import Theme

from . import Submission

__all__ = ["EvidenceRequest", "SupplementaryEvidence"]


class EvidenceRequest(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence_requests")
    themes = models.ManyToManyField(Theme, related_name="+")
    what = models.TextField("Evidence asked for")
    # The agency answers by the end of this UK day.
    due_on = models.DateField("Due date")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(max_length=200, blank=True)
    # When the agency first sent evidence in answer (reminders stop then).
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self):
        return f"Evidence request {self.pk} of {self.submission_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


def supplementary_upload_to(instance, filename):
    # As for evidence: the stored name is a token with the detected type's
    # extension, never the uploader's filename.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    name = f"{instance.token}.{extension}" if extension.isalnum() and len(extension) <= 5 else instance.token
    return f"supplementary-evidence/{instance.partnership_id}/{instance.submission_id}/{name}"


class SupplementaryEvidence(models.Model):
    """A file or a link the agency sent in answer to an evidence request,
    for one of the themes asked about. Never changed once sent."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="supplementary_evidence"
    )
    request = models.ForeignKey(EvidenceRequest, on_delete=models.CASCADE, related_name="items")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    token = models.CharField(max_length=32, unique=True)
    url = models.URLField(max_length=1000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=supplementary_upload_to, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True)
    added_by_name = models.CharField(max_length=200, blank=True)
    added_by_email = models.EmailField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "supplementary evidence"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(file="")) | (Q(kind="link") & ~Q(url="")),
                name="supplementary_evidence_file_or_link",
            ),
        ]

    def __str__(self):
        return self.original_name or self.title or self.url
