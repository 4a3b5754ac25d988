"""The evaluation selectors keep to their partnership: asked with another
partnership's return they answer "not found"."""

import pytest
from django.http import Http404

from audits.selectors import evaluation as sel
from tests.factories import two_partnerships

from .review_support import submitted_world

pytestmark = pytest.mark.django_db

COVERED = {
    "evaluation_confirmed_get",
    "evaluation_for_agency",
    "challenge_list",
    "challenge_get",
    "review_challenges",
    "submission_later_list",
    "evidence_request_list",
    "evidence_request_get",
    "supplementary_evidence_get",
}

EXTRA = {
    "challenge_get": {"pk": 1},
    "evidence_request_get": {"pk": 1},
    "supplementary_evidence_get": {"token": "x"},
}


@pytest.mark.parametrize("name", sorted(COVERED))
def test_another_partnerships_return_is_not_found(name):
    worlds = two_partnerships()
    a, b = submitted_world(worlds.a), submitted_world(worlds.b)
    with pytest.raises(Http404):
        getattr(sel, name)(partnership=b.partnership, submission=a.submission, **EXTRA.get(name, {}))


def test_a_row_of_another_return_is_not_found():
    from datetime import timedelta

    from django.utils import timezone

    from audits.services.challenges import challenge_open
    from audits.services.evidence_requests import EvidenceRequestData, evidence_request_create
    from audits.services.review import review_evaluation_confirm, review_outcome_save
    from core.domain import Actor
    from tests.staff import staff_user

    from .review_support import reviewer_actor

    worlds = two_partnerships()
    a, b = submitted_world(worlds.a), submitted_world(worlds.b)
    made = {}
    for w in (a, b):
        actor = reviewer_actor(staff_user(w.partnership))
        review_outcome_save(submission=w.submission, outcome="assured", message="Fine", actor=actor)
        review_evaluation_confirm(submission=w.submission, actor=actor)
        w.submission.refresh_from_db()
        challenge = challenge_open(
            submission=w.submission, theme=None, body="x", actor=Actor(name="S", email="s@x.example")
        )
        request = evidence_request_create(
            submission=w.submission,
            data=EvidenceRequestData(
                themes=list(w.question_set.themes.all()[:1]),
                what="x",
                due_on=timezone.localdate() + timedelta(days=3),
            ),
            actor=actor,
        )
        made[w.partnership.slug] = (challenge, request)
    b_challenge, b_request = made["bravo"]
    with pytest.raises(Http404):
        sel.challenge_get(partnership=a.partnership, submission=a.submission, pk=b_challenge.pk)
    with pytest.raises(Http404):
        sel.evidence_request_get(partnership=a.partnership, submission=a.submission, pk=b_request.pk)
    assert [c.pk for c in sel.challenge_list(partnership=a.partnership, submission=a.submission)] == [
        made["alpha"][0].pk
    ]
    assert [r.pk for r in sel.evidence_request_list(partnership=a.partnership, submission=a.submission)] == [
        made["alpha"][1].pk
    ]
