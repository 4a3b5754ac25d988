"""Writes to question sets: building one, versions, publishing, copying,
importing. Each service is atomic and writes an AuditEvent.

A set that is frozen (themes.models.QuestionSet.is_frozen: a cycle using it
has opened, or a return has been started on it) is never changed: every
builder service refuses it, and `question_set_new_version` copies it into a
new draft to edit instead.
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from core.process_cache import process_cache_invalidate
from partnerships.models import Partnership

from . import library
from .models import Question, QuestionSet, Theme


class QuestionSetFrozenError(DomainError):
    """A cycle has opened on this version; edit a new draft instead."""


class QuestionSetIncompleteError(DomainError):
    pass


class QuestionSetNameTakenError(DomainError):
    pass


def _record(question_set: QuestionSet, actor: Actor, verb: str, obj=None, **detail) -> None:
    # Every change comes through here, including reorders done with update()
    # (which send no signal): drop the processes' cached question sets.
    process_cache_invalidate()
    audit_event_record(
        partnership=question_set.partnership,
        actor=actor,
        verb=verb,
        obj=obj if obj is not None else question_set,
        detail={"question_set": question_set.pk, "version": question_set.version, **detail},
    )


def question_set_check_editable(question_set: QuestionSet) -> None:
    if question_set.is_frozen():
        raise QuestionSetFrozenError(
            f"{question_set} is in use: a cycle using it has opened or a return has been "
            "started on it, so it cannot change. Make a new version to edit instead."
        )


def _next_version(partnership: Partnership, name: str) -> tuple[int, QuestionSet | None]:
    latest = QuestionSet.objects.filter(partnership=partnership, name=name).order_by("-version").first()
    return (latest.version + 1 if latest else 1), latest


# ---------------------------------------------------------------------------
# Whole sets
# ---------------------------------------------------------------------------


@transaction.atomic
def question_set_create_from_data(
    *,
    partnership: Partnership,
    data: dict,
    name: str | None = None,
    publish: bool = False,
    actor: Actor = SYSTEM,
    verb: str = "question_set.imported",
    validated: bool = False,
) -> QuestionSet:
    """Create a question set from YAML/JSON-shaped data. The data is validated
    first and nothing is saved unless all of it is valid. A set whose name is
    already used becomes that name's next version."""
    clean = data if validated else library.validate(data)
    name = name or clean["name"]
    version, latest = _next_version(partnership, name)
    now = timezone.now()
    question_set = QuestionSet.objects.create(
        partnership=partnership,
        name=name,
        version=version,
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
            is_local=t.get("is_local", False),
        )
        for index, t in enumerate(clean["themes"], start=1)
    )
    Question.objects.bulk_create(
        Question(theme=theme, order=q_index, **q)
        for theme, t in zip(themes, clean["themes"], strict=True)
        for q_index, q in enumerate(t["questions"], start=1)
    )
    _record(question_set, actor, verb, source=clean["key"])
    return question_set


def question_set_load_template(
    *,
    partnership: Partnership,
    key: str,
    publish: bool = True,
    name: str | None = None,
    actor: Actor = SYSTEM,
) -> QuestionSet:
    """Copy a built-in template into a partnership as a new version."""
    return question_set_create_from_data(
        partnership=partnership,
        data=library.template_read(key),
        publish=publish,
        name=name,
        actor=actor,
        verb="question_set.copied_from_library",
    )


def question_set_import(
    *,
    partnership: Partnership,
    content: bytes | str,
    filename: str = "",
    name: str = "",
    actor: Actor = SYSTEM,
) -> QuestionSet:
    """Import a YAML or JSON file as a new draft. Raises
    library.QuestionSetFormatError, and saves nothing, unless all of the file
    is valid."""
    clean = library.parse(content, filename=filename)
    return question_set_create_from_data(
        partnership=partnership, data=clean, name=name or None, actor=actor, validated=True
    )


