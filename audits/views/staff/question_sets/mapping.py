"""Mapping one of the partnership's own questions to a built-in library
question (issue 13 item 4), so that organisations answering for several
partnerships copy its answer as that question's. Only while the set is a
draft nobody has answered."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.views import form_post
from partnerships.permissions import Perm
from partnerships.staff import staff_required
from themes import library, selectors, services
from themes.forms import QuestionMapForm

from .builder import FROZEN_HINT
from .common import back_to_set, posted, question_set_for, staff_url


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_map(request, pk, question_pk):
    question_set = question_set_for(request, pk)
    question = selectors.question_get(
        partnership=request.partnership, question_set=question_set, pk=question_pk
    )
    if question_set.is_frozen():
        return back_to_set(request, question_set, error=f"{question_set} is in use. {FROZEN_HINT}")
    if not question.is_local:
        return back_to_set(
            request, question_set, error="This question is the library’s own: it needs no mapping"
        )
    library_questions = library.template_questions(question_set.template_key)
    if not library_questions:
        return back_to_set(
            request,
            question_set,
            error="This set was not copied from a built-in question set: there is nothing to map to",
        )
    form = QuestionMapForm(
        posted(request),
        library_questions=library_questions,
        taken=selectors.question_set_library_keys(
            partnership=request.partnership, question_set=question_set, exclude=question
        ),
        initial={"library_key": question.library_key},
    )
    if done := form_post(
        request,
        form,
        lambda data: services.question_map(
            question=question, library_key=data["library_key"], actor=request.staff_actor
        ),
        done=lambda mapped: (
            "Question mapped to the library question" if mapped.library_key else "Mapping removed",
            staff_url(request, "staff_question_set", pk=question_set.pk) + f"#theme-{question.theme_id}",
        ),
        error_field="library_key",
        refused=lambda exc: (
            None
            if not isinstance(exc, services.QuestionSetFrozenError)
            else back_to_set(request, question_set, error=str(exc))
        ),
    ):
        return done
    return render(
        request,
        "themes/question_map.html",
        {"form": form, "question_set": question_set, "theme": question.theme, "question": question},
    )
