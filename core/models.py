"""The audit log and the email outbox, used by every domain app.

Both models were born in `audits` and keep their tables' names, so nothing in
the database moved (see migrations/0001_initial.py). Foreign keys name their
models as strings so that `core` imports no app above it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """Append-only record of who did what. Agencies' contributors have no
    account, so the actor is a name and email as well as, for staff, a user."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(
        "audits.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    actor_email = models.EmailField(blank=True)
    verb = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        # Moved here from audits; the table keeps its name, and with it the
        # PostgreSQL triggers that make the log append-only.
        db_table = "audits_auditevent"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or self.actor} {self.verb}"


class OutboundEmail(models.Model):
    """The outbox: every email is a row written in the same transaction as
    the event that causes it, then sent by a Celery task that claims the row.
    A periodic sweep sends whatever a lost task left behind."""

    class Kind(models.TextChoices):
        LINK = "link", "Link to a return"
        PROGRESSION = "progression", "Self-assessment progression"
        RECEIPT = "receipt", "Submission receipt"
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Deadline reminder"
        OVERDUE = "overdue", "Overdue notice"
        ACTION_UPDATE = "action_update", "Action plan update request"
        ACTION_UPDATE_REMINDER = "action_reminder", "Action plan update reminder"
        OUTCOME = "outcome", "Evaluation outcome"
        RETURNED = "returned", "Returned for changes"
        DEADLINE_CHANGED = "deadline_changed", "Deadline changed"
        # To a member of staff, about no return (partnership staff management).
        STAFF_INVITATION = "staff_invitation", "Staff invitation"
        # From the public contact form to the partnership's own address.
        CONTACT = "contact", "Contact form message"
        # To someone registering an organisation: confirm the email address.
        REGISTRATION = "registration", "Registration: confirm email"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    # None for an email about no partnership (a staff account's password reset).
    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    submission = models.ForeignKey(
        "audits.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    # A link email mints its token when it is sent, so no token is ever
    # stored in a readable form, not even in the outbox.
    resume_link = models.ForeignKey(
        "audits.ResumeLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A name an app registered (core/emails.py); Kind lists the ones the
    # domain apps send. Not a choices field, so a new kind needs no migration.
    kind = models.CharField(max_length=20)
    dedupe_key = models.CharField(max_length=200, unique=True)
    to_name = models.CharField(max_length=200, blank=True)
    to_email = models.EmailField()
    template = models.CharField(max_length=100)
    context = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    not_before = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "audits_outboundemail"  # moved here from audits
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "not_before"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbound_email_sent_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.kind_label} to {self.to_email} ({self.status})"

    @property
    def kind_label(self) -> str:
        from .emails import email_kind_label  # emails.py reads this module's model

        return email_kind_label(self.kind)
