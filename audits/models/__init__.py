"""Audit cycles, agencies' submissions and what they answered.

Rules that the database can hold, it holds: unique pairs, valid choices, and
(on PostgreSQL, see migrations) that a submission's cycle, agency and question
set all belong to its partnership, that answers and theme responses point at
the submission's own question set, and that the audit log is append-only.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnerships.models import Agency, Locality, Partnership
from themes.models import GRADE_MEANINGS, Question, QuestionSet, Theme


class IncompletePolicy(models.TextChoices):
    DEFAULT_RED = "default_red", "Allow submission; give each incomplete theme a default Red"
    BLOCK = "block", "Block submission until every question is answered"


class AgencyScope(models.TextChoices):
    ALL = "all", "Every agency"
    SECTOR = "sector", "Agencies in chosen sectors"
    LOCALITY = "locality", "Agencies in chosen localities"
    CHOSEN = "chosen", "Agencies chosen one by one"


DEFAULT_REMINDER_DAYS = (14, 7, 2, 1)


def default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


class CycleStatus(models.TextChoices):
    UPCOMING = "upcoming", "Not open yet"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class AuditCycle(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="cycles")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, help_text="Used in the cycle's web address.")
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="cycles")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    incomplete_policy = models.CharField(
        max_length=20, choices=IncompletePolicy.choices, default=IncompletePolicy.DEFAULT_RED
    )
    link_grace_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="How many days after the cycle closes resume links keep working "
        "(for agencies given an extension, and to download their copy).",
    )
    expected_minutes = models.PositiveSmallIntegerField(
        default=90, help_text="Roughly how long a return takes, shown on the start page."
    )
    action_items_required = models.BooleanField(
        default=False,
        help_text="Each theme rated Amber or Red needs at least one action item before the return "
        "can be submitted.",
    )
    action_update_months = models.PositiveSmallIntegerField(
        default=6,
        help_text="Ask agencies for an action plan update this many months after they submit, and "
        "every this many months after that (0: never ask).",
    )
    # Who takes part: every active agency, those in some sectors or
    # localities (so an agency added later joins), or a chosen list. See
    # audits/selectors/scope.py: cycle_participants.
    agency_scope = models.CharField(max_length=10, choices=AgencyScope.choices, default=AgencyScope.ALL)
    scope_sectors = models.JSONField(default=list, blank=True)
    # Named in reverse so that partnerships can tell a locality is in use
    # without importing audits (partnerships.services.agencies.locality_uses).
    scope_localities = models.ManyToManyField(Locality, blank=True, related_name="scoping_cycles")
    chosen_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    reminder_days = models.JSONField(
        default=default_reminder_days,
        blank=True,
        help_text="Days before the deadline on which agencies that have not submitted are reminded.",
    )
    previous_cycle = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycles"
    )
    # When the partnership means to have evaluated the returns by (a UK
    # date): the review queue counts a return still awaiting review after
    # it as overdue.
    evaluations_due_on = models.DateField(
        "Evaluations due by",
        null=True,
        blank=True,
        help_text="The date by which the partnership aims to have evaluated every submitted return.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="cycle_unique_slug"),
            models.UniqueConstraint(fields=["id", "partnership"], name="cycle_id_partnership"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="cycle_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(incomplete_policy__in=IncompletePolicy.values),
                name="cycle_incomplete_policy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(agency_scope__in=AgencyScope.values), name="cycle_agency_scope_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return CycleStatus.UPCOMING
        if now < self.closes_at:
            return CycleStatus.OPEN
        return CycleStatus.CLOSED

    @property
    def status(self) -> str:
        return self.status_at()

    def get_status_display(self) -> str:
        return CycleStatus(self.status).label

    @property
    def links_expire_at(self):
        return self.closes_at + timedelta(days=self.link_grace_days)


class SubmissionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"


# What the person submitting confirms; the PDF quotes it as it was confirmed.
SIGN_OFF_DECLARATION = (
    "I confirm the person named has approved this return and that it is accurate to the best of our knowledge"
)


class Submission(models.Model):
    """One agency's return for one cycle."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(AuditCycle, on_delete=models.CASCADE, related_name="submissions")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="submissions")
    # Usually the cycle's set; kept per submission so that a return is always
    # read against the exact version it was answered on.
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="submissions")
    reference = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.NOT_STARTED
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_name = models.CharField(max_length=200, blank=True)
    submitted_by_email = models.EmailField(blank=True)
    signed_off_by_name = models.CharField(max_length=200, blank=True)
    signed_off_by_role = models.CharField(max_length=200, blank=True)
    extended_until = models.DateTimeField(
        null=True, blank=True, help_text="A deadline extension for this agency only."
    )
    # The return last cycle's answers were carried forward from, if any.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Bumped by every write; lets a service refuse work based on a stale read.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "agency"], name="submission_unique_agency"),
            models.UniqueConstraint(fields=["id", "partnership"], name="submission_id_partnership"),
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="submission_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="submitted") | models.Q(submitted_at__isnull=False),
                name="submission_submitted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.agency} – {self.cycle}"

    @property
    def is_locked(self) -> bool:
        return self.status == SubmissionStatus.SUBMITTED

    @property
    def deadline(self):
        if self.extended_until and self.extended_until > self.cycle.closes_at:
            return self.extended_until
        return self.cycle.closes_at


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_MEANING = {rag: GRADE_MEANINGS[rag.value] for rag in Rag}


