"""A partnership's own question mapped to a built-in library question
(issue 13 item 4): only a local question, only to a question of the set's
template, never two questions of a set to one library question, only while
the set is a draft; the mapping goes into new versions and the log."""

import pytest

from core.domain import Actor, DomainError
from core.models import AuditEvent
from tests.factories import AuditCycleFactory, PartnershipFactory, QuestionSetFactory
from themes import library, services
from themes.models import Question, QuestionSet
from themes.selectors import theme_list_with_questions
from themes.selectors.diff import question_set_diff

pytestmark = pytest.mark.django_db

ADMIN = Actor(name="Ada Admin", email="ada@partnership.example")
LEAD = "leadership/board-level-lead"


def csap_draft(partnership=None):
    question_set = QuestionSetFactory(
        partnership=partnership or PartnershipFactory(),
        status=QuestionSet.Status.DRAFT,
        published_at=None,
        template_key="csap",
        themes=1,
        themes__questions=1,
    )
    theme = question_set.themes.get()
    local = Question.objects.create(theme=theme, key="ours", order=2, text="Our own?", is_local=True)
    other = Question.objects.create(theme=theme, key="ours-2", order=3, text="Another?", is_local=True)
    return question_set, local, other


def test_a_local_question_is_mapped_and_matched_as_the_library_question():
    question_set, local, _ = csap_draft()
    services.question_map(question=local, library_key=LEAD, actor=ADMIN)
    local.refresh_from_db()
    assert local.library_key == LEAD
    assert local.match_key("theme-1") == ("leadership", "board-level-lead")
    event = AuditEvent.objects.get(verb="question_set.question_mapped")
    assert event.detail["after"] == LEAD
    # A new version keeps the mapping.
    services.question_set_publish(question_set=question_set, actor=ADMIN)
    draft = services.question_set_new_version(question_set=question_set, actor=ADMIN)
    assert Question.objects.get(theme__question_set=draft, key="ours").library_key == LEAD
    # And it can be taken away.
    services.question_map(
        question=Question.objects.get(theme__question_set=draft, key="ours"), library_key=""
    )
    assert Question.objects.get(theme__question_set=draft, key="ours").match_key("theme-1") is None


def test_only_a_local_question_to_a_question_of_the_template():
    question_set, local, _ = csap_draft()
    library_own = Question.objects.get(theme__question_set=question_set, is_local=False)
    with pytest.raises(DomainError, match="Only a question your partnership added"):
        services.question_map(question=library_own, library_key=LEAD)
    with pytest.raises(DomainError, match="Select a question from the built-in"):
        services.question_map(question=local, library_key="leadership/no-such-question")
    # The set's template decides: a Sheffield question is not a CSAP one.
    with pytest.raises(DomainError, match="Select a question from the built-in"):
        services.question_map(question=local, library_key="theme-1/q-1")


def test_no_two_questions_of_a_set_answer_to_one_library_question():
    _, local, other = csap_draft()
    services.question_map(question=local, library_key=LEAD)
    with pytest.raises(DomainError, match="already answers to that library question"):
        services.question_map(question=other, library_key=LEAD)
    other.refresh_from_db()
    assert other.library_key == ""


def test_a_set_in_use_cannot_change_its_mappings():
    question_set, local, _ = csap_draft()
    AuditCycleFactory(partnership=question_set.partnership, question_set=question_set)
    with pytest.raises(services.QuestionSetFrozenError):
        services.question_map(question=local, library_key=LEAD)


def test_a_mapping_survives_export_and_import():
    question_set, local, _ = csap_draft()
    services.question_map(question=local, library_key=LEAD)
    data = library.export_data(question_set, question_set.themes.prefetch_related("questions"))
    exported = data["themes"][0]["questions"]
    assert [q.get("maps_to") for q in exported] == [None, LEAD, None]
    copy = services.question_set_create_from_data(partnership=PartnershipFactory(), data=data)
    assert Question.objects.get(theme__question_set=copy, key="ours").library_key == LEAD


def _with_mapping(maps_to, *, local=True, key="csap"):
    data = {
        "format": library.FORMAT,
        "key": key,
        "name": "Ours",
        "themes": [
            {
                "key": "leadership",
                "title": "Leadership",
                "descriptors": {"red": "No.", "amber": "Partly.", "green": "Yes."},
                "questions": [
                    {"key": "board-level-lead", "text": "The library's own?"},
                    {"key": "ours", "text": "Ours?", "local": local, "maps_to": maps_to},
                ],
            }
        ],
    }
    with pytest.raises(library.QuestionSetFormatError) as excinfo:
        library.validate(data)
    return {p.path: p.message for p in excinfo.value.problems}


def test_an_imported_mapping_is_checked_like_one_made_on_the_page():
    where = "themes[0].questions[1].maps_to"
    assert "like leadership/named-lead" in _with_mapping("just-a-key")[where]
    assert "only for a question of your own" in _with_mapping("leadership/strategic-plan", local=False)[where]
    assert "already the key of another question" in _with_mapping(LEAD)[where]
    assert "not a question of the built-in set 'csap'" in _with_mapping("leadership/nope")[where]


def test_a_new_mapping_shows_in_the_changes_between_versions():
    question_set, _, _ = csap_draft()
    services.question_set_publish(question_set=question_set, actor=ADMIN)
    draft = services.question_set_new_version(question_set=question_set, actor=ADMIN)
    services.question_map(
        question=Question.objects.get(theme__question_set=draft, key="ours"), library_key=LEAD
    )
    diff = question_set_diff(
        old_set=question_set,
        old_themes=theme_list_with_questions(question_set=question_set),
        new_set=draft,
        new_themes=theme_list_with_questions(question_set=draft),
    )
    changes = [c for t in diff.themes for q in t.questions for c in q.changes]
    assert [(c.label, c.old, c.new) for c in changes] == [("Mapped to library question", "", LEAD)]
