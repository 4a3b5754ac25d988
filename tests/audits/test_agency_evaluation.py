"""Issue 14 item 1: once the partnership confirms its evaluation, the
agency's own pages show it: the task list (outcome, message, and per theme
the agency's rating beside the moderated one with the reviewer's comment),
each submitted theme's read-only summary, and the confirmation page, which
no longer says the partnership "will review" the return."""

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import Rag, ReviewOutcome
from audits.services import resume_link_create
from audits.services.review import (
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from tests.factories import two_partnerships
from tests.staff import staff_user

from .review_support import reviewer_actor, submitted_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return submitted_world(two_partnerships().a)


def agency_client(w) -> Client:
    client = Client()
    _, link = resume_link_create(submission=w.submission, name="Sam", email=w.contact.email, mint=True)
    assert client.get(link.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    return client


def page(client, w, name, **kwargs) -> str:
    response = client.get(reverse(name, kwargs={"partnership_slug": w.partnership.slug, **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


def evaluate(w, *, confirm=True):
    actor = reviewer_actor(staff_user(w.partnership))
    theme = w.question_set.themes.order_by("order").first()
    theme_moderation_save(
        submission=w.submission, theme=theme, rag=Rag.AMBER, comment="The training log is old.", actor=actor
    )
    review_outcome_save(
        submission=w.submission,
        outcome=ReviewOutcome.FURTHER_EVIDENCE,
        message="Please send your current training log.",
        actor=actor,
    )
    if confirm:
        review_evaluation_confirm(submission=w.submission, actor=actor)
    return theme, actor


def test_nothing_of_a_draft_evaluation_reaches_the_agency(a):
    evaluate(a, confirm=False)
    client = agency_client(a)
    task_list = page(client, a, "task_list")
    assert "evaluation" not in task_list.lower()
    assert "The training log is old." not in task_list
    assert "will review your return" in page(client, a, "confirmation")
    theme = a.question_set.themes.order_by("order").first()
    assert "Reviewer's comment" not in page(client, a, "theme", theme_key=theme.key)


def test_the_confirmed_evaluation_is_on_the_task_list(a):
    theme, _ = evaluate(a)
    html = page(agency_client(a), a, "task_list")
    assert "Partnership ALPHA's evaluation" in html
    assert "Further evidence requested" in html
    assert "Please send your current training log." in html
    row = html.split(f'id="evaluation-{theme.key}"', 1)[1].split("</tr>", 1)[0]
    assert "Green" in row and "Amber" in row and "The training log is old." in row
    # A theme the partnership did not moderate: the agency's rating stands.
    other = a.question_set.themes.order_by("order").last()
    row = html.split(f'id="evaluation-{other.key}"', 1)[1].split("</tr>", 1)[0]
    assert "Your rating stands" in row


def test_each_submitted_theme_page_shows_its_moderation(a):
    theme, _ = evaluate(a)
    client = agency_client(a)
    html = page(client, a, "theme", theme_key=theme.key)
    assert "Partnership ALPHA's rating" in html
    assert "The training log is old." in html
    assert "<input" not in html.split('id="theme-', 1)[1]  # a summary, not a form
    other = a.question_set.themes.order_by("order").last()
    assert "your rating stands" in page(client, a, "theme", theme_key=other.key)


def test_the_confirmation_page_says_the_return_has_been_reviewed(a):
    evaluate(a)
    html = page(agency_client(a), a, "confirmation")
    assert "will review" not in html
    assert "has reviewed your return" in html and "Further evidence requested" in html
    assert "The training log is old." in html


def test_a_return_sent_back_for_changes_shows_no_evaluation(a):
    _, actor = evaluate(a)
    submission_return(submission=a.submission, reason="Add the log", actor=actor)
    html = page(agency_client(a), a, "task_list")
    assert "Please send your current training log." not in html


def _queries(client, url) -> int:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries if "SAVEPOINT" not in q["sql"])


def test_the_agency_pages_of_an_evaluated_return_stay_within_ten_queries(a):
    theme, _ = evaluate(a)
    client = agency_client(a)

    def url(name, **kwargs):
        return reverse(name, kwargs={"partnership_slug": a.partnership.slug, **kwargs})

    counts = {
        "task list": _queries(client, url("task_list")),
        "theme": _queries(client, url("theme", theme_key=theme.key)),
        "confirmation": _queries(client, url("confirmation")),
    }
    assert max(counts.values()) <= 10, counts
