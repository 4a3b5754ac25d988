"""Reads of question sets. Every function takes the partnership (or a set
already fetched through it) and never returns another partnership's row."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.process_cache import ProcessCache
from partnerships.models import Partnership

from ..models import Question, QuestionSet, Theme


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


def question_set_library_keys(
    *, partnership: Partnership, question_set: QuestionSet, exclude: Question | None = None
) -> set[str]:
    """The library questions ("theme/question") the set's questions already
    answer to, its own and mapped ones (`exclude` left out): one query, and
    nothing for another partnership's set."""
    questions = Question.objects.filter(
        theme__question_set=question_set, theme__question_set__partnership=partnership
    ).select_related("theme")
    if exclude is not None:
        questions = questions.exclude(pk=exclude.pk)
    return {"/".join(key) for q in questions if (key := q.match_key(q.theme.key)) is not None}


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
    question changes anywhere (core/process_cache.py). Sets in use are
    frozen, so that is rare. 404 for another partnership's set."""
    structure = _structures.get(question_set_id, lambda: _structure_load(question_set_id))
    if structure is None or structure.partnership_id != getattr(partnership, "pk", partnership):
        raise Http404("No such question set")
    return structure
