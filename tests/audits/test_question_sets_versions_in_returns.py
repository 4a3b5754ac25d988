"""A return is always read against the version it was answered on: a new
version of the set, or a new default for the cycle, changes nothing an
agency has already said, on its theme pages, check answers or its copy."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Answer, AuditCycle, Submission
from audits.services import resume_link_create, submission_get_or_create, submission_submit
from core.domain import Actor
from partnerships.models import StaffRole
from tests.factories import AgencyFactory, partnership_world, submission_complete
from tests.staff import staff_client, staff_url
from themes import services
from themes.models import QuestionSet

pytestmark = pytest.mark.django_db

NEW_QUESTION = "Version 2: is the safeguarding lead on the board?"
NEW_TITLE = "Leadership (version 2)"


def agency_client(submission) -> Client:
    client = Client()
    _, url = resume_link_create(submission=submission, name="Sam", email="sam@agency.example", mint=True)
    assert client.get(urlsplit(url).path).status_code == 302
    return client


@pytest.fixture
def world():
    w = partnership_world(slug="alpha")
    submission_complete(w.submission)
    w.submission.refresh_from_db()
    return w


def make_version_2(w) -> QuestionSet:
    """An admin edits the set in use: through the pages, as they would."""
    admin = staff_client(Client(), w.partnership, StaffRole.ADMIN)
    response = admin.post(staff_url(w.partnership, "staff_question_set_new_version", pk=w.question_set.pk))
    v2 = QuestionSet.objects.get(previous_version=w.question_set)
    assert response["Location"] == staff_url(w.partnership, "staff_question_set", pk=v2.pk)
    theme = v2.themes.get(key="theme-1")
    question = theme.questions.get(key="q-1")
    admin.post(
        staff_url(w.partnership, "staff_question_set_theme_edit", pk=v2.pk, theme_pk=theme.pk),
        {
            "title": NEW_TITLE,
            "red_descriptor": "R2",
            "amber_descriptor": "A2",
            "green_descriptor": "G2",
        },
    )
    admin.post(
        staff_url(w.partnership, "staff_question_set_question_edit", pk=v2.pk, question_pk=question.pk),
        {"text": NEW_QUESTION, "allows_na": "on"},
    )
    admin.post(staff_url(w.partnership, "staff_question_set_publish", pk=v2.pk))
    v2.refresh_from_db()
    assert v2.status == "published"
    assert v2.themes.get(key="theme-1").title == NEW_TITLE
    return v2


def test_the_set_in_use_is_frozen_and_unchanged_by_its_new_version(world):
    v1 = world.question_set
    answers_before = list(
        Answer.objects.filter(submission=world.submission).values_list("question_id", "value")
    )

    make_version_2(world)

    v1.refresh_from_db()
    assert v1.is_frozen()
    assert v1.themes.get(key="theme-1").title == "Theme 1"
    assert v1.themes.get(key="theme-1").questions.get(key="q-1").text == "Theme 1, question 1?"
    assert list(Answer.objects.filter(submission=world.submission).values_list("question_id", "value")) == (
        answers_before
    )


def test_an_old_return_shows_its_own_version_and_a_new_one_the_new_version(world):
    v2 = make_version_2(world)
    # The cycle now hands out version 2 (as the cycle admin would set it).
    AuditCycle.objects.filter(pk=world.cycle.pk).update(question_set=v2)
    newcomer = AgencyFactory(partnership=world.partnership, name="Newcomer Trust")
    new_return = submission_get_or_create(cycle=AuditCycle.objects.get(pk=world.cycle.pk), agency=newcomer)
    assert new_return.question_set == v2
    assert Submission.objects.get(pk=world.submission.pk).question_set == world.question_set

    slug = world.partnership.slug
    theme_url = reverse("theme", kwargs={"partnership_slug": slug, "theme_key": "theme-1"})
    check_url = reverse("check_answers", kwargs={"partnership_slug": slug})

    old = agency_client(world.submission)
    page = old.get(theme_url).content.decode()
    assert "Theme 1, question 1?" in page and "Theme 1</h1>" in page
    assert NEW_QUESTION not in page and NEW_TITLE not in page
    check = old.get(check_url).content.decode()
    assert "Theme 1, question 1?" in check and NEW_QUESTION not in check
    assert len(re.findall(r">\s*Yes\s*<", check)) == 12  # every answer given on version 1 is still there

    new = agency_client(new_return)
    page = new.get(theme_url).content.decode()
    assert NEW_QUESTION in page and NEW_TITLE in page
    assert "Theme 1, question 1?" not in page


def test_a_submitted_return_keeps_its_version_on_its_confirmation_page(world):
    submission_submit(
        submission=world.submission,
        submitted_by=Actor(name="Sam", email="sam@agency.example"),
        signed_off_by_name="Alex",
        signed_off_by_role="Director",
        expected_version=world.submission.version,
    )
    v2 = make_version_2(world)
    AuditCycle.objects.filter(pk=world.cycle.pk).update(question_set=v2)
    client = agency_client(Submission.objects.get(pk=world.submission.pk))

    page = client.get(reverse("confirmation", kwargs={"partnership_slug": world.partnership.slug}))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Theme 1, question 1?" in text and NEW_QUESTION not in text


def test_editing_a_frozen_set_through_the_pages_is_refused(world):
    admin = staff_client(Client(), world.partnership, StaffRole.ADMIN)
    theme = world.question_set.themes.get(key="theme-1")
    url = staff_url(
        world.partnership, "staff_question_set_theme_edit", pk=world.question_set.pk, theme_pk=theme.pk
    )

    assert admin.get(url)["Location"] == staff_url(
        world.partnership, "staff_question_set", pk=world.question_set.pk
    )
    response = admin.post(
        url,
        {"title": "Sneaky", "red_descriptor": "R", "amber_descriptor": "A", "green_descriptor": "G"},
        follow=True,
    )

    assert "is in use" in response.content.decode()
    assert world.question_set.themes.get(key="theme-1").title == "Theme 1"
    # The page offers the way forward instead.
    detail = admin.get(
        staff_url(world.partnership, "staff_question_set", pk=world.question_set.pk)
    ).content.decode()
    assert "Make a new version to edit" in detail
    assert "staff_question_set_theme_edit" not in detail and f"/themes/{theme.pk}/edit/" not in detail
    assert services.question_set_in_use(world.question_set)
