from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership

from .models import Question, QuestionSet, Theme


def question_set_list(*, partnership: Partnership) -> QuerySet[QuestionSet]:
    return (
        QuestionSet.objects.filter(partnership=partnership)
        .annotate(theme_count=Count("themes", distinct=True))
        .order_by("name", "-version")
    )


def question_set_get(*, partnership: Partnership, pk) -> QuestionSet:
    return get_object_or_404(QuestionSet, partnership=partnership, pk=pk)


def theme_list_with_questions(*, question_set: QuestionSet) -> list[Theme]:
    """The themes of a set in order, each with `.questions.all()` prefetched
    in order: two queries whatever the size of the set."""
    return list(
        Theme.objects.filter(question_set=question_set)
        .order_by("order")
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order")))
    )
