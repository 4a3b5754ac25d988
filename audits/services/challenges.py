"""The agency's response to a confirmed evaluation, and the partnership's
answer (audits.models.challenges).

- `challenge_open`: the agency challenges one theme's moderated rating, or
  the evaluation as a whole, with a first message.
- `challenge_message_add`: either side writes on the thread; the agency's
  message makes it open again, the partnership's makes it answered.
- `challenge_resolve`: the partnership's final word, with a reason: for a
  theme, the moderated rating kept or changed (the moderation is changed in
  the same transaction).

Every service locks the return's row first, so two writes on one return take
turns; each writes one audit event, adds a version of the submitted PDF
listing what came after submission, and tells whoever should know: the
agency's contacts by email when the partnership writes, staff through the
staff notifications when the agency does.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.outbox import outbound_email_queue
from themes.models import Theme

from .. import policy
from ..models import (
    Challenge,
    ChallengeMessage,
    ChallengeStatus,
    NotificationKind,
    Rag,
    Submission,
    SubmissionReview,
    ThemeModeration,
    ThemeResponse,
)
from .emails import submission_email_context, submission_email_recipients
from .links import resume_link_create
from .notifications import staff_notification_queue
from .pdf import submission_pdf_later_record

BODY_MAX = 5000
REPLY_KIND = "challenge_reply"


class ChallengeClosedError(DomainError):
    """The challenge has been resolved."""


def _lock(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("partnership", "agency", "cycle")
        .get(pk=submission.pk)
    )


def _clean(body: str, *, what: str, required: str) -> str:
    body = (body or "").strip()
    if not body:
        raise DomainError(required)
    if len(body) > BODY_MAX:
        raise DomainError(f"{what} must be {BODY_MAX} characters or fewer")
    return body


def _locked_challenge(challenge: Challenge) -> tuple[Submission, Challenge]:
    submission = _lock(challenge.submission)
    challenge = Challenge.objects.select_for_update(of=("self",)).select_related("theme").get(pk=challenge.pk)
    policy.may_add_to_challenge(challenge).refuse(ChallengeClosedError)
    return submission, challenge


def _tell_staff(
    *, submission: Submission, challenge: Challenge, message: ChallengeMessage, first: bool
) -> None:
    """The partnership's staff who want to hear of challenges (their
    notification preferences): each agency message is one event."""
    what = "Challenged" if first else "Wrote again about"
    subject = challenge.theme.title if challenge.theme_id else "the evaluation as a whole"
    staff_notification_queue(
        partnership=submission.partnership,
        kind=NotificationKind.CHALLENGE,
        submission=submission,
        event_key=f"challenge-message:{message.pk}",
        summary=f"{what} {subject}: {message.body}",
        path=reverse(
            "staff_return_challenge",
            kwargs={
                "partnership_slug": submission.partnership.slug,
                "reference": submission.reference,
                "challenge_id": challenge.pk,
            },
        ),
    )


def _tell_agency(*, submission: Submission, challenge: Challenge, what: str, dedupe: str, **extra) -> None:
    """Email the agency's contacts that the partnership has written, each
    with a link back into the return."""
    context = submission_email_context(
        submission, subject_title=challenge.subject, what=what, challenge_id=challenge.pk, **extra
    )
    for name, email in submission_email_recipients(submission=submission):
        link, _ = resume_link_create(submission=submission, name=name, email=email)
        outbound_email_queue(
            partnership=submission.partnership,
            kind=REPLY_KIND,
            to_email=email,
            to_name=name,
            template="challenge_reply",
            context=context,
            dedupe_key=f"{dedupe}:{email}",
            submission=submission,
            resume_link=link,
        )


@transaction.atomic
def challenge_open(*, submission: Submission, theme: Theme | None, body: str, actor: Actor) -> Challenge:
    """The agency's challenge of a theme's rating (or, with no theme, of the
    evaluation as a whole), with its first message."""
    submission = _lock(submission)
    review = SubmissionReview.objects.filter(submission=submission).first()
    policy.may_challenge(submission, review).refuse()
    if theme is not None and theme.question_set_id != submission.question_set_id:
        raise DomainError("That theme is not part of this return.")
    body = _clean(body, what="Your message", required="Enter your message to the partnership")
    subject = theme.title if theme is not None else "the evaluation as a whole"
    if (
        Challenge.objects.filter(submission=submission, theme=theme)
        .exclude(status=ChallengeStatus.RESOLVED)
        .exists()
    ):
        raise DomainError(
            f"You have already challenged {subject} and the partnership has not given its final word: "
            "add to that conversation instead"
        )
    now = timezone.now()
    challenge = Challenge.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        theme=theme,
        submission_version=submission.version,
        status=ChallengeStatus.OPEN,
        opened_at=now,
        opened_by_name=actor.name,
        opened_by_email=actor.email,
    )
    message = ChallengeMessage.objects.create(
        partnership_id=submission.partnership_id,
        challenge=challenge,
        from_agency=True,
        author_name=actor.name,
        author_email=actor.email,
        body=body,
        created_at=now,
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="challenge.opened",
        submission=submission,
        obj=challenge,
        detail={"theme": theme.title if theme else "", "message": body},
    )
    _tell_staff(submission=submission, challenge=challenge, message=message, first=True)
    submission_pdf_later_record(submission=submission, actor=actor)
    return challenge


@transaction.atomic
def challenge_message_add(
    *, challenge: Challenge, body: str, actor: Actor, from_agency: bool
) -> ChallengeMessage:
    """A message on the thread. From the agency it opens the challenge again
    (the partnership owes an answer); from the partnership it marks it
    answered and emails the agency."""
    submission, challenge = _locked_challenge(challenge)
    body = _clean(body, what="The message", required="Enter your message")
    now = timezone.now()
    message = ChallengeMessage.objects.create(
        partnership_id=submission.partnership_id,
        challenge=challenge,
        from_agency=from_agency,
        author_name=actor.name,
        author_email=actor.email if from_agency else "",
        author_user=None if from_agency else actor.user,
        body=body,
        created_at=now,
    )
    challenge.status = ChallengeStatus.OPEN if from_agency else ChallengeStatus.ANSWERED
    challenge.save(update_fields=["status", "updated_at"])
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="challenge.replied",
        submission=submission,
        obj=challenge,
        detail={
            "theme": challenge.theme.title if challenge.theme_id else "",
            "from_agency": from_agency,
            "message": body,
        },
    )
    if from_agency:
        _tell_staff(submission=submission, challenge=challenge, message=message, first=False)
    else:
        _tell_agency(
            submission=submission,
            challenge=challenge,
            what="replied",
            dedupe=f"challenge-message:{message.pk}",
            message=body,
        )
    submission_pdf_later_record(submission=submission, actor=actor)
    return message


@transaction.atomic
def challenge_resolve(
    *, challenge: Challenge, reason: str, actor: Actor, rag: str = "", change_rating: bool = False
) -> Challenge:
    """The partnership's final word. For a theme, `change_rating` with `rag`
    changes the moderated rating (the theme's moderation, made if there was
    none); otherwise it stands. The reason is on the record either way and
    is emailed to the agency."""
    submission, challenge = _locked_challenge(challenge)
    reason = _clean(reason, what="The reason", required="Enter the reason for your decision")
    theme = challenge.theme
    moderation = (
        ThemeModeration.objects.select_for_update().filter(submission=submission, theme=theme).first()
        if theme is not None
        else None
    )
    current = ""
    if theme is not None:
        own = (
            ThemeResponse.objects.filter(submission=submission, theme=theme)
            .values_list("rag", flat=True)
            .first()
        )
        current = moderation.rag if moderation else (own or "")
    if change_rating:
        if theme is None:
            raise DomainError("A challenge of the evaluation as a whole has no rating to change")
        if rag not in Rag.values:
            raise DomainError("Select the new moderated rating")
        if rag == current:
            raise DomainError(f"The moderated rating is already {Rag(rag).label}: choose to keep it instead")
    now = timezone.now()
    if change_rating:
        if moderation is None:
            moderation = ThemeModeration(
                partnership_id=submission.partnership_id, submission=submission, theme=theme
            )
        moderation.rag = rag
        moderation.version += 1
        moderation.updated_by = actor.user
        moderation.updated_by_name = actor.name
        moderation.save()
    challenge.status = ChallengeStatus.RESOLVED
    challenge.resolved_at = now
    challenge.resolved_by = actor.user
    challenge.resolved_by_name = actor.name
    challenge.resolution_reason = reason
    challenge.rating_changed = change_rating
    challenge.rag_before = current
    challenge.rag_after = rag if change_rating else current
    challenge.save()
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="challenge.resolved",
        submission=submission,
        obj=challenge,
        detail={
            "theme": theme.title if theme else "",
            "rating_changed": change_rating,
            "rag_before": challenge.rag_before,
            "rag_after": challenge.rag_after,
            "reason": reason,
        },
    )
    _tell_agency(
        submission=submission,
        challenge=challenge,
        what="resolved",
        dedupe=f"challenge-resolved:{challenge.pk}",
        message=reason,
        rating_changed=change_rating,
        rag_before=Rag(challenge.rag_before).label if challenge.rag_before else "",
        rag_after=Rag(challenge.rag_after).label if challenge.rag_after else "",
    )
    submission_pdf_later_record(submission=submission, actor=actor)
    return challenge
