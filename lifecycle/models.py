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
