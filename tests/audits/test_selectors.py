"""Every selector in audits/selectors.py and themes/selectors.py keeps to its
partnership: `*_get` is a 404 for another partnership's row (by id or by
slug), `*_list` never holds one."""

import importlib
import inspect
import pkgutil
from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from audits import access
from audits import selectors as audit_selectors
from audits.models import Evidence
from audits.selectors.question_sets import question_set_list
from audits.services import resume_link_create
from core.audit import audit_event_record
from core.domain import Actor
from tests.factories import (
    AuditCycleFactory,
    QuestionSetFactory,
    SubmissionFactory,
    theme_save,
    two_partnerships,
)
from themes import selectors as theme_selectors

pytestmark = pytest.mark.django_db

COVERED = {
    audit_selectors: {
        "cycle_list",
        "cycle_list_public",
        "submission_list",
        "audit_event_list",
        "agency_link_get",
        "submission_theme_rows",
        "submission_theme_get",
        "submission_answers",
        "submission_evidence",
        "evidence_get",
        "submission_full",
        "submission_theme_keys",
        "theme_response_get",
    },
    # Tenancy tests of these are in tests/themes/test_selectors.py.
    theme_selectors: {
        "question_set_get",
        "question_set_published_list",
        "question_get",
        "theme_get",
        "theme_list_with_questions",
        "question_set_structure",
        "question_set_library_keys",
    },
}


def _selector_modules():
    """The access layer (audits.access), audits.selectors and each of its
    submodules (one per part of the product), and themes.selectors."""
    modules = [access, audit_selectors, theme_selectors]
    for info in pkgutil.iter_modules(audit_selectors.__path__):
        modules.append(importlib.import_module(f"{audit_selectors.__name__}.{info.name}"))
    return modules


def _covered(module) -> set[str]:
    """A submodule audits.selectors.<area> lists its tenancy-tested selectors
    in tests/audits/test_selectors_<area>.py as COVERED = {...}."""
    if module in COVERED:
        return COVERED[module]
    if module is access:  # the access layer: tests/audits/test_access.py
        return set(importlib.import_module("tests.audits.test_access").COVERED)
    area = module.__name__.rsplit(".", 1)[-1]
    try:
        tests = importlib.import_module(f"tests.audits.test_selectors_{area}")
    except ModuleNotFoundError:
        return set()
    return set(getattr(tests, "COVERED", set()))


@pytest.mark.parametrize("module", _selector_modules(), ids=lambda m: m.__name__)
def test_every_selector_has_a_tenancy_test(module):
    public = {
        name
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if fn.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public - _covered(module) == set(), (
        "add a test that the new selector refuses other partnerships' rows (and list it in COVERED)"
    )


@pytest.fixture
def world():
    return two_partnerships()


# ---------------------------------------------------------------------------
# Cycles
# ---------------------------------------------------------------------------


def test_cycle_list_holds_only_its_partnership(world):
    older = AuditCycleFactory(
        partnership=world.a.partnership,
        question_set=world.a.question_set,
        opens_at=timezone.now() - timedelta(days=400),
        closes_at=timezone.now() - timedelta(days=300),
    )

    assert list(audit_selectors.cycle_list(partnership=world.a.partnership)) == [world.a.cycle, older]
    assert list(audit_selectors.cycle_list(partnership=world.b.partnership)) == [world.b.cycle]


def test_cycle_list_public_holds_open_and_upcoming_cycles_of_its_partnership(world):
    now = timezone.now()
    upcoming = AuditCycleFactory(
        partnership=world.a.partnership,
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=50),
    )
    AuditCycleFactory(
        partnership=world.a.partnership,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
    )

    assert set(audit_selectors.cycle_list_public(partnership=world.a.partnership)) == {
        world.a.cycle,
        upcoming,
    }
    assert list(audit_selectors.cycle_list_public(partnership=world.b.partnership)) == [world.b.cycle]


# ---------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------


def test_submission_list_holds_only_its_partnership(world):
    a, b = world.a, world.b

    assert list(audit_selectors.submission_list(partnership=a.partnership)) == [a.submission]
    assert list(audit_selectors.submission_list(partnership=a.partnership, cycle=a.cycle)) == [a.submission]
    assert list(audit_selectors.submission_list(partnership=b.partnership)) == [b.submission]
    # Another partnership's cycle finds nothing rather than its submissions.
    assert not audit_selectors.submission_list(partnership=a.partnership, cycle=b.cycle).exists()


