"""Reads of question sets. Every function takes the partnership (or a set
already fetched through it) and never returns another partnership's row."""

from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships.models import Partnership
from s11portal.process_cache import ProcessCache

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


# ---------------------------------------------------------------------------
# A question set's structure, kept in the process
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSetStructure:
    """A set's themes in order, each with its questions in order
    (`theme.questions.all()` reads no more rows). Shared by every request of
    the process: read-only."""

    partnership_id: int
    question_set: QuestionSet
    themes: tuple[Theme, ...]
    by_key: dict[str, Theme]
    by_id: dict[int, Theme]
    question_count: int

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.themes]


_structures = ProcessCache("question set structure", maxsize=256)


def _structure_load(question_set_id: int) -> QuestionSetStructure | None:
    question_set = QuestionSet.objects.filter(pk=question_set_id).first()
    if question_set is None:
        return None
    themes = tuple(
        Theme.objects.filter(question_set_id=question_set_id)
        .order_by("order")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order")))
    )
    return QuestionSetStructure(
        partnership_id=question_set.partnership_id,
        question_set=question_set,
        themes=themes,
        by_key={t.key: t for t in themes},
        by_id={t.pk: t for t in themes},
        question_count=sum(len(t.questions.all()) for t in themes),
    )


def question_set_structure(*, partnership: Partnership | int, question_set_id: int) -> QuestionSetStructure:
    """The themes and questions of one of the partnership's sets (a return's
    or a cycle's; `partnership` may be given as its id): three queries the
    first time in a process, none after, until a question set, theme or
    question changes anywhere (s11portal/process_cache.py). Sets in use are
    frozen, so that is rare. 404 for another partnership's set."""
    structure = _structures.get(question_set_id, lambda: _structure_load(question_set_id))
    if structure is None or structure.partnership_id != getattr(partnership, "pk", partnership):
        raise Http404("No such question set")
    return structure