@transaction.atomic
def question_set_create(
    *, partnership: Partnership, name: str, description: str = "", audience: str, actor: Actor = SYSTEM
) -> QuestionSet:
    """An empty draft, to build theme by theme."""
    if QuestionSet.objects.filter(partnership=partnership, name=name).exists():
        raise QuestionSetNameTakenError(
            f"There is already a question set called {name}. Choose another name."
        )
    question_set = QuestionSet.objects.create(
        partnership=partnership, name=name, description=description, audience=audience
    )
    _record(question_set, actor, "question_set.created")
    return question_set


@transaction.atomic
def question_set_update(
    *, question_set: QuestionSet, name: str, description: str, audience: str, actor: Actor = SYSTEM
) -> QuestionSet:
    question_set_check_editable(question_set)
    if (
        name != question_set.name
        and QuestionSet.objects.filter(
            partnership_id=question_set.partnership_id, name=name, version=question_set.version
        ).exists()
    ):
        raise QuestionSetNameTakenError(
            f"There is already a version {question_set.version} of a set called {name}. Choose another name."
        )
    question_set.name = name
    question_set.description = description
    question_set.audience = audience
    question_set.save(update_fields=["name", "description", "audience"])
    _record(question_set, actor, "question_set.updated")
    return question_set


def question_set_problems(question_set: QuestionSet) -> list[str]:
    """What stops a set being published: agencies need something to answer."""
    themes = list(question_set.themes.order_by("order").prefetch_related("questions"))
    if not themes:
        return ["Add at least one theme."]
    return [f"Add at least one question to {t.title}." for t in themes if not t.questions.all()]


@transaction.atomic
def question_set_publish(*, question_set: QuestionSet, actor: Actor = SYSTEM) -> QuestionSet:
    if question_set.status == QuestionSet.Status.PUBLISHED:
        return question_set
    problems = question_set_problems(question_set)
    if problems:
        raise QuestionSetIncompleteError(" ".join(problems))
    question_set.status = QuestionSet.Status.PUBLISHED
    question_set.published_at = timezone.now()
    question_set.save(update_fields=["status", "published_at"])
    _record(question_set, actor, "question_set.published")
    return question_set


def _copy_contents(source: QuestionSet, target: QuestionSet) -> None:
    themes = list(source.themes.order_by("order").prefetch_related("questions"))
    copies = Theme.objects.bulk_create(
        Theme(
            question_set=target,
            key=t.key,
            order=t.order,
            title=t.title,
            description=t.description,
            guidance=t.guidance,
            red_descriptor=t.red_descriptor,
            amber_descriptor=t.amber_descriptor,
            green_descriptor=t.green_descriptor,
            is_local=t.is_local,
        )
        for t in themes
    )
    Question.objects.bulk_create(
        Question(
            theme=copy,
            key=q.key,
            order=q.order,
            text=q.text,
            guidance=q.guidance,
            allows_na=q.allows_na,
            evidence_expected=q.evidence_expected,
            is_local=q.is_local,
            library_key=q.library_key,
        )
        for t, copy in zip(themes, copies, strict=True)
        for q in t.questions.all()
    )


@transaction.atomic
def question_set_new_version(*, question_set: QuestionSet, actor: Actor = SYSTEM) -> QuestionSet:
    """A draft copy of the set to edit, as its name's next version. The
    original stays as it is, and so does every return answered on it."""
    # Lock the name's versions so two admins cannot take the same number.
    list(
        QuestionSet.objects.select_for_update().filter(
            partnership_id=question_set.partnership_id, name=question_set.name
        )
    )
    version, _ = _next_version(question_set.partnership, question_set.name)
    draft = QuestionSet.objects.create(
        partnership_id=question_set.partnership_id,
        name=question_set.name,
        version=version,
        description=question_set.description,
        audience=question_set.audience,
        template_key=question_set.template_key,
        previous_version=question_set,
    )
    _copy_contents(question_set, draft)
    _record(draft, actor, "question_set.new_version", source=question_set.pk)
    return draft


