"""What the agency sees of the partnership's evaluation of its return, once
it is confirmed: the outcome, the partnership's message, and per theme the
agency's own rating beside the moderated one with the reviewer's comment.

Before confirmation nothing is shown: moderations are the reviewers' working
notes until then. Every function takes the partnership first."""

from dataclasses import dataclass
from datetime import date

from django.db.models import DateField, DateTimeField
from django.shortcuts import get_object_or_404

from core.dates import uk_date
from partnerships.models import Partnership
from themes.models import Theme
from themes.selectors import question_set_structure

from ..access import submission_owned
from ..models import (
    Challenge,
    EvidenceRequest,
    Rag,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    SupplementaryEvidence,
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
    for request in evidence_request_list(partnership=partnership, submission=submission):
        if not (since and request.requested_at < since):
            entries.append(
                {
                    "at": _iso(request.requested_at),
                    "what": f"Evidence requested, due {uk_date(request.due_on)}: "
                    + ", ".join(t.title for t in request.theme_list),
                    "by": f"{request.requested_by_name} (the partnership)",
                    "text": request.what,
                }
            )
        for item in request.item_list:
            if since and item.created_at < since:
                continue
            described = (
                f"{item.original_name} (SHA-256 {item.sha256})"
                if item.kind == SupplementaryEvidence.Kind.FILE
                else f"{item.title or item.url} – {item.url}"
            )
            entries.append(
                {
                    "at": _iso(item.created_at),
                    "what": f"Supplementary evidence for {item.theme.title}: {described}",
                    "by": f"{item.added_by_name} (the agency)",
                    "text": item.note,
                }
            )
    entries.sort(key=lambda e: e["at"])
    return entries


# --- evidence requests --------------------------------------------------------


def _themes_by_id(submission: Submission) -> dict:
    return {
        t.pk: t
        for t in question_set_structure(
            partnership=submission.partnership_id, question_set_id=submission.question_set_id
        ).themes
    }


def _attach(requests: list[EvidenceRequest], theme_ids: dict, items: list, themes: dict) -> list:
    """Give each request `theme_list` (in theme order) and `item_list` (its
    supplementary evidence, oldest first, each with its theme)."""
    by_request: dict[int, list] = {}
    for item in sorted(items, key=lambda i: (i.created_at, i.pk)):
        item.theme = themes.get(item.theme_id)
        by_request.setdefault(item.request_id, []).append(item)
    for request in requests:
        request.theme_list = sorted(
            (themes[t] for t in theme_ids.get(request.pk, ()) if t in themes), key=lambda t: t.order
        )
        request.item_list = by_request.get(request.pk, [])
    return requests


def evidence_request_list(
    *, partnership: Partnership, submission: Submission, details: bool = True
) -> list[EvidenceRequest]:
    """The return's evidence requests, oldest first, each with its themes
    (`theme_list`) and what the agency sent (`item_list`): three queries,
    none when the return was read with REVIEW_PAGE_FLAGS (its JSON). Without
    `details`, the requests alone (one query)."""
    submission_owned(partnership=partnership, submission=submission)
    if not details:
        return list(
            EvidenceRequest.objects.filter(partnership=partnership, submission=submission).order_by(
                "requested_at", "id"
            )
        )
    themes = _themes_by_id(submission)
    if hasattr(submission, "evidence_requests_json"):
        requests = _from_json(EvidenceRequest, submission.evidence_requests_json)
        items = _from_json(SupplementaryEvidence, submission.supplementary_json)
        theme_ids: dict[int, list[int]] = {}
        for row in submission.request_themes_json or []:
            theme_ids.setdefault(row["r"], []).append(row["t"])
    else:
        requests = list(EvidenceRequest.objects.filter(partnership=partnership, submission=submission))
        if not requests:
            return []
        theme_ids = {}
        for request_id, theme_id in EvidenceRequest.themes.through.objects.filter(
            evidencerequest__submission=submission
        ).values_list("evidencerequest_id", "theme_id"):
            theme_ids.setdefault(request_id, []).append(theme_id)
        items = list(SupplementaryEvidence.objects.filter(partnership=partnership, submission=submission))
    requests.sort(key=lambda r: (r.requested_at, r.pk))
    return _attach(requests, theme_ids, items, themes)


def evidence_request_get(*, partnership: Partnership, submission: Submission, pk) -> EvidenceRequest:
    """One of the return's requests with its themes and evidence sent; 404
    for another return's."""
    submission_owned(partnership=partnership, submission=submission)
    request = get_object_or_404(EvidenceRequest, partnership=partnership, submission=submission, pk=pk)
    request.submission = submission
    theme_ids = {request.pk: list(request.themes.values_list("pk", flat=True))}
    items = list(SupplementaryEvidence.objects.filter(request=request))
    return _attach([request], theme_ids, items, _themes_by_id(submission))[0]


def supplementary_evidence_get(*, partnership: Partnership, submission: Submission, token: str):
    """A file the agency sent in answer to a request, by its token; 404 for
    another return's."""
    submission_owned(partnership=partnership, submission=submission)
    return get_object_or_404(
        SupplementaryEvidence, partnership=partnership, submission=submission, token=token, kind="file"
    )


def _json_value(field, value):
    if value and isinstance(field, DateTimeField):
        return _json_datetime(value)
    if value and isinstance(field, DateField):
        return date.fromisoformat(value[:10])
    return value


def _from_json(model, rows) -> list:
    """Unsaved-looking instances of `model` from a JSON list of its rows (as
    audits.selectors.review._rows_json makes them)."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    found = []
    for row in rows or []:
        values = [_json_value(f, row[f.attname]) for f in fields]
        found.append(model.from_db("default", names, values))
    return found


def review_challenges(*, partnership: Partnership, submission: Submission) -> list[Challenge]:
    """The return's challenges for the review page, oldest first, each with
    its theme, without their messages: from the JSON the page's query
    brought (REVIEW_PAGE_FLAGS' challenges_json), else one query."""
    submission_owned(partnership=partnership, submission=submission)
    if not hasattr(submission, "challenges_json"):
        return challenge_list(partnership=partnership, submission=submission, messages=False)
    themes = _themes_by_id(submission)
    found = _from_json(Challenge, submission.challenges_json)
    for challenge in found:
        if challenge.theme_id is not None:
            challenge.theme = themes.get(challenge.theme_id)
    found.sort(key=lambda c: (c.opened_at, c.pk))
    return found
