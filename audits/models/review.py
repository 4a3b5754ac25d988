"""The partnership's review of submitted returns: a moderated RAG and a
comment per theme, an evaluation outcome confirmed to the agency, returns
for changes with their reasons, and assurance or scrutiny meetings.

None of this is written to the agency's own rows: the database refuses any
change to a submitted return's answers, theme responses and evidence
(migration 0004), so what staff say about a return lives here.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from partnerships.models import Partnership, StaffMembership
from themes.models import Theme

from . import AuditCycle, Rag, Submission

__all__ = [
    "MeetingAction",
    "ReturnForChanges",
    "ReviewMeeting",
    "ReviewOutcome",
    "SubmissionReview",
    "ThemeModeration",
    "evaluated_q",
]


class ReviewOutcome(models.TextChoices):
    ASSURED = "assured", "Assured"
    FURTHER_EVIDENCE = "further_evidence", "Further evidence requested"
    SCRUTINY_PANEL = "scrutiny_panel", "Invited to scrutiny panel"


OUTCOME_HINTS = {
    ReviewOutcome.ASSURED: "The partnership is assured by the return and its evidence.",
    ReviewOutcome.FURTHER_EVIDENCE: "The agency must send more evidence for some themes.",
    ReviewOutcome.SCRUTINY_PANEL: "The agency is invited to discuss its return at a scrutiny panel.",
}


class SubmissionReview(models.Model):
    """The partnership's evaluation of one return. The outcome and message
    are a draft until a reviewer confirms them (`evaluated_at`), which emails
    them to the agency. A return for changes clears the confirmation: the
    resubmitted return is evaluated afresh."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="review")
    outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    message = models.TextField(blank=True, help_text="Sent to the agency with the outcome.")
    evaluated_at = models.DateTimeField(null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evaluated_by_name = models.CharField(max_length=200, blank=True)
    # The submission's version the evaluation was confirmed for.
    evaluated_version = models.PositiveIntegerField(null=True, blank=True)
    # Bumped by each save of the outcome: a form carries the version it
    # showed, and a save from a stale form is refused (optimistic locking).
    version = models.PositiveIntegerField(default=0)
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The reviewer the return is assigned to (review queue: "assigned to me").
    assigned_to = models.ForeignKey(
        StaffMembership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=["", *ReviewOutcome.values]), name="review_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(evaluated_at__isnull=True) | ~Q(outcome=""),
                name="review_evaluated_has_outcome",
            ),
        ]

    def __str__(self):
        return f"Review of {self.submission_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.evaluated_at is not None


def evaluated_q(path: str = "") -> Q:
    """A filter for evaluated returns, for counts and lists: submitted and
    with a confirmed evaluation. `path` leads from the queried model to the
    submission, e.g. evaluated_q("submissions__") on AuditCycle."""
    return Q(**{f"{path}status": "submitted", f"{path}review__evaluated_at__isnull": False})


class ThemeModeration(models.Model):
    """The partnership's rating of one theme of a return, beside the agency's
    own self-rating."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="moderations")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    rag = models.CharField("Moderated RAG", max_length=10, choices=Rag.choices)
    comment = models.TextField("Reviewer comment", blank=True)
    # Bumped by each save; see SubmissionReview.version.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["theme__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "theme"], name="moderation_unique_theme"),
            models.CheckConstraint(condition=Q(rag__in=Rag.values), name="moderation_rag_valid"),
        ]

    def __str__(self):
        return f"{self.submission_id} – {self.theme_id}: {self.rag}"


class ReturnForChanges(models.Model):
    """One time the partnership sent a return back to the agency, and why.
    While the return's status is 'returned' the latest of these is the one in
    force: the agency sees its reason on the task list until it resubmits."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="returns_for_changes")
    reason = models.TextField()
    # The version that was returned: the PDF of what the agency had sent.
    submission_version = models.PositiveIntegerField()
    resubmit_by = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField()
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-returned_at", "-id"]
        verbose_name_plural = "returns for changes"

    def __str__(self):
        return f"{self.submission_id} returned at {self.returned_at:%Y-%m-%d %H:%M}"


class ReviewMeeting(models.Model):
    """An assurance meeting or scrutiny panel about one or more returns of a
    cycle: when and where it is, who sits on it (audits.models.meetings
    .PanelMember), what was said, what was agreed.

    A meeting is scheduled ahead (start and end, place and/or online link)
    and later marked held, or cancelled; one recorded after the fact is held
    from the start and may have no times (those recorded before scheduling
    existed have only `held_on`, which stays the meeting's UK date).
    `sequence` is the calendar invitation's SEQUENCE, bumped by each change
    to the date, time, place or status, so calendars replace the old event."""

    class Kind(models.TextChoices):
        ASSURANCE = "assurance", "Assurance meeting"
        SCRUTINY = "scrutiny", "Scrutiny panel"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(AuditCycle, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ASSURANCE)
    held_on = models.DateField("Date of the meeting")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField("Place", max_length=300, blank=True)
    online_url = models.URLField("Online meeting link", max_length=500, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    # Free text, one person a line: how panels were recorded before they
    # had rows of their own (PanelMember); kept for those meetings.
    panel_members = models.TextField(blank=True, help_text="One person a line, with their role.")
    notes = models.TextField(blank=True)
    submissions = models.ManyToManyField(Submission, related_name="meetings")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["assurance", "scrutiny"]), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "held", "cancelled"]), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__isnull=False, ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.held_on:%d %B %Y}"

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def panel_member_list(self) -> list[str]:
        return [line.strip() for line in self.panel_members.splitlines() if line.strip()]


class MeetingAction(models.Model):
    """An action agreed at a meeting, with who owns it, by when, and how far
    it has got. One about an agency's return (`submission`) shows on that
    agency's action plan; its owner's email (if given) is reminded when it
    falls due (audits.services.meetings.meeting_action_reminders_send)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="actions")
    order = models.PositiveSmallIntegerField(default=0)
    action = models.TextField()
    owner = models.CharField(max_length=200)
    owner_email = models.EmailField("Owner's email", blank=True)
    due_on = models.DateField("Due date")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="meeting_actions"
    )
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done"]), name="meeting_action_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.action[:50]} ({self.owner}, {self.due_on:%d/%m/%Y})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE
