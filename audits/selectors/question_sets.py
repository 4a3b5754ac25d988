"""Reads for the question-set rules of a cycle: who answers which set; and
the question sets as their cycles and returns use them (the builder's list
and usage), which need audits' tables and so live here, not in themes."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships.models import Agency, Partnership
from themes.models import Question, QuestionSet, Theme

from ..access import cycle_owned
from ..models import (
    ActionItem,
    AuditCycle,
    CycleQuestionSet,
    Evidence,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)
from ..models.question_sets import matching_rules


def submission_not_started() -> Q:
    """Returns nobody has started: still "not started", no theme saved by
    anyone (themes carried forward from last cycle and not yet confirmed do
    not count), no evidence and no action added."""
    return Q(status=SubmissionStatus.NOT_STARTED) & ~(
        Exists(ThemeResponse.objects.filter(submission=OuterRef("pk"), carried_forward=False))
        | Exists(Evidence.objects.filter(submission=OuterRef("pk")))
        | Exists(ActionItem.objects.filter(submission=OuterRef("pk")))
    )


def cycle_question_set_rule_list(*, partnership: Partnership, cycle: AuditCycle) -> list[CycleQuestionSet]:
    """The cycle's rules, most specific first."""
    cycle_owned(partnership=partnership, cycle=cycle)
    rules = CycleQuestionSet.objects.filter(partnership=partnership, cycle=cycle).select_related(
        "question_set", "agency"
    )
    return sorted(rules, key=lambda r: (r.precedence, r.group_label.lower()))


def cycle_question_set_rule_get(*, partnership: Partnership, cycle: AuditCycle, pk) -> CycleQuestionSet:
    return get_object_or_404(
        CycleQuestionSet.objects.select_related("question_set", "agency", "cycle__partnership"),
        partnership=partnership,
        cycle=cycle,
        pk=pk,
    )


@dataclass
class AgencySet:
    agency: Agency
    question_set: QuestionSet
    rule: CycleQuestionSet | None
    started: bool  # someone has started its return, so its set is fixed whatever the rules say


def cycle_agency_question_sets(*, partnership: Partnership, cycle: AuditCycle) -> list[AgencySet]:
    """Every active agency with the set it answers in the cycle: the set of
    its return once someone has started it, else what the rules give it
    (which a return nobody has started follows). Three queries."""
    cycle_owned(partnership=partnership, cycle=cycle)
    rules = cycle_question_set_rule_list(partnership=partnership, cycle=cycle)
    # A return nobody has started follows the rules; a started one keeps its set.
    started = {
        s.agency_id: s.question_set
        for s in Submission.objects.filter(partnership=partnership, cycle=cycle)
        .exclude(submission_not_started())
        .select_related("question_set")
    }
    rows = []
    for agency in Agency.objects.filter(partnership=partnership, is_active=True).order_by("name"):
        matching = matching_rules(rules, agency)
        rule = matching[0] if matching else None
        if agency.pk in started:
            rows.append(AgencySet(agency, started[agency.pk], rule, True))
        else:
            rows.append(AgencySet(agency, rule.question_set if rule else cycle.question_set, rule, False))
    return rows


def _count(queryset, outer: str):
    return Coalesce(
        Subquery(
            queryset.filter(**{outer: OuterRef("pk")})
            .order_by()
            .values(outer)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def question_set_list(*, partnership: Partnership, now=None) -> QuerySet[QuestionSet]:
    """The partnership's sets, newest version first within a name, each with
    `theme_count`, `question_count`, `cycle_count` and `frozen` (as
    QuestionSet.is_frozen), in one query."""
    now = now or timezone.now()
    return (
        QuestionSet.objects.filter(partnership=partnership)
        .annotate(
            theme_count=_count(Theme.objects.all(), "question_set"),
            question_count=_count(Question.objects.all(), "theme__question_set"),
            cycle_count=_count(AuditCycle.objects.all(), "question_set"),
            frozen=Exists(AuditCycle.objects.filter(question_set=OuterRef("pk"), opens_at__lte=now))
            | Exists(CycleQuestionSet.objects.filter(question_set=OuterRef("pk"), cycle__opens_at__lte=now))
            | Exists(Submission.objects.filter(question_set=OuterRef("pk"))),
        )
        .order_by("name", "-version")
    )


def question_set_usage(*, partnership: Partnership, question_set: QuestionSet) -> dict:
    """Which cycles use the set (as default or for a group), and how many
    returns were started on it."""
    cycles = (
        AuditCycle.objects.filter(partnership=partnership)
        .filter(Q(question_set=question_set) | Q(question_set_rules__question_set=question_set))
        .distinct()
        .order_by("-opens_at")
    )
    return {
        "cycles": list(cycles),
        "returns": Submission.objects.filter(partnership=partnership, question_set=question_set).count(),
    }
