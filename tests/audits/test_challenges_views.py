"""Issue 14 item 2 through the test client: the agency responds from its
return's page and writes on the thread; a reviewer sees open responses on
the review page, replies and gives the final word; GOV.UK errors keep what
was typed; the pages stay within ten queries."""

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import Challenge, ChallengeStatus, Rag, ThemeModeration
from audits.services.challenges import challenge_open
from partnerships.models import StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url

from .review_support import submitted_world
from .test_agency_evaluation import agency_client, evaluate
from .test_challenges import AGENCY

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    w = submitted_world(two_partnerships().a)
    evaluate(w)
    w.submission.refresh_from_db()
    return w


def agency_url(w, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": w.partnership.slug, **kwargs})


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def count(client, url) -> int:
    client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries if "SAVEPOINT" not in q["sql"])


def test_the_agency_challenges_a_theme_from_its_return(a):
    client = agency_client(a)
    theme = a.question_set.themes.order_by("order").first()
    task_list = html(client.get(agency_url(a, "task_list")))
    start = agency_url(a, "challenge_start")
    assert f"{start}?theme={theme.key}" in task_list

    # Errors: GOV.UK summary, what was typed kept, nothing saved.
    page = html(client.post(start, {"subject": theme.key, "message": "   "}))
    assert "There is a problem" in page and "Enter your message to the partnership" in page
    page = html(client.post(start, {"subject": "nonsense", "message": "Kept text"}))
    assert "Select a theme, or the evaluation as a whole" in page and "Kept text" in page
    assert not Challenge.objects.exists()

    response = client.post(start, {"subject": theme.key, "message": "Our log is current."})
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(agency_url(a, "challenge", challenge_id=challenge.pk))
    assert challenge.theme == theme and challenge.status == ChallengeStatus.OPEN

    thread = html(client.get(agency_url(a, "challenge", challenge_id=challenge.pk)))
    assert "Our log is current." in thread and "has not answered yet" in thread
    task_list = html(client.get(agency_url(a, "task_list")))
    assert "Your responses to the evaluation" in task_list and theme.title in task_list


def test_a_reviewer_sees_open_responses_replies_and_gives_the_final_word(client, a):
    theme = a.question_set.themes.order_by("order").first()
    challenge = challenge_open(submission=a.submission, theme=theme, body="Our log is current.", actor=AGENCY)
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    review = html(
        reviewer.get(staff_url(a.partnership, "staff_return_review", reference=a.submission.reference))
    )
    assert "1 open response to the evaluation waiting for an answer" in review
    kwargs = {"reference": a.submission.reference, "challenge_id": challenge.pk}

    reply = staff_url(a.partnership, "staff_return_challenge_reply", **kwargs)
    page = html(reviewer.post(reply, {"message": ""}))
    assert "There is a problem" in page
    assert reviewer.post(reply, {"message": "Please attach it."}).status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.ANSWERED
    review = html(
        reviewer.get(staff_url(a.partnership, "staff_return_review", reference=a.submission.reference))
    )
    assert "waiting for an answer" not in review and "Answered" in review

    resolve = staff_url(a.partnership, "staff_return_challenge_resolve", **kwargs)
    page = html(reviewer.post(resolve, {"decision": "change", "rag": "", "reason": "Kept reason"}))
    assert "Select the new moderated rating" in page and "Kept reason" in page
    response = reviewer.post(
        resolve, {"decision": "change", "rag": Rag.GREEN, "reason": "The log is current."}
    )
    assert response.status_code == 302
    assert ThemeModeration.objects.get(submission=a.submission, theme=theme).rag == Rag.GREEN
    thread = html(reviewer.get(staff_url(a.partnership, "staff_return_challenge", **kwargs)))
    assert "Final word from" in thread and "The log is current." in thread
    # Closed: a reply is refused with the reason, nothing written.
    response = reviewer.post(reply, {"message": "Late"})
    assert response.status_code == 302
    assert challenge.messages.count() == 2

    # The agency sees the final word and the new rating.
    agency = agency_client(a)
    thread = html(agency.get(agency_url(a, "challenge", challenge_id=challenge.pk)))
    assert "Final word from" in thread and "Start a new challenge" in thread
    task_list = html(agency.get(agency_url(a, "task_list")))
    row = task_list.split(f'id="evaluation-{theme.key}"', 1)[1].split("</tr>", 1)[0]
    assert "s11-rag--green" in row


def test_pages_with_responses_stay_within_ten_queries(client, a):
    themes = list(a.question_set.themes.order_by("order"))
    challenges = [
        challenge_open(submission=a.submission, theme=t, body="We disagree", actor=AGENCY) for t in themes
    ]
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    agency = agency_client(a)
    counts = {
        "review": count(
            reviewer, staff_url(a.partnership, "staff_return_review", reference=a.submission.reference)
        ),
        "staff thread": count(
            reviewer,
            staff_url(
                a.partnership,
                "staff_return_challenge",
                reference=a.submission.reference,
                challenge_id=challenges[0].pk,
            ),
        ),
        "task list": count(agency, agency_url(a, "task_list")),
        "agency thread": count(agency, agency_url(a, "challenge", challenge_id=challenges[0].pk)),
        "respond": count(agency, agency_url(a, "challenge_start")),
    }
    assert max(counts.values()) <= 10, counts
