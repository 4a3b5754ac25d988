"""The built-in question-set templates and the validation every imported
question set goes through."""

import copy

import pytest

from tests.factories import PartnershipFactory
from themes import library
from themes.models import Question, QuestionSet, Theme
from themes.services import question_set_create_from_data, question_set_load_template

TEMPLATE_KEYS = ["csap", "sheffield", "voluntary-community", "working-together-2018"]


def test_the_four_templates_are_in_the_library():
    assert library.template_keys() == TEMPLATE_KEYS


def test_an_unknown_template_is_a_key_error():
    with pytest.raises(KeyError):
        library.template_read("no-such-template")


@pytest.mark.django_db
@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_loads_into_a_partnership(key):
    partnership = PartnershipFactory()
    data = library.template_read(key)

    question_set = question_set_load_template(partnership=partnership, key=key)

    assert question_set.partnership == partnership
    assert question_set.template_key == key
    assert question_set.name == data["name"].strip()
    assert question_set.status == QuestionSet.Status.PUBLISHED
    assert question_set.published_at is not None
    themes = list(question_set.themes.order_by("order"))
    assert [t.key for t in themes] == [t["key"] for t in data["themes"]]
    assert [t.order for t in themes] == list(range(1, len(themes) + 1))
    for theme, theme_data in zip(themes, data["themes"], strict=True):
        questions = list(theme.questions.order_by("order"))
        assert questions, f"{key}: theme {theme.key} has no questions"
        assert [q.key for q in questions] == [q["key"] for q in theme_data["questions"]]
        assert [q.order for q in questions] == list(range(1, len(questions) + 1))
        for rag in ("red", "amber", "green"):
            assert theme.descriptor(rag).strip(), f"{key}: theme {theme.key} has no {rag} descriptor"
        for question in questions:
            assert question.text.strip()
            expected_na = next(q for q in theme_data["questions"] if q["key"] == question.key).get(
                "allows_na", True
            )
            assert question.allows_na is expected_na


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_keys_are_unique(key):
    clean = library.validate(library.template_read(key))

    theme_keys = [t["key"] for t in clean["themes"]]
    assert len(theme_keys) == len(set(theme_keys))
    for theme in clean["themes"]:
        question_keys = [q["key"] for q in theme["questions"]]
        assert len(question_keys) == len(set(question_keys)), theme["key"]


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_key_in_the_file_matches_its_name(key):
    assert library.template_read(key)["key"] == key


# ---------------------------------------------------------------------------
# Validation of malformed data
# ---------------------------------------------------------------------------


def valid_data() -> dict:
    return {
        "format": library.FORMAT,
        "key": "local-set",
        "name": "A local question set",
        "audience": "statutory",
        "themes": [
            {
                "key": "leadership",
                "title": "Leadership",
                "descriptors": {"red": "Not compliant.", "amber": "Partly.", "green": "Fully."},
                "questions": [
                    {"key": "lead", "text": "Is there a named lead?", "allows_na": False},
                    {"key": "plan", "text": "Is safeguarding in the plan?"},
                ],
            },
            {
                "key": "training",
                "title": "Training",
                "descriptors": {"red": "Not compliant.", "amber": "Partly.", "green": "Fully."},
                "questions": [{"key": "induction", "text": "Is safeguarding in induction?"}],
            },
        ],
    }


def problems_of(data) -> dict[str, str]:
    with pytest.raises(library.QuestionSetFormatError) as excinfo:
        library.validate(data)
    return {p.path: p.message for p in excinfo.value.problems}


def test_valid_data_is_normalised():
    clean = library.validate(valid_data())

    assert clean["name"] == "A local question set"
    assert clean["themes"][0]["red"] == "Not compliant."
    assert clean["themes"][0]["questions"][0]["allows_na"] is False
    assert clean["themes"][0]["questions"][1]["allows_na"] is True
    assert clean["themes"][0]["questions"][1]["evidence_expected"] is False


