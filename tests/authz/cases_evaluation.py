"""The agency's responses to a confirmed evaluation, as staff reach them
(returns/<reference>/responses/<id>/…): read by anyone on the staff,
answered by reviewers."""

from audits.models import Challenge, Rag, ReviewOutcome
from audits.services.challenges import challenge_open
from audits.services.review import review_evaluation_confirm, review_outcome_save
from core.domain import Actor
from partnerships.permissions import Perm
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


CASES = [
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
