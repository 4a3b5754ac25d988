"""The data lifecycle of a partnership (UK GDPR): how long personal data
about agencies' contributors is kept after a cycle closes, and which cycles
have been anonymised."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from audits.models import AuditCycle
from partnerships.models import Partnership

DEFAULT_RETENTION_YEARS = 6


class RetentionPolicy(models.Model):
    """A partnership's choice; a partnership without a row has the default."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="retention_policy")
    years = models.PositiveSmallIntegerField(
        default=DEFAULT_RETENTION_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Years after a cycle closes before its contributors' personal data is anonymised.",
    )
    keep_submitted_pdfs = models.BooleanField(
        default=True,
        help_text="Keep the submitted copies (PDFs) of returns when a cycle is anonymised. They name "
        "who signed the return off.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "retention policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(years__gte=1, years__lte=50), name="retention_policy_years_range"
            ),
        ]

    def __str__(self):
        return f"{self.partnership}: {self.years} years"


class CycleAnonymisation(models.Model):
    """A cycle whose personal data the retention job has removed, and what
    it removed (the same counts are on the audit log)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(AuditCycle, on_delete=models.CASCADE, related_name="anonymisation")
    anonymised_at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    def __str__(self):
        return f"{self.cycle} anonymised {self.anonymised_at:%Y-%m-%d}"


class PartnershipDeletion(models.Model):
    """What is left of a partnership deleted by a platform admin: the record
    that it was, who deleted it, when, and how much went. No foreign key to
    it (it is gone) and nothing personal about its agencies."""

    partnership_pk = models.PositiveBigIntegerField()
    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=60)
    deleted_at = models.DateTimeField()
    deleted_by_email = models.EmailField()
    exported_at = models.DateTimeField(help_text="When the export taken before the deletion was made.")
    counts = models.JSONField(default=dict, help_text="Rows deleted, by model.")
    files = models.PositiveIntegerField(default=0, help_text="Files deleted from private storage.")

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"{self.name} deleted {self.deleted_at:%Y-%m-%d}"