def test_audit_event_list_holds_only_its_partnership(world):
    a, b = world.a, world.b
    actor = Actor(name="Pat Reviewer", email="pat@alpha.example")
    mine = audit_event_record(partnership=a.partnership, actor=actor, verb="test.a", submission=a.submission)
    theirs = audit_event_record(
        partnership=b.partnership, actor=actor, verb="test.b", submission=b.submission
    )

    events_a = audit_selectors.audit_event_list(partnership=a.partnership)
    assert mine in events_a
    assert theirs not in events_a
    assert not events_a.exclude(partnership=a.partnership).exists()
    assert list(audit_selectors.audit_event_list(partnership=a.partnership, submission=a.submission)) == list(
        events_a.filter(submission=a.submission)
    )
    assert not audit_selectors.audit_event_list(partnership=a.partnership, submission=b.submission).exists()
    assert theirs in audit_selectors.audit_event_list(partnership=b.partnership)


# ---------------------------------------------------------------------------
# Question sets
# ---------------------------------------------------------------------------


def test_question_set_list_holds_only_its_partnership(world):
    a, b = world.a, world.b
    second = QuestionSetFactory(partnership=a.partnership, themes=2)

    sets_a = list(question_set_list(partnership=a.partnership))
    assert set(sets_a) == {a.question_set, second}
    assert {qs.pk: qs.theme_count for qs in sets_a} == {a.question_set.pk: 3, second.pk: 2}
    assert list(question_set_list(partnership=b.partnership)) == [b.question_set]


def test_question_set_get_is_a_404_for_another_partnerships_set(world):
    a, b = world.a, world.b
    assert theme_selectors.question_set_get(partnership=a.partnership, pk=a.question_set.pk) == a.question_set

    with pytest.raises(Http404):
        theme_selectors.question_set_get(partnership=a.partnership, pk=b.question_set.pk)
    with pytest.raises(Http404):
        theme_selectors.question_set_get(partnership=b.partnership, pk=a.question_set.pk)


def test_theme_list_with_questions_holds_only_that_sets_themes(world, django_assert_num_queries):
    a, b = world.a, world.b

    with django_assert_num_queries(2):
        themes = theme_selectors.theme_list_with_questions(question_set=a.question_set)
        questions = [q for theme in themes for q in theme.questions.all()]

    assert [t.order for t in themes] == [1, 2, 3]
    assert {t.question_set_id for t in themes} == {a.question_set.pk}
    assert len(questions) == 12
    assert not {t.pk for t in themes} & set(b.question_set.themes.values_list("pk", flat=True))


def test_question_set_library_keys_are_only_that_partnerships_sets(world, django_assert_num_queries):
    a, b = world.a, world.b
    questions = [
        q
        for t in theme_selectors.theme_list_with_questions(question_set=a.question_set)
        for q in t.questions.all()
    ]
    with django_assert_num_queries(1):
        keys = theme_selectors.question_set_library_keys(
            partnership=a.partnership, question_set=a.question_set
        )
    assert keys == {f"{q.theme.key}/{q.key}" for q in questions if not q.is_local}
    assert keys
    left_out = theme_selectors.question_set_library_keys(
        partnership=a.partnership, question_set=a.question_set, exclude=questions[0]
    )
    assert left_out == keys - {f"{questions[0].theme.key}/{questions[0].key}"}
    # Another partnership naming this set gets nothing of it.
    assert (
        theme_selectors.question_set_library_keys(partnership=b.partnership, question_set=a.question_set)
        == set()
    )


# ---------------------------------------------------------------------------
# The agency journey: a contributor's link, then everything read through the
# submission that link gave them.
# ---------------------------------------------------------------------------


def first_theme(world_side):
    return world_side.question_set.themes.order_by("order").first()


@pytest.fixture
def answered(world):
    """Both partnerships' returns with their first theme saved, and a second
    return in A's cycle with a different answer, so that a selector that
    forgot its submission filter would show it."""
    for side in world:
        theme_save(side.submission, first_theme(side), new_links=[("https://example.org/a", "Policy")])
    neighbour = SubmissionFactory(cycle=world.a.cycle)
    theme_save(neighbour, first_theme(world.a), value="no", rag="red", comments="We will fix it.")
    return world


def test_agency_link_get_is_none_in_another_partnership(world):
    link, _ = resume_link_create(submission=world.a.submission, name="Sam", email="sam@alpha-council.example")

    assert audit_selectors.agency_link_get(partnership=world.a.partnership, link_id=link.pk) == link
    assert audit_selectors.agency_link_get(partnership=world.b.partnership, link_id=link.pk) is None


def test_submission_theme_rows_count_only_this_submissions_answers(answered):
    a = answered.a

    rows = audit_selectors.submission_theme_rows(submission=a.submission)

    assert [row.theme.question_set_id for row in rows] == [a.question_set.pk] * 3
    assert [(row.total, row.answered) for row in rows] == [(4, 4), (4, 0), (4, 0)]
    assert rows[0].response.submission_id == a.submission.pk
    assert rows[0].response.rag == "green"
    assert rows[1].response is None


