"""What the agency sees of the partnership's evaluation of its return, once
it is confirmed: the outcome, the partnership's message, and per theme the
agency's own rating beside the moderated one with the reviewer's comment.

Before confirmation nothing is shown: moderations are the reviewers' working
notes until then. Every function takes the partnership first."""

from dataclasses import dataclass

from django.db.models import DateTimeField
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership
from themes.models import Theme
from themes.selectors import question_set_structure

from ..access import submission_owned
from ..models import (
    Challenge,
    Rag,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
    ThemeResponse,
)
from .review import _json_datetime


@dataclass(frozen=True)
class ThemeEvaluation:
    theme: Theme
    own_rag: str
    own_defaulted: bool
    moderated_rag: str  # "" when the partnership did not moderate the theme
    comment: str

    @property
    def differs(self) -> bool:
        return bool(self.moderated_rag and self.moderated_rag != self.own_rag)


@dataclass(frozen=True)
class Evaluation:
    review: SubmissionReview
    themes: list[ThemeEvaluation]

    @property
    def outcome_label(self) -> str:
        return ReviewOutcome(self.review.outcome).label

    def for_theme(self, theme_id: int) -> ThemeEvaluation | None:
        return next((t for t in self.themes if t.theme.pk == theme_id), None)


def _review_of(submission: Submission) -> SubmissionReview | None:
    """The return's review as it was read with the return (agency_link_get
    and submission_access both bring it), else one query."""
    if hasattr(submission, "review_or_none"):
        return submission.review_or_none
    try:
        return submission.review
    except SubmissionReview.DoesNotExist:
        return None


def evaluation_confirmed_get(*, partnership: Partnership, submission: Submission) -> SubmissionReview | None:
    """The return's review if its evaluation has been confirmed to the
    agency (and the return is still the one evaluated), else None."""
    submission_owned(partnership=partnership, submission=submission)
    if submission.status != SubmissionStatus.SUBMITTED:
        return None
    review = _review_of(submission)
    return review if review is not None and review.is_confirmed else None


def evaluation_for_agency(
    *, partnership: Partnership, submission: Submission, responses: dict | None = None
) -> Evaluation | None:
    """The confirmed evaluation as the agency reads it, or None. `responses`
    ({theme id: ThemeResponse}) when the page has them already; one query
    (the moderations) otherwise two."""
    review = evaluation_confirmed_get(partnership=partnership, submission=submission)
    if review is None:
        return None
    themes = question_set_structure(
        partnership=submission.partnership_id, question_set_id=submission.question_set_id
    ).themes
    if responses is None:
        responses = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=submission)}
    moderated = {m.theme_id: m for m in ThemeModeration.objects.filter(submission=submission)}
    rows = []
    for theme in themes:
        response, moderation = responses.get(theme.pk), moderated.get(theme.pk)
        rows.append(
            ThemeEvaluation(
                theme=theme,
                own_rag=response.rag if response else "",
                own_defaulted=bool(response and response.rag_defaulted),
                moderated_rag=moderation.rag if moderation else "",
                comment=moderation.comment if moderation else "",
            )
        )
    return Evaluation(review=review, themes=rows)


# --- responding to the evaluation ----------------------------------------------


def challenge_list(
    *, partnership: Partnership, submission: Submission, messages: bool = True
) -> list[Challenge]:
    """The return's challenges, oldest first, each with its theme and (with
    `messages`, a second query) its messages."""
    submission_owned(partnership=partnership, submission=submission)
    queryset = (
        Challenge.objects.filter(partnership=partnership, submission=submission)
        .select_related("theme")
        .order_by("opened_at", "id")
    )
    if messages:
        queryset = queryset.prefetch_related("messages")
    return list(queryset)


def challenge_get(*, partnership: Partnership, submission: Submission, pk) -> Challenge:
    """One of the return's challenges with its theme and messages; 404 for
    another return's (of this partnership or another)."""
    submission_owned(partnership=partnership, submission=submission)
    return get_object_or_404(
        Challenge.objects.select_related("theme").prefetch_related("messages"),
        partnership=partnership,
        submission=submission,
        pk=pk,
    )


def _side(from_agency: bool) -> str:
    return "the agency" if from_agency else "the partnership"


def _rag_words(rag: str) -> str:
    return Rag(rag).label if rag else "not rated"


def _iso(value) -> str:
    return value.isoformat() if value else ""


def submission_later_list(*, partnership: Partnership, submission: Submission) -> list[dict]:
    """What came after the return was submitted, oldest first, as plain data
    for the submitted PDF's later versions: the messages on challenges of
    the evaluation and the partnership's final words."""
    submission_owned(partnership=partnership, submission=submission)
    since = submission.submitted_at
    entries = []
    for challenge in challenge_list(partnership=partnership, submission=submission):
        subject = challenge.subject
        for message in challenge.messages.all():
            if since and message.created_at < since:
                continue
            entries.append(
                {
                    "at": _iso(message.created_at),
                    "what": f"Challenge of the evaluation: {subject}",
                    "by": f"{message.author_name} ({_side(message.from_agency)})",
                    "text": message.body,
                }
            )
        if challenge.is_resolved and not (since and challenge.resolved_at < since):
            if challenge.rating_changed:
                decision = (
                    f"Moderated rating changed from {_rag_words(challenge.rag_before)}"
                    f" to {_rag_words(challenge.rag_after)}"
                )
            elif challenge.theme_id:
                decision = (
                    f"Rating kept at {Rag(challenge.rag_after).label if challenge.rag_after else 'not rated'}"
                )
            else:
                decision = "Evaluation unchanged"
            entries.append(
                {
                    "at": _iso(challenge.resolved_at),
                    "what": f"Final word on the challenge: {subject}. {decision}",
                    "by": f"{challenge.resolved_by_name} (the partnership)",
                    "text": challenge.resolution_reason,
                }
            )
    entries.sort(key=lambda e: e["at"])
    return entries


def review_challenges(*, partnership: Partnership, submission: Submission) -> list[Challenge]:
    """The return's challenges for the review page, oldest first, each with
    its theme, without their messages: from the JSON the page's query
    brought (REVIEW_PAGE_FLAGS' challenges_json), else one query."""
    submission_owned(partnership=partnership, submission=submission)
    if not hasattr(submission, "challenges_json"):
        return challenge_list(partnership=partnership, submission=submission, messages=False)
    themes = {
        t.pk: t
        for t in question_set_structure(
            partnership=submission.partnership_id, question_set_id=submission.question_set_id
        ).themes
    }
    fields = Challenge._meta.concrete_fields
    names = [f.attname for f in fields]
    found = []
    for row in submission.challenges_json or []:
        values = [
            _json_datetime(row[f.attname])
            if isinstance(f, DateTimeField) and row[f.attname]
            else row[f.attname]
            for f in fields
        ]
        challenge = Challenge.from_db("default", names, values)
        if challenge.theme_id is not None:
            challenge.theme = themes.get(challenge.theme_id)
        found.append(challenge)
    found.sort(key=lambda c: (c.opened_at, c.pk))
    return found
