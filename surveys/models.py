"""Practitioners' surveys: one per audit cycle, answered anonymously by each
agency's frontline staff through one open link per agency.

Anonymous by design: a reply holds the agency it came through and the day it
arrived, nothing else about whoever sent it: no name, email, IP address,
user agent, session or time of day (tests/surveys/test_models_anonymity.py reads
these fields). Results are shown only for groups of MIN_GROUP or more
(surveys.selectors).
"""

from django.db import models
from django.utils import timezone

from audits.models import AuditCycle
from partnerships.models import Agency, Partnership


class QuestionKind(models.TextChoices):
    LIKERT = "likert", "Strongly agree to strongly disagree"
    YES_NO = "yes_no", "Yes or no"


class Choice(models.TextChoices):
    STRONGLY_AGREE = "strongly_agree", "Strongly agree"
    AGREE = "agree", "Agree"
    NEITHER = "neither", "Neither agree nor disagree"
    DISAGREE = "disagree", "Disagree"
    STRONGLY_DISAGREE = "strongly_disagree", "Strongly disagree"
    YES = "yes", "Yes"
    NO = "no", "No"


CHOICES_BY_KIND = {
    QuestionKind.LIKERT: [
        Choice.STRONGLY_AGREE,
        Choice.AGREE,
        Choice.NEITHER,
        Choice.DISAGREE,
        Choice.STRONGLY_DISAGREE,
    ],
    QuestionKind.YES_NO: [Choice.YES, Choice.NO],
}
# The answers that count as a practitioner agreeing with the statement.
AGREEING = frozenset({Choice.STRONGLY_AGREE, Choice.AGREE, Choice.YES})


class Survey(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(AuditCycle, on_delete=models.CASCADE, related_name="survey")
    title = models.CharField(max_length=200)
    library_key = models.SlugField(max_length=60)
    disagreement_threshold = models.PositiveSmallIntegerField(
        default=25,
        help_text=(
            "Flag a linked question when the share of practitioners who agree is this many "
            "percentage points or more away from what the agency said (Yes = 100%, No = 0%)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disagreement_threshold__lte=100), name="survey_threshold_at_most_100"
            )
        ]

    def __str__(self):
        return self.title

    def is_open(self, now=None) -> bool:
        """Open while its cycle is: it closes with the cycle."""
        now = now or timezone.now()
        return self.cycle.opens_at <= now < self.cycle.closes_at


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    # Keys of the self-assessment questions (themes.Question.key) it tests.
    linked_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="survey_question_unique_order"),
            models.UniqueConstraint(fields=["survey", "key"], name="survey_question_unique_key"),
        ]

    def __str__(self):
        return self.text

    @property
    def choices(self) -> list[Choice]:
        return CHOICES_BY_KIND[QuestionKind(self.kind)]


class SurveyLink(models.Model):
    """The one open link of an agency: it names the agency, never a person."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "agency"], name="survey_link_one_per_agency"),
        ]

    def __str__(self):
        return f"{self.survey} – {self.agency}"


class SurveyReply(models.Model):
    """One practitioner's answers. Deliberately nothing but the agency and
    the day: see the module docstring."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="replies")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    received_on = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["survey", "agency"], name="survey_reply_by_agency")]

    def __str__(self):
        return f"Reply {self.pk} to {self.survey_id}"


class SurveyAnswer(models.Model):
    reply = models.ForeignKey(SurveyReply, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    value = models.CharField(max_length=20, choices=Choice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reply", "question"], name="survey_answer_one_per_question"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value}"