def test_submission_theme_get_is_a_404_for_a_theme_outside_the_set(world):
    a, b = world.a, world.b
    only_in_b = QuestionSetFactory(partnership=b.partnership, themes=1)
    only_in_b.themes.update(key="only-in-b")

    theme = audit_selectors.submission_theme_get(submission=a.submission, key="theme-1")
    assert theme.question_set_id == a.question_set.pk
    assert audit_selectors.submission_theme_get(submission=b.submission, key="theme-1").question_set_id == (
        b.question_set.pk
    )
    with pytest.raises(Http404):
        audit_selectors.submission_theme_get(submission=a.submission, key="only-in-b")


def test_submission_answers_are_only_this_submissions(answered):
    a = answered.a
    theme = first_theme(a)

    answers = audit_selectors.submission_answers(submission=a.submission)
    assert answers == {q.pk: "yes" for q in theme.questions.all()}
    assert audit_selectors.submission_answers(submission=a.submission, theme=theme) == answers
    other_theme = a.question_set.themes.get(order=2)
    assert audit_selectors.submission_answers(submission=a.submission, theme=other_theme) == {}


def test_submission_evidence_is_only_this_submissions(answered):
    a, b = answered.a, answered.b

    evidence = audit_selectors.submission_evidence(submission=a.submission)
    assert [e.submission_id for e in evidence] == [a.submission.pk]
    assert audit_selectors.submission_evidence(submission=a.submission, theme=first_theme(a)) == evidence
    assert audit_selectors.submission_evidence(submission=a.submission, staged=True) == []
    assert not set(evidence) & set(audit_selectors.submission_evidence(submission=b.submission))


def test_evidence_get_is_a_404_for_another_partnerships_evidence(answered):
    a, b = answered.a, answered.b
    mine = Evidence.objects.get(submission=a.submission)
    theirs = Evidence.objects.get(submission=b.submission)

    assert audit_selectors.evidence_get(partnership=a.partnership, token=mine.token) == mine
    with pytest.raises(Http404):
        audit_selectors.evidence_get(partnership=a.partnership, token=theirs.token)
    with pytest.raises(Http404):
        audit_selectors.evidence_get(partnership=b.partnership, token=mine.token)


def test_submission_full_shows_only_this_submission(answered):
    a = answered.a

    sections = audit_selectors.submission_full(submission=a.submission)

    assert [s["theme"].question_set_id for s in sections] == [a.question_set.pk] * 3
    assert {value for _, value in sections[0]["questions"]} == {"yes"}
    assert sections[0]["unanswered"] == []
    assert sections[0]["response"].submission_id == a.submission.pk
    assert [e.submission_id for e in sections[0]["evidence"]] == [a.submission.pk]
    assert len(sections[1]["unanswered"]) == 4
    assert sections[1]["response"] is None


def test_submission_theme_keys_are_its_own_sets(world):
    b_extra = QuestionSetFactory(partnership=world.b.partnership, themes=1)
    b_extra.themes.update(key="only-in-b")

    assert audit_selectors.submission_theme_keys(submission=world.a.submission) == [
        "theme-1",
        "theme-2",
        "theme-3",
    ]


def test_theme_response_get_is_only_this_submissions(answered):
    a, b = answered.a, answered.b

    response = audit_selectors.theme_response_get(submission=a.submission, theme=first_theme(a))
    assert response.submission_id == a.submission.pk
    assert response.rag == "green"
    assert audit_selectors.theme_response_get(submission=a.submission, theme=first_theme(b)) is None


def test_question_set_structure_is_a_404_for_another_partnerships_set(world):
    a, b = world.a, world.b
    structure = theme_selectors.question_set_structure(
        partnership=a.partnership, question_set_id=a.question_set.pk
    )
    assert [t.key for t in structure.themes] == list(
        a.question_set.themes.order_by("order").values_list("key", flat=True)
    )
    assert structure.question_count == sum(t.questions.count() for t in a.question_set.themes.all())

    with pytest.raises(Http404):
        theme_selectors.question_set_structure(partnership=a.partnership, question_set_id=b.question_set.pk)
    # Cached now, and still refused to the other partnership.
    theme_selectors.question_set_structure(partnership=b.partnership, question_set_id=b.question_set.pk)
    with pytest.raises(Http404):
        theme_selectors.question_set_structure(partnership=a.partnership, question_set_id=b.question_set.pk)


def test_question_set_structure_follows_a_change(world, django_assert_num_queries):
    a = world.a
    args = {"partnership": a.partnership, "question_set_id": a.question_set.pk}
    theme_selectors.question_set_structure(**args)
    with django_assert_num_queries(0):
        theme_selectors.question_set_structure(**args)
    theme = a.question_set.themes.order_by("order").first()
    theme.title = "Renamed in the admin"
    theme.save()
    assert theme_selectors.question_set_structure(**args).themes[0].title == "Renamed in the admin"