def test_missing_name_is_named_by_its_path():
    data = valid_data()
    del data["name"]

    assert problems_of(data) == {"name": "is required"}


def test_bad_top_level_key_is_named_by_its_path():
    data = valid_data()
    data["key"] = "Local Set"

    assert set(problems_of(data)) == {"key"}


def test_wrong_format_is_refused():
    data = valid_data()
    data["format"] = "something-else@2"

    assert set(problems_of(data)) == {"format"}


def test_empty_themes_are_refused():
    data = valid_data()
    data["themes"] = []

    assert set(problems_of(data)) == {"themes"}


def test_not_a_mapping_is_refused():
    assert set(problems_of(["themes"])) == {""}


def test_bad_theme_slug_is_named_by_its_path():
    data = valid_data()
    data["themes"][1]["key"] = "Safer Recruitment!"

    assert set(problems_of(data)) == {"themes[1].key"}


def test_bad_question_slug_is_named_by_its_path():
    data = valid_data()
    data["themes"][0]["questions"][1]["key"] = "Plan Q"

    assert set(problems_of(data)) == {"themes[0].questions[1].key"}


def test_duplicate_theme_keys_are_refused():
    data = valid_data()
    data["themes"][1]["key"] = "leadership"

    problems = problems_of(data)
    assert set(problems) == {"themes[1].key"}
    assert "leadership" in problems["themes[1].key"]


def test_duplicate_question_keys_in_a_theme_are_refused():
    data = valid_data()
    data["themes"][0]["questions"][1]["key"] = "lead"

    assert set(problems_of(data)) == {"themes[0].questions[1].key"}


def test_same_question_key_in_two_themes_is_allowed():
    data = valid_data()
    data["themes"][1]["questions"][0]["key"] = "lead"

    library.validate(data)


def test_non_bool_allows_na_is_refused():
    data = valid_data()
    data["themes"][0]["questions"][1]["allows_na"] = "yes"

    assert problems_of(data) == {"themes[0].questions[1].allows_na": "must be true or false"}


def test_missing_question_text_is_named_by_its_path():
    data = valid_data()
    data["themes"][0]["questions"][1]["text"] = "   "

    assert problems_of(data) == {"themes[0].questions[1].text": "is required"}


def test_missing_descriptor_is_named_by_its_path():
    data = valid_data()
    del data["themes"][1]["descriptors"]["amber"]

    assert problems_of(data) == {"themes[1].descriptors.amber": "is required"}


def test_theme_without_questions_is_refused():
    data = valid_data()
    data["themes"][1]["questions"] = []

    assert set(problems_of(data)) == {"themes[1].questions"}


def test_unknown_audience_is_refused():
    data = valid_data()
    data["audience"] = "everyone"

    assert set(problems_of(data)) == {"audience"}


def test_every_problem_is_listed_at_once():
    data = valid_data()
    del data["name"]
    data["themes"][0]["questions"][0]["allows_na"] = "no"
    data["themes"][1]["title"] = ""

    assert set(problems_of(data)) == {
        "name",
        "themes[0].questions[0].allows_na",
        "themes[1].title",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "break_it",
    [
        lambda d: d.pop("name"),
        lambda d: d.update(themes=[]),
        lambda d: d["themes"][1].update(key="Bad Key"),
        lambda d: d["themes"][1].update(key="leadership"),
        lambda d: d["themes"][1]["questions"][0].update(allows_na="sometimes"),
    ],
    ids=["missing-name", "empty-themes", "bad-slug", "duplicate-key", "non-bool-allows-na"],
)
def test_nothing_is_saved_when_the_data_is_invalid(break_it):
    partnership = PartnershipFactory()
    data = copy.deepcopy(valid_data())
    break_it(data)

    with pytest.raises(library.QuestionSetFormatError):
        question_set_create_from_data(partnership=partnership, data=data, publish=True)

    assert not QuestionSet.objects.exists()
    assert not Theme.objects.exists()
    assert not Question.objects.exists()
