"""Reads for the partnership's review of returns. Every function takes the
partnership and never returns another partnership's row."""

from dataclasses import dataclass, field
from datetime import UTC

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject, NullIf
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.dateparse import parse_datetime

from core.aggregates import JSONList
from core.dates import uk_date, uk_datetime
from core.models import AuditEvent
from partnerships.models import Partnership
from partnerships.scope import scope_current
from themes.models import Question, Theme
from themes.selectors import question_set_structure

from ..access import submission_owned
from ..models import (
    ActionItem,
    Answer,
    AuditCycle,
    Challenge,
    Evidence,
    EvidenceRequest,
    MeetingAction,
    MeetingPack,
    Rag,
    ResumeLink,
    ReturnForChanges,
    ReviewMeeting,
    ReviewOutcome,
    Submission,
    SubmissionPdf,
    SubmissionStatus,
    SupplementaryEvidence,
    ThemeModeration,
    ThemeResponse,
    evaluated_q,
)
from ..models.downloads import download_words

# --- the review page ----------------------------------------------------------


@dataclass
class ReviewSection:
    """One theme of a return as the reviewer reads it."""

    theme: Theme
    questions: list  # (question, answer value or None)
    response: ThemeResponse | None
    evidence: list[Evidence]
    moderation: ThemeModeration | None

    @property
    def unanswered(self) -> int:
        return sum(1 for _, answer in self.questions if not answer)

    @property
    def differs(self) -> bool:
        """The partnership rates the theme differently from the agency."""
        own = self.response.rag if self.response else ""
        return bool(self.moderation and own and self.moderation.rag != own)


