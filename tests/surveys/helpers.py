"""Surveys for the tests: made and answered through the services."""

import time

from django.core import signing

from core.domain import Actor
from surveys.forms import SIGNER_SALT
from surveys.models import Choice, QuestionKind, Survey, SurveyLink
from surveys.services import survey_create, survey_reply_record

ADMIN = Actor(name="Ada Admin", email="ada@partnership.example")


def survey_make(world, *, threshold: int = 25) -> Survey:
    """The practitioners' survey of the world's cycle (made once)."""
    existing = Survey.objects.filter(cycle=world.cycle).first()
    if existing is not None:
        return existing
    return survey_create(
        partnership=world.partnership,
        cycle=world.cycle,
        library_key="practitioners",
        disagreement_threshold=threshold,
        actor=ADMIN,
    )


def link_of(survey: Survey, agency) -> SurveyLink:
    return SurveyLink.objects.get(survey=survey, agency=agency)


def answers_all(survey: Survey, *, agree: bool, overrides: dict | None = None) -> dict[int, str]:
    """Every question agreed with (Agree / Yes) or not (Disagree / No);
    `overrides` maps a question key to a choice."""
    overrides = overrides or {}
    answers = {}
    for q in survey.questions.all():
        if q.key in overrides:
            answers[q.pk] = overrides[q.key]
        elif q.kind == QuestionKind.LIKERT:
            answers[q.pk] = Choice.AGREE if agree else Choice.DISAGREE
        else:
            answers[q.pk] = Choice.YES if agree else Choice.NO
    return answers


def replies_add(link: SurveyLink, *, agreeing: int, disagreeing: int = 0, overrides: dict | None = None):
    for agree in [True] * agreeing + [False] * disagreeing:
        survey_reply_record(
            link=link, answers=answers_all(link.survey, agree=agree, overrides=overrides), ip=None
        )


def old_stamp(seconds: int = 60) -> str:
    """A served-at stamp from `seconds` ago: a person's pace."""
    return signing.dumps(int(time.time()) - seconds, salt=SIGNER_SALT)


def form_data(survey: Survey, *, agree: bool = True, **extra) -> dict:
    data = {f"q{pk}": value for pk, value in answers_all(survey, agree=agree).items()}
    data |= {"served": old_stamp(), "website": ""}
    data.update(extra)
    return data
