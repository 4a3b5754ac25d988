"""The public page behind each agency's open link: answering, the bot check,
the rate limits, closing with the cycle, and tenancy."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys import services
from surveys.models import SurveyReply
from surveys.services import survey_update
from tests.factories import AgencyFactory, two_partnerships

from .helpers import ADMIN, form_data, link_of, old_stamp, survey_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    worlds = two_partnerships()
    survey = survey_make(worlds.a)
    return worlds, survey, link_of(survey, worlds.a.agency)


def _url(link, name="survey_answer"):
    return reverse(name, kwargs={"partnership_slug": link.partnership.slug, "token": link.token})


def test_the_page_asks_every_question_with_govuk_radios(client, world):
    _, _survey, link = world
    response = client.get(_url(link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "I know how to escalate a disagreement about a child&#x27;s safety" in html
    assert html.count('class="govuk-radios__input"') == 7 * 5 + 2 * 2
    assert "Strongly disagree" in html and 'name="served"' in html
    assert "<div hidden>" in html  # the honeypot, hidden from people
    assert "only shown once 5 or more people have replied" in html


def test_a_reply_is_stored_and_thanked(client, world):
    _, survey, link = world
    response = client.post(_url(link), form_data(survey))
    assert response.status_code == 302
    assert response["Location"] == _url(link, "survey_thanks")
    reply = SurveyReply.objects.get()
    assert reply.agency == link.agency and reply.answers.count() == 9
    assert client.get(response["Location"]).status_code == 200


def test_an_unanswered_question_is_an_error_and_the_other_answers_stay(client, world):
    _, survey, link = world
    data = form_data(survey)
    first, third = next(iter(survey.questions.all())), list(survey.questions.all())[2]
    del data[f"q{third.pk}"]
    response = client.post(_url(link), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select an answer to question 3" in html and "govuk-error-summary" in html
    assert f'href="#id_q{third.pk}_1"' in html
    assert f'name="q{first.pk}" type="radio" value="agree" checked' in html
    assert "<title>Error: " in html
    assert not SurveyReply.objects.exists()


@pytest.mark.parametrize(
    "extra",
    [
        lambda: {"website": "https://spam.example"},  # the honeypot filled in
        lambda: {"served": old_stamp(1)},  # sent a second after the page was served
        lambda: {"served": "12345:forged"},  # a stamp we did not sign
        lambda: {"served": ""},
    ],
    ids=["honeypot", "too-fast", "forged", "missing"],
)
def test_the_bot_check_stores_nothing_and_gives_a_person_the_page_back(client, world, extra):
    _, survey, link = world
    response = client.post(_url(link), form_data(survey, **extra()))
    assert response.status_code == 200
    assert "Your answers were not sent" in response.content.decode()
    assert not SurveyReply.objects.exists()
    # Served again with a fresh stamp: the person's answers are still there.
    assert 'value="agree" checked' in response.content.decode()


def test_the_link_is_rate_limited(client, world, monkeypatch):
    _, survey, link = world
    monkeypatch.setattr(services, "REPLIES_PER_LINK", 3)
    for n in range(3):
        client.post(_url(link), form_data(survey), REMOTE_ADDR=f"192.0.2.{n + 1}")
    response = client.post(_url(link), form_data(survey), REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429
    assert "Too many replies" in response.content.decode()
    assert SurveyReply.objects.count() == 3


def test_one_address_is_rate_limited_across_links(client, world, monkeypatch, settings):
    worlds, survey, link = world
    AgencyFactory(partnership=worlds.a.partnership)
    survey_update(partnership=worlds.a.partnership, survey=survey, disagreement_threshold=25, actor=ADMIN)
    other = survey.links.exclude(pk=link.pk).get()
    monkeypatch.setattr(services, "REPLIES_PER_IP", 2)
    settings.TRUSTED_PROXY_COUNT = 1
    # The address Caddy saw; what the client put to its left is ignored.
    assert (
        client.post(_url(link), form_data(survey), HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.7").status_code
        == 302
    )
    assert (
        client.post(_url(other), form_data(survey), HTTP_X_FORWARDED_FOR="10.0.0.2, 198.51.100.7").status_code
        == 302
    )
    response = client.post(_url(other), form_data(survey), HTTP_X_FORWARDED_FOR="10.0.0.3, 198.51.100.7")
    assert response.status_code == 429
    assert client.post(_url(other), form_data(survey), HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    assert SurveyReply.objects.count() == 3


def test_the_survey_closes_with_the_cycle(client, world):
    worlds, survey, link = world
    worlds.a.cycle.closes_at = timezone.now() - timedelta(minutes=1)
    worlds.a.cycle.save(update_fields=["closes_at"])
    assert client.get(_url(link)).status_code == 410
    response = client.post(_url(link), form_data(survey))
    assert response.status_code == 410 and "This survey has closed" in response.content.decode()
    assert not SurveyReply.objects.exists()


def test_another_partnerships_token_and_an_unknown_token_are_404(client, world):
    worlds, _survey, _link = world
    other = link_of(survey_make(worlds.b), worlds.b.agency)
    wrong = reverse("survey_answer", kwargs={"partnership_slug": "alpha", "token": other.token})
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, form_data(other.survey)).status_code == 404
    assert (
        client.get(
            reverse("survey_answer", kwargs={"partnership_slug": "alpha", "token": "nope"})
        ).status_code
        == 404
    )
    assert not SurveyReply.objects.exists()


def test_csrf_is_required(world):
    from django.test import Client

    _, survey, link = world
    response = Client(enforce_csrf_checks=True).post(_url(link), form_data(survey))
    assert response.status_code == 403
    assert not SurveyReply.objects.exists()


def test_an_agencys_survey_link_is_redacted_from_logs(world):
    from s11portal.logging_filters import redact

    _, _survey, link = world
    line = f'"GET /alpha/survey/{link.token}/thank-you/ HTTP/1.1" 200'
    assert link.token not in redact(line)
    assert "/alpha/survey/[redacted]/thank-you/" in redact(line)