def _rows_json(model) -> Subquery:
    """A return's rows of `model` (one a theme) as one JSON list, for an
    annotation on the return."""
    fields = {f.attname: F(f.attname) for f in model._meta.concrete_fields}
    return Subquery(
        model.objects.filter(submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(j=JSONList(JSONObject(**fields)))
        .values("j")[:1]
    )


# What the review page needs to know about a return, in the query that
# fetches it (audits.access.submission_access(..., annotate=REVIEW_PAGE_FLAGS)).
REVIEW_PAGE_FLAGS = {
    # "Times submitted" on the review page, in the same query.
    "pdf_count": Coalesce(
        Subquery(
            SubmissionPdf.objects.filter(submission=OuterRef("pk"))
            .order_by()
            .values("submission")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    ),
    # Most returns were never sent back nor discussed at a meeting:
    # the review page then skips reading those lists.
    "has_returns_for_changes": Exists(ReturnForChanges.objects.filter(submission=OuterRef("pk"))),
    "in_meetings": Exists(ReviewMeeting.submissions.through.objects.filter(submission=OuterRef("pk"))),
    # Likewise evidence, moderations and action items for review_sections and the page.
    "has_evidence": Exists(Evidence.objects.filter(submission=OuterRef("pk"), staged=False)),
    "has_moderations": Exists(ThemeModeration.objects.filter(submission=OuterRef("pk"))),
    "has_action_items": Exists(ActionItem.objects.filter(submission=OuterRef("pk"))),
    # Who the return is assigned to, by the name this partnership knows them.
    "assignee_name": Coalesce(
        NullIf(F("review__assigned_to__display_name"), Value("")),
        F("review__assigned_to__user__email"),
        output_field=CharField(),
    ),
    # The return's answers, self-ratings and moderations, each as one JSON
    # list in the same query (review_sections reads them from here: three
    # queries fewer on the review page).
    "answers_json": Subquery(
        Answer.objects.filter(submission=OuterRef("pk"))
        .order_by()
        .values("submission")
        .annotate(j=JSONList(JSONObject(q=F("question_id"), v=F("value"))))
        .values("j")[:1]
    ),
    "responses_json": _rows_json(ThemeResponse),
    "moderations_json": _rows_json(ThemeModeration),
    # The agency's responses to the evaluation (audits.selectors.evaluation.
    # review_challenges reads them from here: no query of their own).
    "challenges_json": _rows_json(Challenge),
    # Its evidence requests, the themes each asks about and the supplementary
    # evidence sent (audits.selectors.evaluation.evidence_request_list).
    "evidence_requests_json": _rows_json(EvidenceRequest),
    "request_themes_json": Subquery(
        EvidenceRequest.themes.through.objects.filter(evidencerequest__submission=OuterRef("pk"))
        .order_by()
        .values("evidencerequest__submission")
        .annotate(j=JSONList(JSONObject(r=F("evidencerequest_id"), t=F("theme_id"))))
        .values("j")[:1]
    ),
    "supplementary_json": _rows_json(SupplementaryEvidence),
}


def _json_datetime(text: str):
    """A datetime as the database wrote it into JSON: with its offset on
    PostgreSQL, naive UTC on SQLite (as Django stores it there)."""
    value = parse_datetime(text)
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


def _rows_from_json(model, rows: list[dict] | None) -> dict:
    """{theme id: unsaved-looking instance} from _rows_json's list."""
    fields = model._meta.concrete_fields
    names = [f.attname for f in fields]
    out = {}
    for row in rows or []:
        # from_db takes the values in the model's field order.
        values = [
            _json_datetime(row[f.attname])
            if isinstance(f, DateTimeField) and row[f.attname]
            else row[f.attname]
            for f in fields
        ]
        instance = model.from_db("default", names, values)
        out[instance.theme_id] = instance
    return out


def review_sections(*, partnership: Partnership, submission: Submission) -> list[ReviewSection]:
    """Every theme with its questions and answers, the agency's rating,
    comments and evidence, and the partnership's moderation: four queries,
    whatever the size of the question set (its structure is kept in the
    process); one (evidence) when the return was read with REVIEW_PAGE_FLAGS."""
    submission_owned(partnership=partnership, submission=submission)
    themes = question_set_structure(
        partnership=partnership, question_set_id=submission.question_set_id
    ).themes
    if hasattr(submission, "answers_json"):  # read with REVIEW_PAGE_FLAGS
        answers = {row["q"]: row["v"] for row in submission.answers_json or []}
    else:
        answers = dict(Answer.objects.filter(submission=submission).values_list("question_id", "value"))
    if hasattr(submission, "responses_json"):
        responses = _rows_from_json(ThemeResponse, submission.responses_json)
    else:
        responses = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=submission)}
    moderations = {}
    if hasattr(submission, "moderations_json"):
        moderations = _rows_from_json(ThemeModeration, submission.moderations_json)
    elif getattr(submission, "has_moderations", True):  # known empty from REVIEW_PAGE_FLAGS
        moderations = {m.theme_id: m for m in ThemeModeration.objects.filter(submission=submission)}
    evidence: dict[int, list[Evidence]] = {}
    if getattr(submission, "has_evidence", True):
        for item in Evidence.objects.filter(submission=submission, staged=False).order_by("created_at", "id"):
            evidence.setdefault(item.theme_id, []).append(item)
    return [
        ReviewSection(
            theme=theme,
            questions=[(q, answers.get(q.pk)) for q in theme.questions.all()],
            response=responses.get(theme.pk),
            evidence=evidence.get(theme.pk, []),
            moderation=moderations.get(theme.pk),
        )
        for theme in themes
    ]


def review_theme_get(*, partnership: Partnership, submission: Submission, key: str) -> ReviewSection:
    """One theme of the return, for the moderation page."""
    submission_owned(partnership=partnership, submission=submission)
    theme = get_object_or_404(
        Theme.objects.prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order"))),
        question_set_id=submission.question_set_id,
        key=key,
    )
    answers = dict(
        Answer.objects.filter(submission=submission, question__theme=theme).values_list(
            "question_id", "value"
        )
    )
    return ReviewSection(
        theme=theme,
        questions=[(q, answers.get(q.pk)) for q in theme.questions.all()],
        response=ThemeResponse.objects.filter(submission=submission, theme=theme).first(),
        evidence=list(Evidence.objects.filter(submission=submission, theme=theme, staged=False)),
        moderation=ThemeModeration.objects.filter(submission=submission, theme=theme).first(),
    )


def resume_link_list(*, partnership: Partnership, submission: Submission) -> list[ResumeLink]:
    """Every link into the return, newest first, with who revoked it."""
    submission_owned(partnership=partnership, submission=submission)
    return list(
        ResumeLink.objects.filter(partnership=partnership, submission=submission)
        .select_related("revoked_by")
        .order_by("-created_at", "-id")
    )


