"""What the agency sees of the partnership's evaluation of its return, once
it is confirmed: the outcome, the partnership's message, and per theme the
agency's own rating beside the moderated one with the reviewer's comment.

Before confirmation nothing is shown: moderations are the reviewers' working
notes until then. Every function takes the partnership first."""

from dataclasses import dataclass

from partnerships.models import Partnership
from themes.models import Theme
from themes.selectors import question_set_structure

from ..access import submission_owned
from ..models import (
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
    ThemeResponse,
)


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
