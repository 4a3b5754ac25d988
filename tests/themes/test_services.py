"""Writes to question sets: versions, publishing, freezing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AuditCycleFactory, PartnershipFactory, question_set_with_questions
from themes import library
from themes.models import QuestionSet
from themes.services import (
    question_set_create_from_data,
    question_set_load_template,
    question_set_publish,
)

pytestmark = pytest.mark.django_db


def test_loading_the_same_template_twice_makes_a_new_version():
    partnership = PartnershipFactory()

    first = question_set_load_template(partnership=partnership, key="csap")
    second = question_set_load_template(partnership=partnership, key="csap")

    assert (first.version, second.version) == (1, 2)
    assert second.name == first.name
    assert second.previous_version == first
    assert first.previous_version is None
    # Each version has its own copy of the themes, so answers to one never
    # move when the other is edited.
    assert first.themes.count() == second.themes.count() > 0
    assert not set(first.themes.values_list("pk", flat=True)) & set(
        second.themes.values_list("pk", flat=True)
    )


def test_versions_are_counted_per_partnership():
    a, b = PartnershipFactory(), PartnershipFactory()

    question_set_load_template(partnership=a, key="sheffield")
    question_set_load_template(partnership=a, key="sheffield")
    in_b = question_set_load_template(partnership=b, key="sheffield")

    assert in_b.version == 1
    assert in_b.previous_version is None


def test_a_draft_has_no_published_date_until_it_is_published():
    partnership = PartnershipFactory()

    draft = question_set_load_template(partnership=partnership, key="voluntary-community", publish=False)
    assert draft.status == QuestionSet.Status.DRAFT
    assert draft.published_at is None

    before = timezone.now()
    published = question_set_publish(question_set=draft)

    published.refresh_from_db()
    assert published.status == QuestionSet.Status.PUBLISHED
    assert before <= published.published_at <= timezone.now()


def test_publishing_twice_keeps_the_first_date():
    partnership = PartnershipFactory()
    question_set = question_set_load_template(partnership=partnership, key="csap", publish=False)
    question_set_publish(question_set=question_set)
    first_date = QuestionSet.objects.get(pk=question_set.pk).published_at

    question_set_publish(question_set=QuestionSet.objects.get(pk=question_set.pk))

    assert QuestionSet.objects.get(pk=question_set.pk).published_at == first_date


def test_a_set_can_be_named_on_import():
    partnership = PartnershipFactory()

    question_set = question_set_create_from_data(
        partnership=partnership, data=library.template_read("csap"), name="CSAP 2027 with local questions"
    )

    assert question_set.name == "CSAP 2027 with local questions"
    assert question_set.version == 1
    assert question_set.status == QuestionSet.Status.DRAFT


def test_a_set_no_cycle_uses_is_not_frozen():
    question_set = question_set_with_questions(PartnershipFactory())

    assert not question_set.is_frozen()


def test_a_set_is_not_frozen_before_its_cycle_opens():
    partnership = PartnershipFactory()
    question_set = question_set_with_questions(partnership)
    AuditCycleFactory(
        question_set=question_set,
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=40),
    )

    assert not question_set.is_frozen()


def test_a_set_is_frozen_once_a_cycle_using_it_has_opened():
    partnership = PartnershipFactory()
    question_set = question_set_with_questions(partnership)
    cycle = AuditCycleFactory(
        question_set=question_set,
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=40),
    )

    assert question_set.is_frozen(now=cycle.opens_at)
    assert question_set.is_frozen(now=cycle.opens_at + timedelta(days=100))
    assert not question_set.is_frozen(now=cycle.opens_at - timedelta(seconds=1))


def test_an_open_cycle_freezes_its_set():
    cycle = AuditCycleFactory()

    assert cycle.question_set.is_frozen()


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("Fully compliant: a board-level lead is in place.", "A board-level lead is in place."),
        ("fully compliant – leaders seek assurance.", "Leaders seek assurance."),
        ("Fully compliant with the standard.", "Fully compliant with the standard."),  # not a lead-in
        ("Fully compliant:", "Fully compliant:"),  # nothing after it: keep what was written
        ("A board-level lead is in place.", "A board-level lead is in place."),
    ],
)
def test_a_descriptor_beside_its_rating_does_not_repeat_what_the_rating_means(written, hint):
    from themes.models import Theme

    theme = Theme(green_descriptor=written, amber_descriptor="Partially compliant; partly.")
    assert theme.descriptor("green") == hint
    assert theme.descriptor("amber") == "Partly."
    assert theme.descriptor("red") == ""
    assert theme.descriptor("purple") == ""
