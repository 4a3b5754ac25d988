"""The built-in practitioners' survey and making a cycle's survey from it."""

import pytest

from core.domain import DomainError
from surveys.library import survey_template_keys, survey_template_read
from surveys.models import Survey, SurveyLink
from surveys.services import SurveyExistsError, survey_create
from tests.factories import AgencyFactory, two_partnerships
from themes.library import template_keys, template_read

from .helpers import ADMIN, survey_make


def _question_keys(template: dict) -> set[str]:
    return {q["key"] for theme in template["themes"] for q in theme["questions"]}


def test_every_link_names_a_question_of_a_built_in_set_and_every_set_is_tested():
    survey = survey_template_read("practitioners")
    sets = {key: _question_keys(template_read(key)) for key in template_keys()}
    every_key = set().union(*sets.values())
    for question in survey["questions"]:
        unknown = set(question["links"]) - every_key
        assert not unknown, (question["key"], unknown)
    for key, keys in sets.items():
        linked = [q["key"] for q in survey["questions"] if keys & set(q["links"])]
        assert len(linked) >= 4, (key, linked)


def test_the_library_holds_the_issues_questions():
    texts = {q["text"] for q in survey_template_read("practitioners")["questions"]}
    assert "I know who my organisation's safeguarding lead is" in texts
    assert "I have had safeguarding training in the last two years" in texts
    assert "I know how to escalate a disagreement about a child's safety" in texts
    assert survey_template_keys() == ["practitioners"]


@pytest.mark.django_db
def test_survey_create_copies_the_questions_and_gives_each_agency_one_unguessable_link():
    world = two_partnerships()
    second = AgencyFactory(partnership=world.a.partnership)
    survey = survey_make(world.a)

    assert [q.key for q in survey.questions.all()][:3] == [
        "know-safeguarding-lead",
        "recent-training",
        "know-escalation",
    ]
    links = SurveyLink.objects.filter(survey=survey)
    assert {link.agency for link in links} == {world.a.agency, second}
    assert all(len(link.token) >= 32 for link in links)
    assert len({link.token for link in links}) == 2
    with pytest.raises(SurveyExistsError):
        survey_create(
            partnership=world.a.partnership,
            cycle=world.a.cycle,
            library_key="practitioners",
            disagreement_threshold=25,
            actor=ADMIN,
        )


@pytest.mark.django_db
def test_survey_create_refuses_another_partnerships_cycle():
    world = two_partnerships()
    with pytest.raises(DomainError):
        survey_create(
            partnership=world.a.partnership,
            cycle=world.b.cycle,
            library_key="practitioners",
            disagreement_threshold=25,
            actor=ADMIN,
        )
    assert not Survey.objects.exists()