def resume_link_get(*, partnership: Partnership, submission: Submission, pk: int) -> ResumeLink:
    submission_owned(partnership=partnership, submission=submission)
    return get_object_or_404(
        ResumeLink.objects.select_related("submission__partnership"),
        partnership=partnership,
        submission=submission,
        pk=pk,
    )


def review_evidence_get(*, partnership: Partnership, submission: Submission, token: str) -> Evidence:
    """A file the agency attached to this return (never one only staged on a
    page that had errors)."""
    submission_owned(partnership=partnership, submission=submission)
    return get_object_or_404(
        Evidence,
        submission__partnership=partnership,
        submission=submission,
        token=token,
        kind=Evidence.Kind.FILE,
        staged=False,
    )


def return_for_changes_list(*, partnership: Partnership, submission: Submission) -> list[ReturnForChanges]:
    submission_owned(partnership=partnership, submission=submission)
    return list(
        ReturnForChanges.objects.filter(partnership=partnership, submission=submission).order_by(
            "-returned_at", "-id"
        )
    )


def return_for_changes_current(
    *, partnership: Partnership, submission: Submission
) -> ReturnForChanges | None:
    """Why the return is back with the agency, while it is; else None."""
    submission_owned(partnership=partnership, submission=submission)
    if submission.status != SubmissionStatus.RETURNED:
        return None
    return (
        ReturnForChanges.objects.filter(partnership=partnership, submission=submission)
        .order_by("-returned_at", "-id")
        .first()
    )


# --- lists and counts for the dashboard ---------------------------------------


def submission_list_with_review(*, partnership: Partnership, cycle: AuditCycle | None = None) -> QuerySet:
    """The partnership's returns, each annotated with `evaluated_at`,
    `outcome` (both None until confirmed) and `themes_moderated`: one query.
    For the dashboard's lists."""
    qs = (
        Submission.objects.filter(partnership=partnership)
        .filter(scope_current().agencies("agency__"))
        .select_related("agency", "cycle")
    )
    if cycle is not None:
        if cycle.partnership_id != partnership.pk:
            raise Http404("No such cycle")
        qs = qs.filter(cycle=cycle)
    return qs.annotate(
        evaluated_at=F("review__evaluated_at"),
        outcome=F("review__outcome"),
        themes_moderated=Count("moderations", distinct=True),
    ).order_by("agency__name")


def cycle_review_counts(*, partnership: Partnership, cycle: AuditCycle) -> dict[str, int]:
    """How many returns of the cycle are submitted (waiting for or under
    review), evaluated (confirmed to the agency), and back with the agency
    for changes. Submitted includes evaluated. One query."""
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")
    qs = Submission.objects.filter(partnership=partnership, cycle=cycle)
    return qs.filter(scope_current().agencies("agency__")).aggregate(
        submitted=Count("pk", filter=Q(status=SubmissionStatus.SUBMITTED)),
        evaluated=Count("pk", filter=evaluated_q()),
        returned=Count("pk", filter=Q(status=SubmissionStatus.RETURNED)),
    )


# --- history ----------------------------------------------------------------


def _rag(value) -> str:
    return Rag(value).label if value in Rag.values else "not rated"


def _outcome(value) -> str:
    return ReviewOutcome(value).label if value in ReviewOutcome.values else "no outcome"


