"""Action plans: what an agency will do about each Amber or Red theme, and
how it is getting on.

An action item belongs to a submission and one of its themes. While the
return can be edited the items can be added, changed and removed; once it is
submitted the items it was submitted with (created before `submitted_at`)
are part of the record and change only through progress updates (their
status), and new items may still be added (`added_after_submit`). Progress updates are append-only, so the
history of each item is kept (and, on PostgreSQL, the database holds both
rules: see the actions migration).
"""

from django.db import models
from django.utils import timezone

from partnerships.models import Partnership
from themes.models import Theme

__all__ = ["ActionItem", "ActionStatus", "ActionUpdate", "ActionUpdateRequest"]


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class ActionItem(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey("audits.Submission", on_delete=models.CASCADE, related_name="action_items")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    action = models.TextField()
    lead_person = models.CharField(max_length=200)
    target_date = models.DateField()
    success_criteria = models.TextField()
    expected_outcome = models.TextField(blank=True)
    impact_measure = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    created_at = models.DateTimeField(default=timezone.now)
    created_by_name = models.CharField(max_length=200, blank=True)
    created_by_email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["submission", "theme"])]
        constraints = [
            models.UniqueConstraint(fields=["id", "partnership"], name="action_item_id_partnership"),
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="action_item_status_valid"
            ),
        ]

    def __str__(self):
        return self.action[:80]

    def is_overdue(self, today=None) -> bool:
        """Not done and past its target date, by the date in the UK."""
        today = today or timezone.localdate()
        return self.status != ActionStatus.DONE and self.target_date < today

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def added_after_submit(self) -> bool:
        """Added after the return was (last) submitted, so not part of what
        was signed off. Read the item with its submission."""
        submitted_at = self.submission.submitted_at
        return submitted_at is not None and self.created_at > submitted_at


class ActionUpdate(models.Model):
    """One progress update on an action item. Append-only."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="updates")
    progress = models.TextField()
    status_before = models.CharField(max_length=20, choices=ActionStatus.choices)
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values)
                & models.Q(status_before__in=ActionStatus.values),
                name="action_update_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.item_id}: {self.get_status_display()} ({self.created_at:%Y-%m-%d})"


class ActionUpdateRequest(models.Model):
    """The partnership's n-th request for an update of a submitted return's
    action plan, due `n × cycle.action_update_months` after submission; and
    the reminder, if no update came."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        "audits.Submission", on_delete=models.CASCADE, related_name="action_update_requests"
    )
    number = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    requested_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="action_update_request_unique"),
        ]

    def __str__(self):
        return f"Update request {self.number} for {self.submission_id}"
