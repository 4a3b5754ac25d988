"""The agency's URLs that name a row of their own (a response to the
evaluation, an evidence request) tried by everyone who might ask: nobody
(sent for a fresh link), the return's own agency (allowed), another agency
of the same partnership with a session of its own (404: the row is not its
return's), and an agency of another partnership (its session is not for
this partnership: sent for a fresh link; under its own partnership's address,
the row is not found)."""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import ReviewOutcome
from audits.services import resume_link_create
from audits.services.challenges import challenge_open
from audits.services.evidence_requests import (
    EvidenceRequestData,
    evidence_request_create,
    supplementary_evidence_add,
)
from audits.services.review import review_evaluation_confirm, review_outcome_save
from core.domain import Actor
from tests.audits.review_support import submit
from tests.audits.test_views_journey import TINY_PDF
from tests.factories import AgencyFactory, SubmissionFactory, submission_complete
from tests.staff import staff_user

from .world import authz_world

pytestmark = pytest.mark.django_db


def _confirmed(w, submission):
    actor = Actor.for_user(staff_user(w.partnership, email=f"r{submission.pk}@staff.example"))
    review_outcome_save(
        submission=submission, outcome=ReviewOutcome.FURTHER_EVIDENCE, message="More", actor=actor
    )
    review_evaluation_confirm(submission=submission, actor=actor)
    submission.refresh_from_db()
    return submission


def _challenge(w, submission):
    return challenge_open(
        submission=submission, theme=None, body="We disagree", actor=Actor(name="Sam", email="sam@x.example")
    ).pk


def _request(w, submission):
    theme = w.question_set.themes.order_by("order").first()
    return evidence_request_create(
        submission=submission,
        data=EvidenceRequestData(
            themes=[theme], what="The log", due_on=timezone.localdate() + timedelta(days=14)
        ),
        actor=Actor(name="Rita", email="rita@staff.example"),
    )


def _supplementary(w, submission):
    request = _request(w, submission)
    item = supplementary_evidence_add(
        request=request,
        theme=request.themes.get(),
        upload=SimpleUploadedFile("log.pdf", TINY_PDF, content_type="application/pdf"),
        actor=Actor(name="Sam", email="sam@x.example"),
    )
    return {"token": item.token}


@dataclass(frozen=True)
class AgencyCase:
    url_name: str
    kwargs: object  # (world, submission) -> the URL's kwargs other than partnership_slug
    method: str = "get"
    data: dict | None = None
    ok: tuple[int, ...] = (200,)


CASES = [
    AgencyCase("challenge_start", lambda w, s: {}),
    AgencyCase(
        "challenge_start",
        lambda w, s: {},
        method="post",
        data={"subject": "whole", "message": "We disagree"},
        ok=(302,),
    ),
    AgencyCase("challenge", lambda w, s: {"challenge_id": _challenge(w, s)}),
    AgencyCase(
        "challenge",
        lambda w, s: {"challenge_id": _challenge(w, s)},
        method="post",
        data={"message": "More"},
        ok=(302,),
    ),
    AgencyCase("evidence_request", lambda w, s: {"request_id": _request(w, s).pk}),
    AgencyCase(
        "evidence_request",
        lambda w, s: {"request_id": _request(w, s).pk},
        method="post",
        data={"theme": "__first__", "evidence_url": "https://example.org/log", "evidence_title": "Log"},
        ok=(302,),
    ),
    AgencyCase("supplementary_download", _supplementary),
]


def session(submission, email) -> Client:
    client = Client()
    _, link = resume_link_create(submission=submission, name="Sam", email=email, mint=True)
    assert client.get(urlsplit(link).path).status_code == 302
    return client


def ask(client, case, partnership, kwargs, theme_key=""):
    url = reverse(case.url_name, kwargs={"partnership_slug": partnership.slug, **kwargs})
    data = {k: (theme_key if v == "__first__" else v) for k, v in (case.data or {}).items()}
    return client.post(url, data) if case.method == "post" else client.get(url)


def is_fresh_link_redirect(response, partnership) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == reverse(
        "link_invalid", kwargs={"partnership_slug": partnership.slug}
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.url_name}-{c.method}")
def test_agency_url_authorisation(case):
    w = authz_world()
    a, b = w.a, w.b
    mine = _confirmed(a, a.submission)
    # Another agency of the same partnership, with a confirmed return of its own.
    neighbour = AgencyFactory(
        partnership=a.partnership, name="Neighbour", contacts=[("Nia", "nia@n.example")]
    )
    theirs = SubmissionFactory(cycle=a.cycle, agency=neighbour)
    submission_complete(theirs)
    theirs = _confirmed(a, submit(theirs))
    _confirmed(b, b.submission)

    kwargs = case.kwargs(a, mine)

    # Nobody: sent for a fresh link.
    assert is_fresh_link_redirect(ask(Client(), case, a.partnership, kwargs), a.partnership)

    # The return's own agency.
    first = a.question_set.themes.order_by("order").first().key
    response = ask(session(mine, a.contact.email), case, a.partnership, kwargs, first)
    assert response.status_code in case.ok, response.status_code

    # Another agency of this partnership, signed in to its own return.
    if kwargs:
        response = ask(session(theirs, "nia@n.example"), case, a.partnership, kwargs)
        assert response.status_code == 404, response.status_code

    # An agency of another partnership: its session is not for this partnership...
    other = session(b.submission, b.contact.email)
    assert is_fresh_link_redirect(ask(other, case, a.partnership, kwargs), a.partnership)
    # ...and under its own partnership's address, this row is not found.
    if kwargs:
        other = session(b.submission, b.contact.email)
        response = ask(other, case, b.partnership, kwargs)
        assert response.status_code == 404, response.status_code