def _words(event: AuditEvent) -> tuple[str, str]:
    """What happened, in plain words, and any longer text (a reason, a
    message) to show under it."""
    d = event.detail or {}
    verb = event.verb
    downloaded = download_words(verb, d)
    if downloaded is not None:
        return downloaded, ""
    if verb == "submission.created":
        return "Return started", ""
    if verb == "link.requested":
        return "Asked for a link to work on the return", ""
    if verb == "link.access_requested":
        sent = ", ".join(d.get("sent_to", []))
        return f"Asked for access; the agency's contacts ({sent}) were asked to share it", ""
    if verb == "link.progression_sent":
        return f"Saved the return to come back to later (link sent to {d.get('to', '')})", ""
    if verb == "link.revoked":
        return f"Revoked the link of {d.get('email', 'a contributor')}", ""
    if verb == "theme.saved":
        parts = []
        count = len(d.get("answers_changed") or {})
        if count:
            parts.append(f"{count} answer{'s' if count != 1 else ''} changed")
        if d.get("rag"):
            before, after = d["rag"]
            parts.append(f"rating {_rag(before)} → {_rag(after)}" if before else f"rated {_rag(after)}")
        if d.get("comments_changed"):
            parts.append("comments changed")
        if d.get("evidence_added"):
            parts.append(f"{d['evidence_added']} evidence added")
        summary = f" ({', '.join(parts)})" if parts else ""
        return f"Saved the theme “{d.get('theme', '')}”{summary}", ""
    if verb == "organisation.theme_copied_in":
        evidence = d.get("evidence_copied", 0)
        with_evidence = f" and {evidence} evidence" if evidence else ""
        return (
            f"Copied the theme “{d.get('theme', '')}” from another return of {d.get('organisation', '')} "
            f"({d.get('answers_copied', 0)} answers, the rating and comments{with_evidence})",
            "",
        )
    if verb == "organisation.theme_copied_out":
        evidence = d.get("evidence_copied", 0)
        with_evidence = f", with {evidence} evidence" if evidence else ""
        return (
            f"The theme “{d.get('theme', '')}” was copied into another return of "
            f"{d.get('organisation', '')}{with_evidence}",
            "",
        )
    if verb == "organisation.started_from_standing_draft":
        return (
            f"Started the return from the standing draft of {d.get('organisation', '')} "
            f"({d.get('answers', 0)} answers in {d.get('themes', 0)} themes, each to be confirmed)",
            "",
        )
    if verb == "organisation.standing_draft_updated_from":
        return (
            f"{d.get('organisation', '')} copied this return’s answers into its own standing draft "
            "(the return is unchanged)",
            "",
        )
    if verb == "organisation.return_opened":
        return f"Opened the return as a member of {d.get('organisation', '')}", ""
    if verb == "evidence.removed":
        return f"Removed evidence “{d.get('evidence', '')}” from “{d.get('theme', '')}”", ""
    if verb == "submission.submitted":
        done = "Resubmitted" if d.get("resubmission") else "Submitted"
        text = f"{done} the return, signed off by {d.get('signed_off_by', '')}"
        if d.get("themes_defaulted_red"):
            text += f"; rated Red by default: {', '.join(d['themes_defaulted_red'])}"
        return text, ""
    if verb == "submission.returned":
        text = "Returned it to the agency for changes"
        if d.get("resubmit_by"):
            text += f", to resubmit by {uk_datetime(d['resubmit_by'])}"
        return text, d.get("reason", "")
    if verb == "review.moderated":
        before = f" (was {_rag(d['rag_before'])})" if d.get("rag_before") else ""
        return (
            f"Moderated “{d.get('theme', '')}” as {_rag(d.get('rag'))}{before}; "
            f"the agency rated it {_rag(d.get('self_rating'))}",
            "",
        )
    if verb == "review.outcome_saved":
        return f"Drafted the outcome: {_outcome(d.get('outcome'))}", ""
    if verb == "review.confirmed":
        emailed = ", ".join(d.get("emailed", []))
        return f"Confirmed the evaluation: {_outcome(d.get('outcome'))}; emailed to {emailed}", ""
    if verb == "challenge.opened":
        return f"Challenged the evaluation: {d.get('theme') or 'the evaluation as a whole'}", d.get(
            "message", ""
        )
    if verb == "challenge.replied":
        who = "The agency wrote" if d.get("from_agency") else "Replied to the agency"
        return f"{who} about {d.get('theme') or 'the evaluation as a whole'}", d.get("message", "")
    if verb == "challenge.resolved":
        subject = d.get("theme") or "the evaluation as a whole"
        if d.get("rating_changed"):
            decision = (
                f"moderated rating changed from {_rag(d.get('rag_before'))} to {_rag(d.get('rag_after'))}"
            )
        elif d.get("theme"):
            decision = f"moderated rating kept at {_rag(d.get('rag_after'))}"
        else:
            decision = "the evaluation stands"
        return f"Gave the final word on the challenge of {subject}: {decision}", d.get("reason", "")
    if verb == "evidence.requested":
        return (
            f"Asked for evidence on {', '.join(d.get('themes', []))}, due {uk_date(d.get('due_on'))}",
            d.get("what", ""),
        )
    if verb == "evidence.supplementary_added":
        return f"Sent supplementary evidence “{d.get('evidence', '')}” for “{d.get('theme', '')}”", d.get(
            "note", ""
        )
    if verb in ("meeting.recorded", "meeting.updated"):
        action = "Recorded" if verb == "meeting.recorded" else "Updated"
        return f"{action} the {d.get('kind', 'meeting').lower()} of {uk_date(d.get('held_on'))}", ""
    if verb == "meeting.action_agreed":
        return f"A meeting agreed an action, due {uk_date(d.get('due_on'))}", d.get("action", "")
    if verb == "meeting.action_status":
        status = dict(MeetingAction.Status.choices)
        return (
            f"Marked an action agreed at a meeting {status.get(d.get('to'), d.get('to', '')).lower()}",
            d.get("action", ""),
        )
    return verb.replace(".", " ").replace("_", " ").capitalize(), ""


