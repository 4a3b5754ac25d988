"""Who sits on a meeting's panel, what it escalates to the executive board,
and its pre-read pack.

A panel member is a member of the partnership's staff, or someone from
outside it (an independent chair, a scrutineer) with no account: they reach
that meeting and its returns, read-only, by an emailed sign-in link, until
PANEL_ACCESS_DAYS after the meeting ends. Their token is 192 random bits,
kept only as its SHA-256 hash and made when the invitation is sent
(as resume links and organisations' sign-in links are).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from partnerships.models import Partnership, StaffMembership
from themes.models import Theme

from .review import ReviewMeeting

__all__ = ["PANEL_ACCESS_DAYS", "MeetingEscalation", "MeetingPack", "PanelMember"]

# How long after the meeting ends an outsider can still read its returns.
PANEL_ACCESS_DAYS = 7


class PanelMember(models.Model):
    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="panel")
    # Set for a member of the partnership's staff; None for an outsider.
    membership = models.ForeignKey(
        StaffMembership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_outsider = models.BooleanField(default=False)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True, help_text="For example, independent chair.")
    email = models.EmailField()
    attendance = models.CharField(max_length=10, choices=Attendance.choices, blank=True)
    # The last meeting sequence this member was sent an invitation for.
    invited_sequence = models.PositiveIntegerField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["is_outsider", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="panel_member_unique_email"),
            models.CheckConstraint(
                condition=Q(attendance__in=["", "attended", "apologies", "absent"]),
                name="panel_member_attendance_valid",
            ),
            # Only an outsider signs in by link; staff use their account.
            models.CheckConstraint(
                condition=Q(is_outsider=True) | Q(token_hash__isnull=True),
                name="panel_member_token_outsider_only",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.role or 'panel member'})"

    def access_until(self, meeting: ReviewMeeting | None = None):
        """When an outsider's read-only access ends: PANEL_ACCESS_DAYS after
        the meeting ends (None for staff, or a meeting with no times)."""
        meeting = meeting or self.meeting
        if not self.is_outsider or meeting.ends_at is None:
            return None
        return meeting.ends_at + timedelta(days=PANEL_ACCESS_DAYS)

    def access_refused(self, now) -> str:
        """Why this outsider's link gives nothing now ("" if it works)."""
        if not self.is_outsider or not self.token_hash:
            return "invalid"
        if self.revoked_at is not None:
            return "revoked"
        if self.meeting.is_cancelled:
            return "cancelled"
        until = self.access_until()
        if until is None or now >= until:
            return "expired"
        return ""


class MeetingEscalation(models.Model):
    """An issue a meeting escalated to the executive board, and why."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="escalations")
    issue = models.TextField()
    reason = models.TextField()
    board = models.CharField(max_length=200, help_text="For example, Children's Executive Board.")
    board_on = models.DateField("Board meeting date", null=True, blank=True)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Escalated to {self.board}: {self.issue[:50]}"


def meeting_pack_upload_to(instance, filename):
    return f"meeting-packs/{instance.partnership_id}/{instance.meeting_id}/v{instance.version}.pdf"


class MeetingPack(models.Model):
    """The meeting's pre-read pack: one PDF of each return's summary,
    moderation and action plan, built by a Celery task and kept. Asking
    again makes a new version."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="packs")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=meeting_pack_upload_to, blank=True, max_length=300)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by_name = models.CharField(max_length=200, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="meeting_pack_unique_version"),
        ]

    def __str__(self):
        return f"Pre-read pack v{self.version} of meeting {self.meeting_id}"

    @property
    def is_built(self) -> bool:
        return bool(self.file) and bool(self.sha256)
