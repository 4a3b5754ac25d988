"""The agency's responses to a confirmed evaluation, as staff reach them
(returns/<reference>/responses/<id>/…): read by anyone on the staff,
answered by reviewers; and evidence requests (reviewers ask, anyone on the
staff downloads what the agency sent)."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.models import Challenge, Rag, ReviewOutcome, SupplementaryEvidence
from audits.services.challenges import challenge_open
from audits.services.evidence_requests import (
    EvidenceRequestData,
    evidence_request_create,
    supplementary_evidence_add,
)
from audits.services.review import review_evaluation_confirm, review_outcome_save
from core.domain import Actor
from partnerships.permissions import Perm
from tests.audits.test_views_journey import TINY_PDF
from tests.staff import staff_user

from .cases import Case


def _challenge(w):
    """A confirmed evaluation of the world's return, and the agency's
    challenge of its first theme (made once; a resolved one stays)."""
    challenge = Challenge.objects.filter(submission=w.submission).first()
    if challenge is None:
        actor = Actor.for_user(staff_user(w.partnership))
        review_outcome_save(
            submission=w.submission, outcome=ReviewOutcome.FURTHER_EVIDENCE, message="More", actor=actor
        )
        review_evaluation_confirm(submission=w.submission, actor=actor)
        w.submission.refresh_from_db()
        challenge = challenge_open(
            submission=w.submission,
            theme=w.question_set.themes.order_by("order").first(),
            body="We disagree",
            actor=Actor(name="Sam", email=w.contact.email),
        )
    return {"reference": w.submission.reference, "challenge_id": challenge.pk}


def _supplementary(w):
    """A file the agency sent in answer to an evidence request (made once)."""
    item = SupplementaryEvidence.objects.filter(submission=w.submission, kind="file").first()
    if item is None:
        theme = w.question_set.themes.order_by("order").first()
        request = evidence_request_create(
            submission=w.submission,
            data=EvidenceRequestData(
                themes=[theme], what="The log", due_on=timezone.localdate() + timedelta(days=14)
            ),
            actor=Actor.for_user(staff_user(w.partnership)),
        )
        item = supplementary_evidence_add(
            request=request,
            theme=theme,
            upload=SimpleUploadedFile("log.pdf", TINY_PDF, content_type="application/pdf"),
            actor=Actor(name="Sam", email=w.contact.email),
        )
    return {"reference": w.submission.reference, "token": item.token}


def _request_post(w):
    theme = w.question_set.themes.order_by("order").first()
    due = timezone.localdate() + timedelta(days=14)
    return {
        "themes": [theme.key],
        "what": "The training log",
        "due_on_0": str(due.day),
        "due_on_1": str(due.month),
        "due_on_2": str(due.year),
    }


CASES = [
    Case(
        "staff_return_evidence_request_create", Perm.REVIEW, lambda w: {"reference": w.submission.reference}
    ),
    Case(
        "staff_return_evidence_request_create",
        Perm.REVIEW,
        lambda w: {"reference": w.submission.reference},
        method="post",
        data=_request_post,
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_return_supplementary", Perm.VIEW, _supplementary),
    Case("staff_return_challenge", Perm.VIEW, _challenge),
    Case("staff_return_challenge_reply", Perm.REVIEW, _challenge),
    Case(
        "staff_return_challenge_reply",
        Perm.REVIEW,
        _challenge,
        method="post",
        data=lambda w: {"message": "Please send the log"},
        ok=(302,),
        id_suffix="post",
    ),
    # A resolved challenge's page says why it cannot be answered again.
    Case("staff_return_challenge_resolve", Perm.REVIEW, _challenge),
    Case(
        "staff_return_challenge_resolve",
        Perm.REVIEW,
        _challenge,
        method="post",
        data=lambda w: {"decision": "change", "rag": Rag.AMBER, "reason": "The log is old"},
        ok=(302,),
        id_suffix="post",
    ),
]
