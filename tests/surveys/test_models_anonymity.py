"""Nothing that identifies a practitioner is stored with a reply: the
models have no field for it, and a reply posted with an address, a proxy
header and a browser's user agent keeps none of them."""

import pytest
from django.db import connection
from django.urls import reverse

from surveys.models import SurveyAnswer, SurveyLink, SurveyReply
from tests.factories import two_partnerships

from .helpers import form_data, link_of, survey_make

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
FORWARDED = "198.51.100.23"
USER_AGENT = "Mozilla/5.0 (Windows NT 10.0) Practitioner-Browser/123.4"


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields}


def test_a_reply_has_no_field_that_could_identify_whoever_sent_it():
    assert _fields(SurveyReply) == {"id", "partnership", "survey", "agency", "received_on"}
    assert _fields(SurveyAnswer) == {"id", "reply", "question", "value"}
    # The link names an agency; nothing in it names a person.
    assert _fields(SurveyLink) == {"id", "partnership", "survey", "agency", "token"}
    # The day, not the time.
    assert SurveyReply._meta.get_field("received_on").get_internal_type() == "DateField"


def test_a_posted_reply_keeps_no_address_user_agent_session_or_time(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    worlds = two_partnerships()
    survey = survey_make(worlds.a)
    link = link_of(survey, worlds.a.agency)
    url = reverse("survey_answer", kwargs={"partnership_slug": "alpha", "token": link.token})

    response = client.post(
        url,
        form_data(survey),
        REMOTE_ADDR=IP,
        HTTP_X_FORWARDED_FOR=f"10.1.1.1, {FORWARDED}",
        HTTP_USER_AGENT=USER_AGENT,
    )

    assert response.status_code == 302
    reply = SurveyReply.objects.get()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {SurveyReply._meta.db_table}")  # noqa: S608 - our own table name
        reply_rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {SurveyAnswer._meta.db_table}")  # noqa: S608
        answer_rows = cursor.fetchall()
    stored = " ".join(str(value) for row in reply_rows + answer_rows for value in row)
    for identifying in (IP, FORWARDED, "10.1.1.1", USER_AGENT, "Practitioner-Browser"):
        assert identifying not in stored
    assert len(reply_rows) == 1 and len(reply_rows[0]) == 5
    assert ":" not in str(reply.received_on)  # a date, no time of day
    # No session is started for a practitioner.
    assert settings.SESSION_COOKIE_NAME not in response.cookies
