"""The builder's services: themes and questions added, changed, reordered
and removed; publishing; freezing; new versions and copies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.domain import Actor
from core.models import AuditEvent
from tests.factories import AuditCycleFactory, PartnershipFactory, QuestionSetFactory, SubmissionFactory
from themes import services
from themes.models import Question, QuestionSet, Theme

pytestmark = pytest.mark.django_db

ADMIN = Actor(name="Ada Admin", email="ada@partnership.example")
DESCRIPTORS = {"red_descriptor": "Not yet.", "amber_descriptor": "Partly.", "green_descriptor": "Fully."}


def draft(partnership=None, **kwargs):
    return QuestionSetFactory(
        partnership=partnership or PartnershipFactory(),
        status=QuestionSet.Status.DRAFT,
        published_at=None,
        **kwargs,
    )


def orders(question_set):
    return list(question_set.themes.order_by("order").values_list("key", "order"))


def test_a_new_set_is_an_empty_draft_and_the_name_must_be_free():
    partnership = PartnershipFactory()
    question_set = services.question_set_create(
        partnership=partnership, name="Local audit", audience="voluntary", actor=ADMIN
    )

    assert (question_set.version, question_set.status, question_set.themes.count()) == (1, "draft", 0)
    assert AuditEvent.objects.filter(verb="question_set.created", actor_name="Ada Admin").exists()
    with pytest.raises(services.QuestionSetNameTakenError):
        services.question_set_create(partnership=partnership, name="Local audit", audience="statutory")


def test_themes_are_added_at_the_end_with_a_key_made_from_the_title():
    question_set = draft(themes=0)

    first = services.theme_add(question_set=question_set, title="Safer recruitment", **DESCRIPTORS)
    second = services.theme_add(question_set=question_set, title="Safer recruitment", **DESCRIPTORS)

    assert (first.key, first.order) == ("safer-recruitment", 1)
    assert (second.key, second.order) == ("safer-recruitment-2", 2)
    # Not copied from a built-in template: nothing is "local".
    assert not first.is_local


def test_themes_and_questions_added_to_a_copied_template_are_local():
    question_set = services.question_set_load_template(
        partnership=PartnershipFactory(), key="csap", publish=False
    )
    assert not question_set.themes.filter(is_local=True).exists()

    theme = services.theme_add(question_set=question_set, title="Our local priority", **DESCRIPTORS)
    question = services.question_add(theme=theme, text="Do you know the local threshold document?")
    in_template = services.question_add(
        theme=question_set.themes.order_by("order").first(), text="A local extra?"
    )

    assert theme.is_local and question.is_local and in_template.is_local
    assert theme.order == question_set.themes.count()


def test_theme_update_changes_every_field():
    question_set = draft(themes=1)
    theme = question_set.themes.get()

    services.theme_update(
        theme=theme,
        title="Leadership",
        description="Who leads.",
        guidance="Look at the board minutes.",
        red_descriptor="R",
        amber_descriptor="A",
        green_descriptor="G",
    )

    theme.refresh_from_db()
    assert (theme.title, theme.guidance, theme.red_descriptor, theme.green_descriptor) == (
        "Leadership",
        "Look at the board minutes.",
        "R",
        "G",
    )


def test_themes_move_up_and_down_and_stay_numbered_from_one():
    question_set = draft(themes=3)
    first, _, third = question_set.themes.order_by("order")

    services.theme_move(theme=third, direction="up")
    assert orders(question_set) == [("theme-1", 1), ("theme-3", 2), ("theme-2", 3)]
    services.theme_move(theme=Theme.objects.get(pk=first.pk), direction="down")
    assert orders(question_set) == [("theme-3", 1), ("theme-1", 2), ("theme-2", 3)]
    # At the edge, nothing moves.
    services.theme_move(theme=Theme.objects.get(pk=third.pk), direction="up")
    assert orders(question_set) == [("theme-3", 1), ("theme-1", 2), ("theme-2", 3)]

    services.theme_remove(theme=Theme.objects.get(pk=first.pk))
    assert orders(question_set) == [("theme-3", 1), ("theme-2", 2)]
    assert not Question.objects.filter(theme_id=first.pk).exists()


def test_questions_are_added_changed_moved_and_removed():
    question_set = draft(themes=1, themes__questions=3)
    theme = question_set.themes.get()

    added = services.question_add(
        theme=theme, text="Is there a whistleblowing policy?", allows_na=False, evidence_expected=True
    )
    assert (added.order, added.key, added.allows_na, added.evidence_expected) == (
        4,
        "is-there-a-whistleblowing-policy",
        False,
        True,
    )

    services.question_move(question=added, direction="up")
    assert list(theme.questions.order_by("order").values_list("key", flat=True)) == [
        "q-1",
        "q-2",
        added.key,
        "q-3",
    ]

    services.question_update(question=added, text="Reworded?", guidance="Help.", allows_na=True)
    added.refresh_from_db()
    assert (added.text, added.guidance, added.allows_na, added.evidence_expected) == (
        "Reworded?",
        "Help.",
        True,
        False,
    )

    services.question_remove(question=Question.objects.get(key="q-1", theme=theme))
    assert list(theme.questions.order_by("order").values_list("key", "order")) == [
        ("q-2", 1),
        (added.key, 2),
        ("q-3", 3),
    ]


def test_publishing_needs_a_theme_and_a_question_in_each():
    question_set = draft(themes=0)
    with pytest.raises(services.QuestionSetIncompleteError, match="at least one theme"):
        services.question_set_publish(question_set=question_set)

    theme = services.theme_add(question_set=question_set, title="Training", **DESCRIPTORS)
    with pytest.raises(services.QuestionSetIncompleteError, match="Training"):
        services.question_set_publish(question_set=question_set)

    services.question_add(theme=theme, text="Is training recorded?")
    services.question_set_publish(question_set=question_set, actor=ADMIN)
    assert QuestionSet.objects.get(pk=question_set.pk).status == "published"
    assert AuditEvent.objects.filter(verb="question_set.published").exists()


def test_a_published_set_can_change_until_a_cycle_using_it_opens():
    question_set = QuestionSetFactory(themes=1)
    cycle = AuditCycleFactory(
        question_set=question_set,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
    )
    theme = question_set.themes.get()
    services.theme_update(theme=theme, title="Still editable", **DESCRIPTORS)

    cycle.opens_at = timezone.now() - timedelta(minutes=1)
    cycle.save(update_fields=["opens_at"])

    assert question_set.is_frozen()
    with pytest.raises(services.QuestionSetFrozenError):
        services.theme_update(theme=theme, title="Too late", **DESCRIPTORS)


@pytest.mark.parametrize(
    "change",
    [
        lambda qs: services.question_set_update(question_set=qs, name="X", description="", audience="joint"),
        lambda qs: services.theme_add(question_set=qs, title="New", **DESCRIPTORS),
        lambda qs: services.theme_update(theme=qs.themes.first(), title="New", **DESCRIPTORS),
        lambda qs: services.theme_move(theme=qs.themes.first(), direction="down"),
        lambda qs: services.theme_remove(theme=qs.themes.first()),
        lambda qs: services.question_add(theme=qs.themes.first(), text="New?"),
        lambda qs: services.question_update(
            question=Question.objects.filter(theme__question_set=qs).first(), text="?"
        ),
        lambda qs: services.question_move(
            question=Question.objects.filter(theme__question_set=qs).first(), direction="down"
        ),
        lambda qs: services.question_remove(question=Question.objects.filter(theme__question_set=qs).first()),
    ],
    ids=[
        "details",
        "theme_add",
        "theme_update",
        "theme_move",
        "theme_remove",
        "question_add",
        "question_update",
        "question_move",
        "question_remove",
    ],
)
def test_a_frozen_set_refuses_every_change(change):
    submission = SubmissionFactory()  # its cycle is open: the set is frozen
    question_set = submission.question_set
    before = _snapshot(question_set)

    with pytest.raises(services.QuestionSetFrozenError):
        change(question_set)

    assert _snapshot(QuestionSet.objects.get(pk=question_set.pk)) == before


def _snapshot(question_set):
    return (
        question_set.name,
        question_set.audience,
        list(
            Theme.objects.filter(question_set=question_set).order_by("pk").values_list("pk", "order", "title")
        ),
        list(
            Question.objects.filter(theme__question_set=question_set)
            .order_by("pk")
            .values_list("pk", "order", "text")
        ),
    )


def test_a_return_started_on_a_set_freezes_it_even_before_the_cycle_opens():
    question_set = QuestionSetFactory()
    cycle = AuditCycleFactory(
        question_set=question_set,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
    )
    assert not question_set.is_frozen()

    SubmissionFactory(cycle=cycle)

    assert question_set.is_frozen()


def test_editing_a_frozen_set_means_a_new_draft_version():
    submission = SubmissionFactory()
    v1 = submission.question_set
    services.question_set_new_version(question_set=v1, actor=ADMIN)  # a second draft from v1
    v3_source = QuestionSet.objects.get(pk=v1.pk)

    v3 = services.question_set_new_version(question_set=v3_source, actor=ADMIN)

    assert (v3.name, v3.version, v3.previous_version, v3.status) == (v1.name, 3, v1, "draft")
    assert not v3.is_frozen()
    assert [(t.key, t.title, t.order) for t in v3.themes.order_by("order")] == [
        (t.key, t.title, t.order) for t in v1.themes.order_by("order")
    ]
    assert list(
        Question.objects.filter(theme__question_set=v3)
        .order_by("theme__order", "order")
        .values_list("key", "text", "allows_na")
    ) == list(
        Question.objects.filter(theme__question_set=v1)
        .order_by("theme__order", "order")
        .values_list("key", "text", "allows_na")
    )
    # New rows: editing v3 never touches what v1's answers point at.
    assert not set(v3.themes.values_list("pk", flat=True)) & set(v1.themes.values_list("pk", flat=True))
    services.theme_update(theme=v3.themes.first(), title="Changed in version 3", **DESCRIPTORS)
    assert not v1.themes.filter(title="Changed in version 3").exists()


def test_a_copy_takes_a_new_name_and_starts_at_version_one():
    question_set = QuestionSetFactory(themes=2)

    copy = services.question_set_copy(question_set=question_set, name="Voluntary sector")

    assert (copy.name, copy.version, copy.previous_version, copy.status) == (
        "Voluntary sector",
        1,
        None,
        "draft",
    )
    assert copy.themes.count() == 2
    with pytest.raises(services.QuestionSetNameTakenError):
        services.question_set_copy(question_set=question_set, name=question_set.name)


def test_only_an_unused_draft_can_be_deleted():
    unused = draft(themes=1)
    services.question_set_delete(question_set=unused, actor=ADMIN)
    assert not QuestionSet.objects.filter(pk=unused.pk).exists()

    used = SubmissionFactory().question_set
    with pytest.raises(services.DomainError):
        services.question_set_delete(question_set=used)
    published = QuestionSetFactory()
    with pytest.raises(services.DomainError):
        services.question_set_delete(question_set=published)
