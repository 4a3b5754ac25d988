"""Writes to question sets."""

from django.db import transaction
from django.utils import timezone

from partnerships.models import Partnership

from . import library
from .models import Question, QuestionSet, Theme


class QuestionSetFrozenError(Exception):
    """A cycle has opened on this version; edit a new draft instead."""


@transaction.atomic
def question_set_create_from_data(
    *, partnership: Partnership, data: dict, name: str | None = None, publish: bool = False
) -> QuestionSet:
    """Create a question set from YAML/JSON-shaped data. The data is validated
    first and nothing is saved unless all of it is valid."""
    clean = library.validate(data)
    name = name or clean["name"]
    latest = QuestionSet.objects.filter(partnership=partnership, name=name).order_by("-version").first()
    now = timezone.now()
    question_set = QuestionSet.objects.create(
        partnership=partnership,
        name=name,
        version=(latest.version + 1) if latest else 1,
        description=clean["description"],
        audience=clean["audience"],
        template_key=clean["key"],
        previous_version=latest,
        status=QuestionSet.Status.PUBLISHED if publish else QuestionSet.Status.DRAFT,
        published_at=now if publish else None,
    )
    themes = Theme.objects.bulk_create(
        Theme(
            question_set=question_set,
            key=t["key"],
            order=index,
            title=t["title"],
            description=t["description"],
            guidance=t["guidance"],
            red_descriptor=t["red"],
            amber_descriptor=t["amber"],
            green_descriptor=t["green"],
        )
        for index, t in enumerate(clean["themes"], start=1)
    )
    Question.objects.bulk_create(
        Question(theme=theme, order=q_index, **q)
        for theme, t in zip(themes, clean["themes"], strict=True)
        for q_index, q in enumerate(t["questions"], start=1)
    )
    return question_set


def question_set_load_template(*, partnership: Partnership, key: str, publish: bool = True) -> QuestionSet:
    """Copy a built-in template into a partnership as a new version."""
    return question_set_create_from_data(
        partnership=partnership, data=library.template_read(key), publish=publish
    )


@transaction.atomic
def question_set_publish(*, question_set: QuestionSet) -> QuestionSet:
    if question_set.status == QuestionSet.Status.PUBLISHED:
        return question_set
    question_set.status = QuestionSet.Status.PUBLISHED
    question_set.published_at = timezone.now()
    question_set.save(update_fields=["status", "published_at"])
    return question_set