@dataclass
class HistoryEntry:
    event: AuditEvent
    what: str
    more: str = ""
    who: str = field(default="")


def submission_history(*, partnership: Partnership, submission: Submission) -> list[HistoryEntry]:
    """Every event on the return's record, oldest first, in plain words."""
    submission_owned(partnership=partnership, submission=submission)
    events = AuditEvent.objects.filter(partnership=partnership, submission=submission).order_by(
        "created_at", "id"
    )
    entries = []
    for event in events:
        what, more = _words(event)
        who = event.actor_name or event.actor_email or "The system"
        if event.actor_name and event.actor_email:
            who = f"{event.actor_name} ({event.actor_email})"
        entries.append(HistoryEntry(event=event, what=what, more=more, who=who))
    return entries


# --- meetings -----------------------------------------------------------------


def _meetings(partnership: Partnership) -> QuerySet[ReviewMeeting]:
    """The partnership's meetings; for a member of staff who sees only some
    agencies, only the meetings about those agencies' returns alone (a
    meeting that discussed another agency is not theirs to read or edit)."""
    scope = scope_current()
    qs = ReviewMeeting.objects.filter(partnership=partnership)
    if not scope.is_whole:
        qs = qs.exclude(submissions__in=Submission.objects.exclude(scope.agencies("agency__")))
    return (
        qs.select_related("cycle")
        .prefetch_related(
            Prefetch(
                "submissions", queryset=Submission.objects.select_related("agency").order_by("agency__name")
            ),
            Prefetch(
                "actions",
                queryset=MeetingAction.objects.select_related("submission__agency", "theme").order_by(
                    "order", "id"
                ),
            ),
        )
        .order_by("-held_on", "-id")
    )


def meeting_list(*, partnership: Partnership, cycle: AuditCycle) -> list[ReviewMeeting]:
    """The cycle's meetings, newest first, with their returns and actions:
    three queries."""
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")
    return list(_meetings(partnership).filter(cycle=cycle))


def meeting_list_for_submission(*, partnership: Partnership, submission: Submission) -> list[ReviewMeeting]:
    submission_owned(partnership=partnership, submission=submission)
    return list(_meetings(partnership).filter(submissions=submission))


def meeting_get(*, partnership: Partnership, cycle: AuditCycle, pk: int) -> ReviewMeeting:
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")
    # Its newest pre-read pack's version and when it was built, in the same
    # query (the meeting page's budget).
    packs = MeetingPack.objects.filter(meeting=OuterRef("pk")).order_by("-version")
    return get_object_or_404(
        _meetings(partnership).annotate(
            pack_version=Subquery(packs.values("version")[:1]),
            pack_built_at=Subquery(packs.values("built_at")[:1]),
        ),
        cycle=cycle,
        pk=pk,
    )


def meeting_submission_choices(*, partnership: Partnership, cycle: AuditCycle) -> list[Submission]:
    """Returns a meeting may discuss: those of the cycle that have been
    submitted at least once."""
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")
    return list(
        Submission.objects.filter(
            partnership=partnership,
            cycle=cycle,
            status__in=[SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED],
        )
        .filter(scope_current().agencies("agency__"))
        .select_related("agency")
        .order_by("agency__name")
    )
