from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from themes import selectors


def staff_url(request, name: str, **kwargs) -> str:
    return reverse(name, kwargs={"partnership_slug": request.partnership.slug, **kwargs})


def question_set_for(request, pk):
    """The set, only if it is this partnership's: anything else is a 404."""
    return selectors.question_set_get(partnership=request.partnership, pk=pk)


def back_to_set(request, question_set, error: str | None = None, success: str | None = None):
    if error:
        messages.error(request, error)
    if success:
        messages.success(request, success)
    return redirect(staff_url(request, "staff_question_set", pk=question_set.pk))


def posted(request):
    """The form data of a POST (even an empty one, which must show its
    errors), or None for a GET."""
    return request.POST if request.method == "POST" else None
