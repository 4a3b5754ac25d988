"""The agency's response to a confirmed evaluation: a challenge of one
theme's moderated rating, or of the evaluation as a whole, as a message
thread between the agency and the partnership (Surrey gives agencies time
"to challenge findings").

A challenge is open while it waits for the partnership, answered once the
partnership has replied (the agency may write again, which opens it again),
and resolved when the partnership gives its final word: for a theme, the
moderated rating kept or changed, always with a reason. Nothing here is
written to the agency's submitted rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from partnerships.models import Partnership
from themes.models import Theme

from . import Rag, Submission

__all__ = ["Challenge", "ChallengeMessage", "ChallengeStatus"]


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    RESOLVED = "resolved", "Resolved"


class Challenge(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="challenges")
    # None: the evaluation as a whole.
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The return's version whose evaluation is challenged.
    submission_version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)
    opened_at = models.DateTimeField()
    opened_by_name = models.CharField(max_length=200)
    opened_by_email = models.EmailField()
    # The partnership's final word.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_by_name = models.CharField(max_length=200, blank=True)
    resolution_reason = models.TextField(blank=True)
    rating_changed = models.BooleanField(default=False)
    rag_before = models.CharField(max_length=10, blank=True)
    rag_after = models.CharField(max_length=10, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["opened_at", "id"]
        indexes = [models.Index(fields=["submission", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChallengeStatus.values), name="challenge_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | (Q(resolved_at__isnull=False) & ~Q(resolution_reason="")),
                name="challenge_resolved_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rag_before__in=["", *Rag.values]) & Q(rag_after__in=["", *Rag.values]),
                name="challenge_rags_valid",
            ),
            models.CheckConstraint(
                condition=Q(rating_changed=False) | (Q(theme__isnull=False) & ~Q(rag_after="")),
                name="challenge_changed_rating_named",
            ),
        ]

    def __str__(self):
        return f"Challenge {self.pk} of {self.submission_id}"

    @property
    def is_resolved(self) -> bool:
        return self.status == ChallengeStatus.RESOLVED

    @property
    def subject(self) -> str:
        return self.theme.title if self.theme_id else "The evaluation as a whole"


class ChallengeMessage(models.Model):
    """One message of a challenge's thread, from the agency or from the
    partnership; never changed once written."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="messages")
    from_agency = models.BooleanField()
    author_name = models.CharField(max_length=200)
    author_email = models.EmailField(blank=True)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{'Agency' if self.from_agency else 'Partnership'} message on challenge {self.challenge_id}"
