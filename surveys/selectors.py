"""Reads of the practitioners' survey. Every selector takes the partnership
first, and every figure about practitioners' answers goes through here, so
the one rule holds for every page, export and tag: no result for a group of
fewer than MIN_GROUP replies, and no total that would let one be worked out
by subtraction (the all-agencies figures count only agencies at or over it).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from audits.access import cycle_owned
from audits.models import Answer, AnswerValue, AuditCycle, Submission, ThemeResponse
from partnerships.models import Agency, Partnership
from partnerships.scope import scope_current

from .models import AGREEING, Survey, SurveyAnswer, SurveyLink, SurveyQuestion, SurveyReply

MIN_GROUP = 5  # the smallest group whose answers are ever shown


def survey_list(*, partnership: Partnership):
    return Survey.objects.filter(partnership=partnership).select_related("cycle").order_by("-cycle__opens_at")


def survey_get(*, partnership: Partnership, cycle: AuditCycle) -> Survey:
    # A cycle another partnership shares with this one (joint boards) has
    # no survey of this partnership's; its owner's is the owner's.
    cycle_owned(partnership=partnership, cycle=cycle)
    return get_object_or_404(Survey.objects.select_related("cycle"), partnership=partnership, cycle=cycle)


def survey_for_cycle(*, partnership: Partnership, cycle: AuditCycle) -> Survey | None:
    if cycle.partnership_id != partnership.pk:  # another's, or shared with this one
        return None
    return Survey.objects.filter(partnership=partnership, cycle=cycle).select_related("cycle").first()


def survey_link_get(*, partnership: Partnership, token: str) -> SurveyLink:
    return get_object_or_404(
        SurveyLink.objects.select_related("survey__cycle", "agency", "partnership"),
        partnership=partnership,
        token=token,
    )


def survey_questions(*, partnership: Partnership, survey: Survey):
    return SurveyQuestion.objects.filter(survey__partnership=partnership, survey=survey).order_by("order")


@dataclass(frozen=True)
class AgencyProgress:
    agency: Agency
    token: str
    replies: int

    @property
    def shown(self) -> bool:
        return self.replies >= MIN_GROUP


def survey_progress(*, partnership: Partnership, survey: Survey) -> list[AgencyProgress]:
    """Each agency's link and how many replies came through it, by agency name."""
    replies = (
        SurveyReply.objects.filter(partnership=partnership, survey=survey, agency=OuterRef("agency"))
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .values("n")
    )
    links = (
        SurveyLink.objects.filter(partnership=partnership, survey=survey)
        .filter(scope_current().agencies("agency__"))
        .select_related("agency")
        .annotate(replies=Coalesce(Subquery(replies), 0))
        .order_by("agency__name", "agency__pk")
    )
    return [AgencyProgress(agency=link.agency, token=link.token, replies=link.replies) for link in links]


@dataclass
class QuestionResult:
    question: SurveyQuestion
    counts: dict = field(default_factory=dict)  # choice value -> replies

    @property
    def replies(self) -> int:
        return sum(self.counts.values())

    @property
    def agreeing(self) -> int:
        return sum(n for value, n in self.counts.items() if value in AGREEING)

    @property
    def agree_share(self) -> float:
        return 100 * self.agreeing / self.replies if self.replies else 0.0

    def rows(self) -> list[tuple[str, int]]:
        return [(choice.label, self.counts.get(choice.value, 0)) for choice in self.question.choices]


@dataclass
class Results:
    """Answers of a group (one agency, or every agency with enough replies).
    `questions` is empty when the group is under MIN_GROUP: `suppressed`."""

    replies: int
    questions: list[QuestionResult]
    agencies: int = 1

    @property
    def suppressed(self) -> bool:
        return self.replies < MIN_GROUP


def _agencies_shown(*, partnership: Partnership, survey: Survey):
    return (
        SurveyReply.objects.filter(partnership=partnership, survey=survey)
        .filter(scope_current().agencies("agency__"))
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_GROUP)
        .values("agency")
    )