@transaction.atomic
def question_set_copy(*, question_set: QuestionSet, name: str, actor: Actor = SYSTEM) -> QuestionSet:
    """A draft copy under another name, e.g. a voluntary-sector set made
    from the statutory one."""
    if QuestionSet.objects.filter(partnership_id=question_set.partnership_id, name=name).exists():
        raise QuestionSetNameTakenError(
            f"There is already a question set called {name}. Choose another name."
        )
    copy = QuestionSet.objects.create(
        partnership_id=question_set.partnership_id,
        name=name,
        description=question_set.description,
        audience=question_set.audience,
        template_key=question_set.template_key,
    )
    _copy_contents(question_set, copy)
    _record(copy, actor, "question_set.copied", source=question_set.pk)
    return copy


def question_set_in_use(question_set: QuestionSet) -> bool:
    return (
        question_set.cycles.exists()
        or question_set.cycle_assignments.exists()
        or question_set.submissions.exists()
        or question_set.next_versions.exists()
    )


@transaction.atomic
def question_set_delete(*, question_set: QuestionSet, actor: Actor = SYSTEM) -> None:
    """Delete a draft nothing uses (a cycle, a return, or a later version)."""
    if question_set.status != QuestionSet.Status.DRAFT or question_set_in_use(question_set):
        raise DomainError(f"{question_set} cannot be deleted: only an unused draft can be.")
    _record(question_set, actor, "question_set.deleted", name=question_set.name)
    question_set.delete()


# ---------------------------------------------------------------------------
# Themes and questions
# ---------------------------------------------------------------------------


def _unique_key(text: str, taken) -> str:
    base = slugify(text)[:50].strip("-") or "item"
    key, n = base, 2
    while key in taken:
        key = f"{base}-{n}"
        n += 1
    return key


THEME_FIELDS = ("title", "description", "guidance", "red_descriptor", "amber_descriptor", "green_descriptor")
QUESTION_FIELDS = ("text", "guidance", "allows_na", "evidence_expected")


@transaction.atomic
def theme_add(*, question_set: QuestionSet, actor: Actor = SYSTEM, **fields) -> Theme:
    """A new theme at the end of the set. Its key, which carries answers
    from one version to the next, is made from its title. In a set copied
    from a built-in template it is marked local."""
    question_set_check_editable(question_set)
    existing = Theme.objects.filter(question_set=question_set)
    theme = Theme.objects.create(
        question_set=question_set,
        key=_unique_key(fields["title"], set(existing.values_list("key", flat=True))),
        order=(existing.aggregate(m=Max("order"))["m"] or 0) + 1,
        is_local=bool(question_set.template_key),
        **{f: fields.get(f, "") for f in THEME_FIELDS},
    )
    _record(question_set, actor, "question_set.theme_added", obj=theme, theme=theme.key)
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, actor: Actor = SYSTEM, **fields) -> Theme:
    question_set_check_editable(theme.question_set)
    for f in THEME_FIELDS:
        setattr(theme, f, fields.get(f, ""))
    theme.save(update_fields=list(THEME_FIELDS))
    _record(theme.question_set, actor, "question_set.theme_updated", obj=theme, theme=theme.key)
    return theme


def _swap(model, item, neighbour) -> None:
    # `order` is unique within the parent: park one of them at 0 first.
    a, b = item.order, neighbour.order
    model.objects.filter(pk=item.pk).update(order=0)
    model.objects.filter(pk=neighbour.pk).update(order=a)
    model.objects.filter(pk=item.pk).update(order=b)
    item.order, neighbour.order = b, a


def _renumber(queryset) -> None:
    for index, pk in enumerate(queryset.order_by("order").values_list("pk", flat=True), start=1):
        queryset.filter(pk=pk).exclude(order=index).update(order=index)


@transaction.atomic
def theme_move(*, theme: Theme, direction: str, actor: Actor = SYSTEM) -> Theme:
    question_set_check_editable(theme.question_set)
    siblings = Theme.objects.filter(question_set_id=theme.question_set_id)
    neighbour = (
        siblings.filter(order__lt=theme.order).order_by("-order")
        if direction == "up"
        else siblings.filter(order__gt=theme.order).order_by("order")
    ).first()
    if neighbour is None:
        return theme
    _swap(Theme, theme, neighbour)
    _record(theme.question_set, actor, "question_set.theme_moved", obj=theme, theme=theme.key, to=theme.order)
    return theme