class ThemeResponse(models.Model):
    """What an agency says about one theme: its RAG self-rating and comments."""

    # No index of its own: the unique (submission, theme) constraint's index
    # serves every lookup by submission.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="theme_responses", db_index=False
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="responses")
    rag = models.CharField("RAG self-rating", max_length=10, choices=Rag.choices, blank=True)
    rag_defaulted = models.BooleanField(
        default=False, help_text="Rated Red on submission because questions were left unanswered."
    )
    comments = models.TextField(blank=True)
    # Copied from last cycle's return and not yet confirmed by the agency;
    # saving the theme clears it.
    carried_forward = models.BooleanField(default=False)
    # Optimistic locking per theme: two contributors on different themes never
    # conflict; two on the same theme cannot silently overwrite each other.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_name = models.CharField(max_length=200, blank=True)
    updated_by_email = models.EmailField(blank=True)

    class Meta:
        ordering = ["theme_id"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "theme"], name="theme_response_unique"),
            models.CheckConstraint(
                condition=models.Q(rag__in=["", *Rag.values]), name="theme_response_rag_valid"
            ),
        ]

    def __str__(self):
        return f"{self.submission} – {self.theme.title}"


class AnswerValue(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NA = "na", "Not applicable"


class Answer(models.Model):
    # No index of its own: the unique (submission, question) constraint's
    # index serves every lookup by submission.
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=3, choices=AnswerValue.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # On PostgreSQL the constraint's index also carries the value
            # (INCLUDE, migration 0017), so counting a cycle's answers by
            # question reads the index alone, one return's 120 entries at a
            # time, however the planner's statistics stand. Declared here
            # without it: SQLite cannot make a unique constraint with
            # non-key columns and would make none at all, and theme saves
            # (ON CONFLICT on these two columns) need it.
            models.UniqueConstraint(fields=["submission", "question"], name="answer_unique"),
            models.CheckConstraint(
                condition=models.Q(value__in=AnswerValue.values), name="answer_value_valid"
            ),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value}"


class ResumeLink(models.Model):
    """A magic link into one agency's return. Only a hash of the token is
    kept; the token itself exists in the email and nowhere else."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="resume_links")
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    email = models.EmailField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["submission", "email"])]

    def __str__(self):
        return f"Link for {self.name} <{self.email}> to {self.submission_id}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.token_hash) and self.revoked_at is None and now < self.expires_at


def evidence_upload_to(instance, filename):
    # The stored name never contains the uploader's filename: that is kept in
    # original_name and only ever sent back in a Content-Disposition header.
    # The name ends in the extension of the detected type (`<token>.pdf`).
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    name = f"{instance.token}.{extension}" if extension.isalnum() and len(extension) <= 5 else instance.token
    return f"evidence/{instance.submission.partnership_id}/{instance.submission_id}/{name}"


class Evidence(models.Model):
    """A file or a link that supports a theme."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="evidence")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    token = models.CharField(max_length=32, unique=True)
    url = models.URLField(max_length=1000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # A file chosen on a page that then had errors is kept here, staged, so
    # that the person does not have to upload it again; saving the page
    # attaches it.
    staged = models.BooleanField(default=False)
    added_by_name = models.CharField(max_length=200, blank=True)
    added_by_email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="file") & ~models.Q(file=""))
                | (models.Q(kind="link") & ~models.Q(url="")),
                name="evidence_file_or_link",
            ),
        ]

    def __str__(self):
        return self.original_name or self.title or self.url


# Each part of the product keeps its models in a module of its own beside this
# one; importing them here registers them with Django.
from .actions import *  # noqa: E402,F403
from .challenges import *  # noqa: E402,F403
from .evidence_requests import *  # noqa: E402,F403
from .meetings import *  # noqa: E402,F403
from .notifications import *  # noqa: E402,F403
from .pdf import *  # noqa: E402,F403
from .question_sets import *  # noqa: E402,F403
from .review import *  # noqa: E402,F403
from .sharing import *  # noqa: E402,F403