def survey_results(*, partnership: Partnership, survey: Survey, agency: Agency | None = None) -> Results:
    """One agency's results, or (agency=None) those of all the agencies
    with MIN_GROUP replies or more together."""
    replies = SurveyReply.objects.filter(partnership=partnership, survey=survey)
    if agency is not None:
        replies = replies.filter(agency=agency)
        agencies = 1
    else:
        shown = list(_agencies_shown(partnership=partnership, survey=survey).values_list("agency", flat=True))
        replies = replies.filter(agency__in=shown)
        agencies = len(shown)
    total = replies.count()
    if total < MIN_GROUP:
        return Results(replies=total, questions=[], agencies=agencies)
    by_question = {
        q.pk: QuestionResult(question=q) for q in survey_questions(partnership=partnership, survey=survey)
    }
    counts = (
        SurveyAnswer.objects.filter(reply__in=replies.values("pk"))
        .order_by()
        .values("question", "value")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        by_question[row["question"]].counts[row["value"]] = row["n"]
    return Results(replies=total, questions=list(by_question.values()), agencies=agencies)


def survey_results_by_agency(*, partnership: Partnership, survey: Survey) -> list[tuple[Agency, Results]]:
    """Every agency's results (suppressed where under MIN_GROUP), by name:
    what the CSV export writes."""
    return [
        (row.agency, survey_results(partnership=partnership, survey=survey, agency=row.agency))
        for row in survey_progress(partnership=partnership, survey=survey)
    ]


# --- triangulation --------------------------------------------------------------


def _gap(answer: str, agree_share: float) -> float | None:
    """How far practitioners are from what the agency said: Yes claims
    100%, No 0%; Not applicable claims nothing."""
    if answer == AnswerValue.YES:
        return 100 - agree_share
    if answer == AnswerValue.NO:
        return agree_share
    return None


@dataclass(frozen=True)
class TriangulationRow:
    survey_question: str
    theme_order: int
    theme_title: str
    question_text: str
    answer: str  # the agency's answer: yes / no / na
    rag: str  # the theme's self-rating, maybe ""
    agreeing: int
    replies: int
    threshold: int

    @property
    def agree_share(self) -> float:
        return 100 * self.agreeing / self.replies

    @property
    def answer_label(self) -> str:
        return AnswerValue(self.answer).label

    @property
    def gap(self) -> float | None:
        return _gap(self.answer, self.agree_share)

    @property
    def flagged(self) -> bool:
        return self.gap is not None and self.gap >= self.threshold


@dataclass(frozen=True)
class Triangulation:
    replies: int
    rows: list[TriangulationRow]

    @property
    def suppressed(self) -> bool:
        return self.replies < MIN_GROUP

    @property
    def flagged(self) -> int:
        return sum(1 for row in self.rows if row.flagged)


def survey_triangulation(
    *, partnership: Partnership, submission: Submission, sections=None
) -> Triangulation | None:
    """The agency's answers to the self-assessment questions that survey
    questions test, beside the share of its practitioners who agree. None
    when the cycle has no survey or nobody has replied. Two queries: the
    practitioners' answers counted per question and choice (with the
    questions' text, links and the partnership's threshold), and the
    agency's answers to the linked questions with their themes' ratings;
    one when the review page passes the return's `sections` (each with its
    theme, response and (question, answer) pairs, audits.selectors.review),
    which hold those answers and ratings already."""
    if submission.partnership_id != partnership.pk:
        return None
    counts = list(
        SurveyAnswer.objects.filter(
            reply__partnership=partnership,
            reply__survey__cycle_id=submission.cycle_id,
            reply__agency_id=submission.agency_id,
        )
        .order_by()
        .values(
            "question",
            "question__order",
            "question__text",
            "question__linked_keys",
            "question__survey__disagreement_threshold",
            "value",
        )
        .annotate(n=Count("pk"))
    )
    if not counts:
        return None
    questions: dict[int, dict] = {}
    tallies: dict[int, dict[str, int]] = defaultdict(dict)
    for row in counts:
        questions[row["question"]] = row
        tallies[row["question"]][row["value"]] = row["n"]
    replies = max(sum(t.values()) for t in tallies.values())
    if replies < MIN_GROUP:
        return Triangulation(replies=replies, rows=[])
    by_key: dict[str, list[int]] = defaultdict(list)
    for pk, row in questions.items():
        for key in row["question__linked_keys"] or []:
            by_key[key].append(pk)
    if sections is not None:
        answered = [
            (question, section.theme, value, section.response.rag if section.response else "")
            for section in sections
            for question, value in section.questions
            if value is not None and question.key in by_key
        ]
    else:
        rag = ThemeResponse.objects.filter(submission=submission, theme=OuterRef("question__theme")).values(
            "rag"
        )[:1]
        answered = [
            (answer.question, answer.question.theme, answer.value, answer.theme_rag or "")
            for answer in Answer.objects.filter(submission=submission, question__key__in=list(by_key))
            .select_related("question__theme")
            .annotate(theme_rag=Subquery(rag))
        ]
    rows = []
    for question, theme, value, theme_rag in answered:
        for pk in by_key[question.key]:
            tally = tallies[pk]
            rows.append(
                TriangulationRow(
                    survey_question=questions[pk]["question__text"],
                    theme_order=theme.order,
                    theme_title=theme.title,
                    question_text=question.text,
                    answer=value,
                    rag=theme_rag,
                    agreeing=sum(n for value, n in tally.items() if value in AGREEING),
                    replies=sum(tally.values()),
                    threshold=questions[pk]["question__survey__disagreement_threshold"],
                )
            )
    rows.sort(key=lambda r: (r.theme_order, r.question_text, r.survey_question))
    return Triangulation(replies=replies, rows=rows)


@dataclass(frozen=True)
class AcrossCell:
    agreeing: int
    replies: int
    answers: tuple[str, ...]  # the agency's answers to the linked questions
    threshold: int

    @property
    def agree_share(self) -> float:
        return 100 * self.agreeing / self.replies

    @property
    def flagged(self) -> bool:
        gaps = [_gap(answer, self.agree_share) for answer in self.answers]
        return any(gap is not None and gap >= self.threshold for gap in gaps)


@dataclass(frozen=True)
class AcrossRow:
    agency: Agency
    replies: int
    cells: list[AcrossCell]

    @property
    def flagged(self) -> int:
        return sum(1 for cell in self.cells if cell.flagged)


def survey_triangulation_across_agencies(*, partnership: Partnership, survey: Survey) -> list[AcrossRow]:
    """For each agency with MIN_GROUP replies or more, each survey question's
    share agreeing, flagged where it differs from any of the agency's
    answers to the linked questions by the threshold or more: the heatmap's
    overlay, on the survey's page. Four queries, whatever the number of
    agencies."""
    questions = list(survey_questions(partnership=partnership, survey=survey))
    shown = _agencies_shown(partnership=partnership, survey=survey)
    tallies: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in (
        SurveyAnswer.objects.filter(
            reply__partnership=partnership, reply__survey=survey, reply__agency__in=shown
        )
        .order_by()
        .values("reply__agency", "question", "value")
        .annotate(n=Count("pk"))
    ):
        tallies[row["reply__agency"]][row["question"]][row["value"]] = row["n"]
    keys = {key for q in questions for key in q.linked_keys or []}
    answers: dict[tuple[int, str], list[str]] = defaultdict(list)
    for agency_id, key, value in Answer.objects.filter(
        submission__partnership=partnership,
        submission__cycle_id=survey.cycle_id,
        submission__agency_id__in=list(tallies),
        question__key__in=keys,
    ).values_list("submission__agency", "question__key", "value"):
        answers[(agency_id, key)].append(value)
    agencies = Agency.objects.filter(partnership=partnership, pk__in=list(tallies)).order_by("name", "pk")
    rows = []
    for agency in agencies:
        cells = []
        for q in questions:
            tally = tallies[agency.pk][q.pk]
            cells.append(
                AcrossCell(
                    agreeing=sum(n for value, n in tally.items() if value in AGREEING),
                    replies=sum(tally.values()),
                    answers=tuple(a for key in q.linked_keys or [] for a in answers[(agency.pk, key)]),
                    threshold=survey.disagreement_threshold,
                )
            )
        rows.append(AcrossRow(agency=agency, replies=max(c.replies for c in cells), cells=cells))
    return rows


# --- the heatmap's overlay --------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    """One survey statement's figure for one agency in one theme of the
    heatmap: the share of its practitioners who agree, and the agency's own
    answers to the theme's questions the statement tests."""

    statement: str
    agreeing: int
    replies: int
    answers: tuple[str, ...]
    threshold: int

    @property
    def agree_share(self) -> float:
        return 100 * self.agreeing / self.replies

    @property
    def flagged(self) -> bool:
        gaps = [_gap(answer, self.agree_share) for answer in self.answers]
        return any(gap is not None and gap >= self.threshold for gap in gaps)


@dataclass
class SurveyAgreement:
    """What `survey_agreement_by_agency` read: the survey's statements and,
    for each agency with MIN_GROUP replies or more (and no other), its
    practitioners' answers counted by statement and choice, and its own
    answers to the self-assessment questions the statements test."""

    has_survey: bool
    threshold: int | None = None
    # statement id -> (order, text, linked question keys)
    statements: dict[int, tuple[int, str, tuple[str, ...]]] = field(default_factory=dict)
    tallies: dict[int, dict[int, dict[str, int]]] = field(
        default_factory=dict
    )  # agency -> statement -> choice
    answers: dict[tuple[int, int], str] = field(default_factory=dict)  # (agency, question id) -> answer

    @property
    def agencies(self) -> int:
        return len(self.tallies)

    def cell(self, agency_id: int, theme) -> tuple[Agreement, ...]:
        """The figures for one agency's cell of one theme (`theme.questions`
        already read, as the question set's cached structure has them): one
        for each statement linked to a question of the theme, none for an
        agency under MIN_GROUP, nor for a statement fewer than MIN_GROUP of
        its practitioners answered."""
        by_statement = self.tallies.get(agency_id)
        if not by_statement:
            return ()
        questions = theme.questions.all()
        figures = []
        for pk, (_, text, keys) in sorted(self.statements.items(), key=lambda item: item[1][0]):
            linked = [q.pk for q in questions if q.key in keys]
            tally = by_statement.get(pk, {})
            replies = sum(tally.values())
            if not linked or replies < MIN_GROUP:
                continue
            figures.append(
                Agreement(
                    statement=text,
                    agreeing=sum(n for value, n in tally.items() if value in AGREEING),
                    replies=replies,
                    answers=tuple(
                        self.answers[(agency_id, q)] for q in linked if (agency_id, q) in self.answers
                    ),
                    threshold=self.threshold,
                )
            )
        return tuple(figures)


def survey_agreement_by_agency(*, partnership: Partnership, cycle: AuditCycle) -> SurveyAgreement:
    """The practitioners' survey of the cycle against each agency's
    self-assessment, for the RAG heatmap's overlay (agency × theme, through
    `SurveyAgreement.cell`). Only agencies with MIN_GROUP replies or more
    are read at all. Two queries, whatever the number of agencies: the
    replies counted by agency, statement and choice (with the statements and
    the partnership's threshold), then those agencies' answers to the
    questions the statements test; when the first finds nothing, the second
    asks only whether the cycle has a survey."""
    shown = (
        SurveyReply.objects.filter(partnership=partnership, survey__cycle=cycle)
        .order_by()
        .values("agency")
        .annotate(n=Count("pk"))
        .filter(n__gte=MIN_GROUP)
        .values("agency")
    )
    counts = (
        SurveyAnswer.objects.filter(
            reply__partnership=partnership, reply__survey__cycle=cycle, reply__agency__in=shown
        )
        .order_by()
        .values(
            "reply__agency",
            "question",
            "question__order",
            "question__text",
            "question__linked_keys",
            "question__survey__disagreement_threshold",
            "value",
        )
        .annotate(n=Count("pk"))
    )
    agreement = SurveyAgreement(has_survey=True)
    for row in counts:
        agreement.threshold = row["question__survey__disagreement_threshold"]
        agreement.statements[row["question"]] = (
            row["question__order"],
            row["question__text"],
            tuple(row["question__linked_keys"] or ()),
        )
        by_statement = agreement.tallies.setdefault(row["reply__agency"], {})
        by_statement.setdefault(row["question"], {})[row["value"]] = row["n"]
    if not agreement.tallies:
        agreement.has_survey = Survey.objects.filter(partnership=partnership, cycle=cycle).exists()
        return agreement
    keys = {key for _, _, linked in agreement.statements.values() for key in linked}
    if keys:
        for agency_id, question_id, value in Answer.objects.filter(
            submission__partnership=partnership,
            submission__cycle=cycle,
            submission__agency_id__in=list(agreement.tallies),
            question__key__in=sorted(keys),
        ).values_list("submission__agency_id", "question_id", "value"):
            agreement.answers[(agency_id, question_id)] = value
    return agreement
