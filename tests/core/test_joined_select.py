"""core.joined_select: the agency journey's link query, built once, gives
the same rows and objects the ORM's select_related does."""

import pytest
from django.forms.models import model_to_dict

from audits.models import ResumeLink, ThemeResponse
from audits.selectors import agency_link_get
from audits.services.links import resume_link_create
from audits.services.responses import _SUBMISSION_LOCKED_WITH_RESPONSE
from tests.factories import theme_save, two_partnerships
from themes.selectors import question_set_structure

pytestmark = pytest.mark.django_db


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_link_and_its_relations_match_the_orms(django_assert_num_queries):
    world = two_partnerships()
    a = world.a
    link, _ = resume_link_create(submission=a.submission, name="Sam", email="sam@alpha-council.example")
    expected = ResumeLink.objects.select_related(
        "submission__cycle", "submission__agency", "submission__partnership", "submission__question_set"
    ).get(pk=link.pk)

    # The partnership is the request's, and the question set comes with its
    # structure, kept in the process (read once, as a warm process has it).
    question_set_structure(partnership=a.partnership, question_set_id=a.submission.question_set_id)
    with django_assert_num_queries(1):
        got = agency_link_get(partnership=a.partnership, link_id=link.pk)
        submission = got.submission
        related = [submission.cycle, submission.agency, submission.partnership, submission.question_set]

    assert _fields(got) == _fields(expected)
    assert _fields(submission) == _fields(expected.submission)
    for mine, theirs in zip(
        related,
        [
            expected.submission.cycle,
            expected.submission.agency,
            expected.submission.partnership,
            expected.submission.question_set,
        ],
        strict=True,
    ):
        assert type(mine) is type(theirs)
        assert model_to_dict(mine) == model_to_dict(theirs)
    assert got.expires_at.tzinfo is not None
    assert (submission.has_evidence, submission.has_action_items) == (False, False)
    assert got._state.adding is False and got._state.db == "default"


def test_the_flags_follow_the_return(django_assert_num_queries):
    world = two_partnerships()
    a = world.a
    link, _ = resume_link_create(submission=a.submission, name="Sam", email="sam@alpha-council.example")
    theme_save(
        a.submission,
        a.question_set.themes.order_by("order").first(),
        new_links=[("https://example.org/a", "Policy")],
    )

    got = agency_link_get(partnership=a.partnership, link_id=link.pk)

    assert got.submission.has_evidence is True
    assert got.submission.has_action_items is False
    assert agency_link_get(partnership=world.b.partnership, link_id=link.pk) is None
    assert agency_link_get(partnership=a.partnership, link_id=link.pk + 1000) is None


def test_a_row_beside_the_base_is_joined_and_none_when_absent():
    """The lock a theme save takes reads the theme's response in the same
    query (audits.services.responses)."""
    world = two_partnerships()
    a = world.a
    first, second = a.question_set.themes.order_by("order")[:2]
    theme_save(a.submission, first)
    expected = ThemeResponse.objects.get(submission=a.submission, theme=first)

    saved = _SUBMISSION_LOCKED_WITH_RESPONSE.get([first.pk, a.submission.pk])
    unsaved = _SUBMISSION_LOCKED_WITH_RESPONSE.get([second.pk, a.submission.pk])

    assert _fields(saved.theme_response) == _fields(expected)
    assert saved.cycle == a.submission.cycle and saved.partnership == a.partnership
    assert unsaved.theme_response is None
    assert _fields(unsaved) == _fields(saved)
    assert _SUBMISSION_LOCKED_WITH_RESPONSE.get([first.pk, world.b.submission.pk]).theme_response is None
