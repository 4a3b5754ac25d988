"""Reads of question sets. Every function takes the partnership (or a set
already fetched through it) and never returns another partnership's row."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships.models import Partnership

from .models import Question, QuestionSet, Theme


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
    from audits.models import AuditCycle, CycleQuestionSet, Submission  # audits depends on themes

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


def question_set_get(*, partnership: Partnership, pk) -> QuestionSet:
    return get_object_or_404(
        QuestionSet.objects.select_related("previous_version"), partnership=partnership, pk=pk
    )


def question_set_published_list(*, partnership: Partnership) -> QuerySet[QuestionSet]:
    return QuestionSet.objects.filter(partnership=partnership, status=QuestionSet.Status.PUBLISHED).order_by(
        "name", "-version"
    )


def theme_list_with_questions(*, question_set: QuestionSet) -> list[Theme]:
    """The themes of a set in order, each with `.questions.all()` prefetched
    in order: two queries whatever the size of the set."""
    return list(
        Theme.objects.filter(question_set=question_set)
        .order_by("order")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order")))
    )


def theme_get(*, partnership: Partnership, question_set: QuestionSet, pk) -> Theme:
    """A theme of this set (itself of this partnership), with its questions."""
    return get_object_or_404(
        Theme.objects.select_related("question_set").prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order"))
        ),
        question_set=question_set,
        question_set__partnership=partnership,
        pk=pk,
    )


def question_get(*, partnership: Partnership, question_set: QuestionSet, pk) -> Question:
    return get_object_or_404(
        Question.objects.select_related("theme__question_set"),
        theme__question_set=question_set,
        theme__question_set__partnership=partnership,
        pk=pk,
    )


def question_set_usage(*, partnership: Partnership, question_set: QuestionSet) -> dict:
    """Which cycles use the set (as default or for a group), and how many
    returns were started on it."""
    from audits.models import AuditCycle, Submission

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
