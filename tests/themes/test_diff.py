"""What changed between two versions: on the page, in words."""

import pytest
from django.test import Client

from partnerships.models import StaffRole
from tests.factories import QuestionSetFactory, two_partnerships
from tests.staff import staff_client, staff_url
from themes import services
from themes.models import Question
from themes.selectors import theme_list_with_questions
from themes.selectors.diff import ADDED, CHANGED, REMOVED, UNCHANGED, FieldChange, question_set_diff

pytestmark = pytest.mark.django_db

DESCRIPTORS = {"red_descriptor": "R", "amber_descriptor": "A", "green_descriptor": "G"}


@pytest.fixture
def versions():
    v1 = QuestionSetFactory(themes=3, themes__questions=3)
    v2 = services.question_set_new_version(question_set=v1)
    t1, t2, t3 = v2.themes.order_by("order")
    services.theme_update(
        theme=t1,
        title="Theme 1",
        description=t1.description,
        guidance="Now with guidance.",
        red_descriptor="Red now.",
        amber_descriptor=t1.amber_descriptor,
        green_descriptor=t1.green_descriptor,
    )
    q = t1.questions.get(key="q-2")
    services.question_update(question=q, text="Theme 1, question two reworded?", allows_na=False)
    services.question_add(theme=t1, text="A brand new question?")
    services.question_remove(question=t2.questions.get(key="q-3"))
    services.theme_remove(theme=t3)
    services.theme_add(question_set=v2, title="Local priorities", **DESCRIPTORS)
    return v1, v2


def diff_of(old, new):
    return question_set_diff(
        old_set=old,
        old_themes=theme_list_with_questions(question_set=old),
        new_set=new,
        new_themes=theme_list_with_questions(question_set=new),
    )


def test_the_diff_names_what_was_added_removed_and_changed(versions):
    diff = diff_of(*versions)
    by_key = {t.key: t for t in diff.themes}

    assert diff.summary == {
        "themes_added": 1,
        "themes_removed": 1,
        "themes_changed": 2,
        "questions_added": 1 + 0 + 0,
        "questions_removed": 1 + 3,  # one from theme 2, three with theme 3
        "questions_changed": 1,
    }
    assert by_key["local-priorities"].status == ADDED
    assert by_key["theme-3"].status == REMOVED
    theme1 = by_key["theme-1"]
    assert [(c.label, c.old, c.new) for c in theme1.changes] == [
        ("Guidance", "", "Now with guidance."),
        ("Red descriptor", "Not compliant with theme 1.", "Red now."),
    ]
    questions = {q.key: q for q in theme1.questions}
    assert questions["q-1"].status == UNCHANGED
    assert questions["q-2"].status == CHANGED
    assert [(c.label, c.old, c.new) for c in questions["q-2"].changes] == [
        ("Question", "Theme 1, question 2?", "Theme 1, question two reworded?"),
        ("Not applicable allowed", "Yes", "No"),
    ]
    assert questions["a-brand-new-question"].status == ADDED
    assert [q.status for q in by_key["theme-2"].questions if q.key == "q-3"] == [REMOVED]


def test_identical_versions_have_an_empty_diff():
    v1 = QuestionSetFactory()
    v2 = services.question_set_new_version(question_set=v1)
    assert diff_of(v1, v2).is_empty


def test_a_move_is_a_change_of_position_but_an_insert_moves_nothing_else():
    v1 = QuestionSetFactory(themes=3)
    v2 = services.question_set_new_version(question_set=v1)
    services.theme_move(theme=v2.themes.get(key="theme-3"), direction="up")
    moved = {t.key: t for t in diff_of(v1, v2).themes}
    assert [(c.label, c.old, c.new) for c in moved["theme-3"].changes] == [("Position", "3", "2")]

    v3 = services.question_set_new_version(question_set=v1)
    question = Question.objects.get(theme__question_set=v3, theme__key="theme-1", key="q-1")
    services.question_move(question=question, direction="down")
    services.theme_add(question_set=v3, title="At the end", **DESCRIPTORS)
    themes = {t.key: t for t in diff_of(v1, v3).themes}
    assert themes["theme-2"].status == UNCHANGED
    assert {q.key: [c.label for c in q.changes] for q in themes["theme-1"].questions}["q-1"] == ["Position"]


def test_word_level_segments():
    change = FieldChange("Question", "Do staff know the lead?", "Do all staff know the named lead now?")
    segments = change.segments
    assert "".join(s.text for s in segments if s.op != "added") == change.old
    assert "".join(s.text for s in segments if s.op != "removed") == change.new
    assert [s.text.strip() for s in segments if s.op == "added"] == ["all", "named lead now?"]
    assert [s.text.strip() for s in segments if s.op == "removed"] == ["lead?"]


def test_the_changes_page_shows_the_words(versions):
    v1, v2 = versions
    client = staff_client(Client(), v1.partnership, StaffRole.READ_ONLY)

    html = client.get(staff_url(v1.partnership, "staff_question_set_diff", pk=v2.pk)).content.decode()

    assert f"Changes from {v1}" in html
    assert "Themes: 1 added, 1 removed, 2 changed" in html
    assert "Questions: 1 added, 4 removed, 1 changed" in html
    assert '<ins class="s11-diff-added"><span class="govuk-visually-hidden">[added: </span>two' in html
    assert "Local priorities" in html and "Theme removed" in html
    assert "A brand new question?" in html


def test_the_changes_page_compares_only_within_the_partnership():
    worlds = two_partnerships()
    client = staff_client(Client(), worlds.a.partnership, StaffRole.ADMIN)
    url = staff_url(worlds.a.partnership, "staff_question_set_diff", pk=worlds.a.question_set.pk)

    assert client.get(url + f"?from={worlds.b.question_set.pk}").status_code == 404
    assert client.get(url + "?from=nonsense").status_code == 404
    other_a = QuestionSetFactory(partnership=worlds.a.partnership)
    assert client.get(url + f"?from={other_a.pk}").status_code == 200
