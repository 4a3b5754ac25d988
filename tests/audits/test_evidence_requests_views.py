"""Issue 14 item 3 through the test client: a reviewer asks for evidence
(alone, or in confirming Further evidence requested), the agency sees the
request on its return and sends a file and a link, staff download them from
the review page; GOV.UK errors keep what was typed; pages within ten
queries."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import EvidenceRequest, ReviewOutcome, SubmissionReview, SupplementaryEvidence
from audits.services.challenges import challenge_open
from audits.services.evidence_requests import EvidenceRequestData, evidence_request_create
from audits.services.review import review_outcome_save
from partnerships.models import StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url

from .review_support import reviewer_actor, submitted_world
from .test_agency_evaluation import agency_client, evaluate
from .test_challenges import AGENCY
from .test_views_journey import TINY_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def a():
    return submitted_world(two_partnerships().a)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def date_parts(day) -> dict:
    return {"due_on_0": str(day.day), "due_on_1": str(day.month), "due_on_2": str(day.year)}


def agency_url(w, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": w.partnership.slug, **kwargs})


def test_a_reviewer_confirms_further_evidence_with_a_request(client, a):
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    review_outcome_save(
        submission=a.submission,
        outcome=ReviewOutcome.FURTHER_EVIDENCE,
        message="Please send more",
        actor=reviewer_actor(reviewer.user),
    )
    confirm = staff_url(a.partnership, "staff_return_confirm", reference=a.submission.reference)
    page = html(reviewer.get(confirm))
    assert "Ask for specific evidence (optional)" in page
    theme = a.question_set.themes.order_by("order").first()
    # Half filled in: errors, what was typed kept, nothing confirmed.
    shown = {
        "version": str(SubmissionReview.objects.get(submission=a.submission).version),
        "moderations": "",
        "without_moderation": "on",
    }
    page = html(reviewer.post(confirm, {**shown, "themes": [theme.key], "what": "Kept words"}))
    assert (
        "There is a problem" in page and "Enter the date the evidence is due" in page and "Kept words" in page
    )
    assert not SubmissionReview.objects.get(submission=a.submission).is_confirmed
    due = timezone.localdate() + timedelta(days=14)
    response = reviewer.post(
        confirm, {**shown, "themes": [theme.key], "what": "The training log", **date_parts(due)}
    )
    assert response.status_code == 302
    assert SubmissionReview.objects.get(submission=a.submission).is_confirmed
    request = EvidenceRequest.objects.get(submission=a.submission)
    assert (request.what, request.due_on) == ("The training log", due)
    review = html(
        reviewer.get(staff_url(a.partnership, "staff_return_review", reference=a.submission.reference))
    )
    assert "The training log" in review and "Waiting for the agency" in review


def test_a_standalone_request_page_shows_errors_and_sends(client, a):
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    url = staff_url(a.partnership, "staff_return_evidence_request_create", reference=a.submission.reference)
    page = html(reviewer.post(url, {"what": "Typed", **date_parts(timezone.localdate())}))
    assert "Select the themes you want evidence for" in page and "The due date must be in the future" in page
    assert "Typed" in page
    theme = a.question_set.themes.order_by("order").last()
    due = timezone.localdate() + timedelta(days=7)
    response = reviewer.post(url, {"themes": [theme.key], "what": "Minutes", **date_parts(due)})
    assert response.status_code == 302
    assert EvidenceRequest.objects.get().themes.get() == theme


def test_the_agency_sees_the_request_and_sends_a_file_and_a_link(client, a):
    evaluate(a)
    theme = a.question_set.themes.order_by("order").first()
    request = evidence_request_create(
        submission=a.submission,
        data=EvidenceRequestData(
            themes=[theme], what="The training log", due_on=timezone.localdate() + timedelta(days=9)
        ),
        actor=AGENCY,
    )
    agency = agency_client(a)
    task_list = html(agency.get(agency_url(a, "task_list")))
    page_url = agency_url(a, "evidence_request", request_id=request.pk)
    assert "Evidence requested" in task_list and page_url in task_list

    page = html(agency.get(page_url))
    assert "The training log" in page and "Nothing yet" in page
    # Neither a file nor a link; a bad link: GOV.UK errors, what was typed kept.
    page = html(agency.post(page_url, {"theme": theme.key, "note": "Kept note"}))
    assert "Choose a file or enter a link" in page and "Kept note" in page
    page = html(agency.post(page_url, {"theme": theme.key, "evidence_url": "not a link at all"}))
    assert "Enter a link in the correct format" in page
    assert not SupplementaryEvidence.objects.exists()

    upload = SimpleUploadedFile("log.pdf", TINY_PDF, content_type="application/pdf")
    response = agency.post(page_url, {"theme": theme.key, "evidence_file": upload, "note": "Current log"})
    assert response.status_code == 302
    response = agency.post(page_url, {"theme": theme.key, "evidence_url": "https://example.org/minutes"})
    assert response.status_code == 302
    page = html(agency.get(page_url))
    assert "log.pdf" in page and "example.org/minutes" in page and "Answered" in page
    item = SupplementaryEvidence.objects.get(kind="file")
    download = agency.get(agency_url(a, "supplementary_download", token=item.token))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")

    reviewer = staff_client(client, a.partnership, StaffRole.READ_ONLY)
    review = html(
        reviewer.get(staff_url(a.partnership, "staff_return_review", reference=a.submission.reference))
    )
    staff_download = staff_url(
        a.partnership, "staff_return_supplementary", reference=a.submission.reference, token=item.token
    )
    assert staff_download in review and "Answered" in review
    assert reviewer.get(staff_download).status_code == 200


def _count(client, url) -> int:
    client.get(url)
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries if "SAVEPOINT" not in q["sql"])


def test_pages_with_requests_responses_and_evidence_stay_within_ten_queries(client, a):
    evaluate(a)
    themes = list(a.question_set.themes.order_by("order"))
    for theme in themes:
        challenge_open(submission=a.submission, theme=theme, body="We disagree", actor=AGENCY)
    requests = []
    for _ in range(2):
        request = evidence_request_create(
            submission=a.submission,
            data=EvidenceRequestData(
                themes=themes, what="The log", due_on=timezone.localdate() + timedelta(days=9)
            ),
            actor=AGENCY,
        )
        from audits.services.evidence_requests import supplementary_evidence_add

        for theme in themes:
            supplementary_evidence_add(
                request=request, theme=theme, url="https://example.org/x", actor=AGENCY
            )
        requests.append(request)
    reviewer = staff_client(client, a.partnership, StaffRole.REVIEWER)
    agency = agency_client(a)
    counts = {
        "review": _count(
            reviewer, staff_url(a.partnership, "staff_return_review", reference=a.submission.reference)
        ),
        "task list": _count(agency, agency_url(a, "task_list")),
        "request page": _count(agency, agency_url(a, "evidence_request", request_id=requests[0].pk)),
        "theme page": _count(agency, agency_url(a, "theme", theme_key=themes[0].key)),
        "confirmation": _count(agency, agency_url(a, "confirmation")),
    }
    assert max(counts.values()) <= 10, counts
