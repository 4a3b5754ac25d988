"""Question sets: themes, their questions and their RAG grade descriptors.

A question set is versioned. Once a cycle has opened on a version it is
frozen: answers point at its questions, so changing it would change what an
agency appears to have said. Edits then go into a new draft version.
"""

from django.db import models
from django.utils import timezone

from partnerships.models import Partnership


class Audience(models.TextChoices):
    STATUTORY = "statutory", "Statutory partners"
    VOLUNTARY = "voluntary", "Voluntary, community and faith groups"
    JOINT = "joint", "Joint children and adults"


class QuestionSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="question_sets")
    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.STATUTORY)
    template_key = models.SlugField(
        max_length=60, blank=True, help_text="The built-in template this set was copied from."
    )
    previous_version = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name", "version"], name="question_set_unique_version"
            ),
            models.UniqueConstraint(fields=["id", "partnership"], name="question_set_id_partnership"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="question_set_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="question_set_published_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.name} (version {self.version})"

    def is_frozen(self, now=None) -> bool:
        """Frozen once any cycle using it has opened (as the cycle's default
        set or for a group of its agencies), or once any return has been
        started on it: answers point at its questions."""
        now = now or timezone.now()
        return (
            self.cycles.filter(opens_at__lte=now).exists()
            or self.cycle_assignments.filter(cycle__opens_at__lte=now).exists()
            or self.submissions.exists()
        )


# What each RAG rating means, in the words the seeds use.
GRADE_MEANINGS = {"red": "Not compliant", "amber": "Partially compliant", "green": "Fully compliant"}


class Theme(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="themes")
    key = models.SlugField(max_length=60, help_text="Stable across versions; used to carry answers forward.")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    guidance = models.TextField(blank=True)
    red_descriptor = models.TextField("Red (not compliant)")
    amber_descriptor = models.TextField("Amber (partially compliant)")
    green_descriptor = models.TextField("Green (fully compliant)")
    is_local = models.BooleanField(
        default=False, help_text="Added by the partnership to a set copied from a built-in template."
    )

    class Meta:
        ordering = ["question_set_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "order"], name="theme_unique_order"),
            models.UniqueConstraint(fields=["question_set", "key"], name="theme_unique_key"),
        ]

    def __str__(self):
        return f"{self.order}. {self.title}"

    def descriptor(self, rag: str) -> str:
        """The grade descriptor to show as the hint of a rating's radio, whose
        label already says what the rating means ("Green Fully compliant").
        Descriptors often open by saying it again ("Fully compliant: a
        board-level lead…"); that lead-in is left out so it is not read twice."""
        text = {
            "red": self.red_descriptor,
            "amber": self.amber_descriptor,
            "green": self.green_descriptor,
        }.get(rag, "")
        meaning = GRADE_MEANINGS.get(rag, "")
        if meaning and text[: len(meaning)].lower() == meaning.lower():
            rest = text[len(meaning) :].lstrip()
            if rest[:1] in (":", "–", "—", "-", ".", ";") and rest[1:].strip():
                rest = rest[1:].strip()
                return rest[:1].upper() + rest[1:]
        return text


class Question(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=60)
    order = models.PositiveIntegerField()
    text = models.TextField()
    guidance = models.TextField(blank=True)
    allows_na = models.BooleanField("Not applicable allowed", default=True)
    evidence_expected = models.BooleanField(default=False)
    is_local = models.BooleanField(
        default=False, help_text="Added by the partnership to a set copied from a built-in template."
    )
    # A local question the partnership says asks the same as a built-in
    # library question ("theme-key/question-key" in the set's template):
    # copying between returns and an organisation's standing draft match it
    # as that question. A library question already carries its own key.
    library_key = models.CharField(
        max_length=121,
        blank=True,
        help_text="The built-in library question this local question is mapped to (theme/question).",
    )

    class Meta:
        ordering = ["theme_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "order"], name="question_unique_order"),
            models.UniqueConstraint(fields=["theme", "key"], name="question_unique_key"),
            models.CheckConstraint(
                condition=models.Q(library_key="") | models.Q(is_local=True),
                name="question_library_key_local_only",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def match_key(self, theme_key: str) -> tuple[str, str] | None:
        """The stable key this question is matched by across partnerships
        (theme key, question key of the built-in library): its own for a
        library question, the mapped one for a mapped local question, None
        for an unmapped local question. `theme_key` is its theme's key
        (passed in so that a loop over questions reads no theme)."""
        if not self.is_local:
            return (theme_key, self.key)
        if self.library_key:
            theme, _, question = self.library_key.partition("/")
            return (theme, question)
        return None