@transaction.atomic
def theme_remove(*, theme: Theme, actor: Actor = SYSTEM) -> None:
    question_set = theme.question_set
    question_set_check_editable(question_set)
    key = theme.key
    theme.delete()
    _renumber(Theme.objects.filter(question_set=question_set))
    _record(question_set, actor, "question_set.theme_removed", theme=key)


@transaction.atomic
def question_add(*, theme: Theme, actor: Actor = SYSTEM, **fields) -> Question:
    question_set_check_editable(theme.question_set)
    existing = Question.objects.filter(theme=theme)
    question = Question.objects.create(
        theme=theme,
        key=_unique_key(fields["text"], set(existing.values_list("key", flat=True))),
        order=(existing.aggregate(m=Max("order"))["m"] or 0) + 1,
        is_local=bool(theme.question_set.template_key),
        text=fields["text"],
        guidance=fields.get("guidance", ""),
        allows_na=fields.get("allows_na", True),
        evidence_expected=fields.get("evidence_expected", False),
    )
    _record(theme.question_set, actor, "question_set.question_added", obj=question, theme=theme.key)
    return question


@transaction.atomic
def question_update(*, question: Question, actor: Actor = SYSTEM, **fields) -> Question:
    question_set_check_editable(question.theme.question_set)
    question.text = fields["text"]
    question.guidance = fields.get("guidance", "")
    question.allows_na = fields.get("allows_na", True)
    question.evidence_expected = fields.get("evidence_expected", False)
    question.save(update_fields=list(QUESTION_FIELDS))
    _record(question.theme.question_set, actor, "question_set.question_updated", obj=question)
    return question


@transaction.atomic
def question_move(*, question: Question, direction: str, actor: Actor = SYSTEM) -> Question:
    question_set_check_editable(question.theme.question_set)
    siblings = Question.objects.filter(theme_id=question.theme_id)
    neighbour = (
        siblings.filter(order__lt=question.order).order_by("-order")
        if direction == "up"
        else siblings.filter(order__gt=question.order).order_by("order")
    ).first()
    if neighbour is None:
        return question
    _swap(Question, question, neighbour)
    _record(
        question.theme.question_set, actor, "question_set.question_moved", obj=question, to=question.order
    )
    return question


@transaction.atomic
def question_remove(*, question: Question, actor: Actor = SYSTEM) -> None:
    theme = question.theme
    question_set_check_editable(theme.question_set)
    key = question.key
    question.delete()
    _renumber(Question.objects.filter(theme=theme))
    _record(theme.question_set, actor, "question_set.question_removed", theme=theme.key, question=key)


@transaction.atomic
def question_map(*, question: Question, library_key: str, actor: Actor = SYSTEM) -> Question:
    """Map one of the partnership's own questions to a built-in library
    question of the set's template ("" takes the mapping away), so that it is
    matched as that question when an organisation copies answers between
    returns or starts a return from its standing draft. No two questions of
    a set may answer to the same library question."""
    # The set's row lock orders two admins mapping two questions at once.
    question_set = QuestionSet.objects.select_for_update().get(pk=question.theme.question_set_id)
    question_set_check_editable(question_set)
    if not question.is_local:
        raise DomainError("Only a question your partnership added can be mapped to a library question")
    library_key = library_key.strip()
    if library_key:
        known = {q.library_key: q for q in library.template_questions(question_set.template_key)}
        if library_key not in known:
            raise DomainError("Select a question from the built-in question set this set was copied from")
        wanted = tuple(library_key.split("/", 1))
        for other in (
            Question.objects.filter(theme__question_set=question_set)
            .exclude(pk=question.pk)
            .select_related("theme")
        ):
            if other.match_key(other.theme.key) == wanted:
                raise DomainError(
                    f"“{other.text[:80]}” already answers to that library question. "
                    "Choose another, or remove that mapping first."
                )
    before = question.library_key
    question.library_key = library_key
    question.save(update_fields=["library_key"])
    _record(
        question_set, actor, "question_set.question_mapped", obj=question, before=before, after=library_key
    )
    return question
