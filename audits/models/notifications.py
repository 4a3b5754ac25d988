"""What staff are told about their partnership's returns, and how often.

Each staff member chooses, per partnership they belong to and per kind of
event, to be emailed about each one, to get one daily digest, or nothing
(`StaffNotificationPreference`; no row means the role's default,
`NOTIFICATION_DEFAULTS`). Every event a member is told about is one
`StaffNotification` row, unique per member and event, so an event queued
twice (a retried task, a replayed POST) notifies once. A row to be emailed
at once points at its outbox email from the start; a digest row waits,
with no email, until the daily digest takes it.
"""

from django.db import models

from partnerships.models import Partnership, StaffMembership, StaffRole

__all__ = [
    "NOTIFICATION_DEFAULTS",
    "NotificationFrequency",
    "NotificationKind",
    "StaffNotification",
    "StaffNotificationPreference",
]


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", "A return is submitted"
    RESUBMITTED = "resubmitted", "A return is submitted again after changes"
    CHALLENGE = "challenge", "An agency responds to or challenges an evaluation"
    EVIDENCE_ANSWERED = "evidence_answered", "An agency answers a request for evidence"
    ACTION_PLAN = "action_plan", "An agency updates its action plan"


class NotificationFrequency(models.TextChoices):
    EACH = "each", "Email me about each one"
    DAILY = "daily", "One email a day with all of them"
    NONE = "none", "Do not email me"


# What a member gets before they choose: admins and reviewers, who act on
# these, hear at once of what awaits them and daily of action plans;
# read-only members nothing.
_ACTIVE = {
    NotificationKind.SUBMITTED: NotificationFrequency.EACH,
    NotificationKind.RESUBMITTED: NotificationFrequency.EACH,
    NotificationKind.CHALLENGE: NotificationFrequency.EACH,
    NotificationKind.EVIDENCE_ANSWERED: NotificationFrequency.EACH,
    NotificationKind.ACTION_PLAN: NotificationFrequency.DAILY,
}
NOTIFICATION_DEFAULTS: dict[str, dict[str, str]] = {
    StaffRole.ADMIN: _ACTIVE,
    StaffRole.REVIEWER: _ACTIVE,
    StaffRole.READ_ONLY: dict.fromkeys(NotificationKind.values, NotificationFrequency.NONE),
}


class StaffNotificationPreference(models.Model):
    """One member's choice for one kind of event, in one partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(StaffMembership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    frequency = models.CharField(max_length=10, choices=NotificationFrequency.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "kind"], name="notification_preference_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values),
                name="notification_preference_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(frequency__in=NotificationFrequency.values),
                name="notification_preference_frequency_valid",
            ),
        ]

    def __str__(self):
        return f"{self.membership_id} {self.kind}: {self.frequency}"


class StaffNotification(models.Model):
    """One event one member is told about (at once, or in a digest)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(StaffMembership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        "audits.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # Names the event (e.g. "submitted:12:v3"): with the member, unique.
    event_key = models.CharField(max_length=150)
    frequency = models.CharField(max_length=10, choices=NotificationFrequency.choices)
    # What the email says about the event, kept as it was when it happened.
    summary = models.CharField(max_length=300)
    path = models.CharField(max_length=300, blank=True)
    agency_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The email that told the member (at once, or their digest).
    email = models.ForeignKey(
        "core.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["membership", "created_at"],
                condition=models.Q(email__isnull=True),
                name="notification_digest_pending",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["membership", "event_key"], name="notification_unique_event"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.membership_id} {self.event_key}"
