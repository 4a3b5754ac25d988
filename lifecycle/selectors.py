"""Reads for the data lifecycle. Each takes the partnership first."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from audits.models import (
    ActionItem,
    ActionUpdate,
    ActionUpdateRequest,
    AuditCycle,
    Challenge,
    ChallengeMessage,
    Evidence,
    EvidenceRequest,
    MeetingAction,
    MeetingEscalation,
    MeetingPack,
    PanelMember,
    ResumeLink,
    ReturnForChanges,
    ReviewMeeting,
    Submission,
    SubmissionPdf,
    SubmissionReview,
    SupplementaryEvidence,
    ThemeModeration,
    ThemeResponse,
)
from core.models import AuditEvent, OutboundEmail
from partnerships.models import Partnership

from .models import DEFAULT_RETENTION_YEARS, CycleAnonymisation, RetentionPolicy

# Keys of an audit event's detail that name or address a person.
PERSONAL_DETAIL_KEYS = ["to", "sent_to", "email", "emailed", "signed_off_by", "name", "recipients"]

# What anonymising a cycle removes, in the order the dry-run page lists it.
WHAT_GOES = {
    "submissions": "Returns: who submitted and who signed off (names and emails)",
    "theme_responses": "Theme pages: who last saved them",
    "evidence": "Evidence: who added it (the files stay)",
    "action_items": "Action items: who added them",
    "action_updates": "Action plan progress updates: who recorded them",
    "action_update_requests": "Action plan update requests: who they were sent to",
    "reviews": "Evaluations: which staff member confirmed and last changed them",
    "moderations": "Moderated ratings: which staff member set them",
    "returns_for_changes": "Returns for changes: which staff member sent them back",
    "meetings": "Meetings: the panel's names and who recorded the meeting",
    "meeting_actions": "Meetings' agreed actions: their owners' names and emails",
    "panel_members": "Meetings' panels: who sat on them and their links (deleted)",
    "escalations": "Escalations to the executive board: which staff member made them",
    "meeting_packs": "Meetings' pre-read packs (PDFs, deleted)",
    "challenges": "Responses to evaluations: who started them and who gave the final word",
    "challenge_messages": "Messages about evaluations: who wrote them",
    "evidence_requests": "Evidence requests: which staff member asked",
    "supplementary_evidence": "Supplementary evidence: who sent it",
    "resume_links": "Links to returns (deleted)",
    "emails": "Emails sent about returns: recipients and content",
    "audit_events": "History entries: who did it",
    "submitted_pdfs": "Submitted copies (PDFs, deleted)",
}


def retention_policy_get(*, partnership: Partnership) -> RetentionPolicy:
    """The partnership's policy, or the default (not saved) if it has none."""
    policy = RetentionPolicy.objects.filter(partnership=partnership).first()
    return policy or RetentionPolicy(partnership=partnership, years=DEFAULT_RETENTION_YEARS)


def years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def years_after(moment: datetime, years: int) -> datetime:
    return years_before(moment, -years)


def cycles_due(*, partnership: Partnership, policy: RetentionPolicy, now=None) -> QuerySet[AuditCycle]:
    """Cycles closed longer ago than the retention period and not yet
    anonymised, oldest first."""
    cutoff = years_before(now or timezone.now(), policy.years)
    return AuditCycle.objects.filter(
        partnership=partnership, closes_at__lte=cutoff, anonymisation__isnull=True
    ).order_by("closes_at", "id")


def cycle_event_q(cycle: AuditCycle) -> Q:
    """The audit events about a cycle: its returns', the cycle's own, and its
    meetings' (audits.services.meetings records each against the meeting)."""
    meetings = ReviewMeeting.objects.filter(cycle=cycle).annotate(key=Cast("pk", CharField())).values("key")
    return (
        Q(submission__cycle=cycle)
        | Q(object_type="audits.auditcycle", object_id=str(cycle.pk))
        | Q(object_type="audits.reviewmeeting", object_id__in=meetings)
    )


def cycle_personal_data(
    *, partnership: Partnership, cycle: AuditCycle, keep_pdfs: bool
) -> dict[str, QuerySet]:
    """The rows anonymising `cycle` would change or delete, by kind (keys of
    WHAT_GOES). Rows already blank are not counted."""
    if cycle.partnership_id != partnership.pk:
        raise ValueError("That cycle belongs to another partnership.")
    in_cycle = {"partnership": partnership, "submission__cycle": cycle}
    rows = {
        "submissions": Submission.objects.filter(partnership=partnership, cycle=cycle).exclude(
            submitted_by_name="", submitted_by_email="", signed_off_by_name=""
        ),
        "theme_responses": ThemeResponse.objects.filter(
            submission__partnership=partnership, submission__cycle=cycle
        ).exclude(updated_by_name="", updated_by_email=""),
        "evidence": Evidence.objects.filter(
            submission__partnership=partnership, submission__cycle=cycle
        ).exclude(added_by_name="", added_by_email=""),
        "action_items": ActionItem.objects.filter(**in_cycle).exclude(
            created_by_name="", created_by_email=""
        ),
        "action_updates": ActionUpdate.objects.filter(
            partnership=partnership, item__submission__cycle=cycle
        ).exclude(actor_name="", actor_email=""),
        "action_update_requests": ActionUpdateRequest.objects.filter(**in_cycle).exclude(recipients=[]),
        "reviews": SubmissionReview.objects.filter(**in_cycle).filter(
            Q(evaluated_by__isnull=False) | ~Q(evaluated_by_name="") | ~Q(updated_by_name="")
        ),
        "moderations": ThemeModeration.objects.filter(**in_cycle).filter(
            Q(updated_by__isnull=False) | ~Q(updated_by_name="")
        ),
        "returns_for_changes": ReturnForChanges.objects.filter(**in_cycle).filter(
            Q(returned_by__isnull=False) | ~Q(returned_by_name="")
        ),
        "meetings": ReviewMeeting.objects.filter(partnership=partnership, cycle=cycle).filter(
            Q(created_by__isnull=False) | ~Q(panel_members="")
        ),
        "meeting_actions": MeetingAction.objects.filter(
            meeting__partnership=partnership, meeting__cycle=cycle
        ).filter(~Q(owner="") | ~Q(owner_email="")),
        "panel_members": PanelMember.objects.filter(partnership=partnership, meeting__cycle=cycle),
        "escalations": MeetingEscalation.objects.filter(partnership=partnership, meeting__cycle=cycle).filter(
            Q(created_by__isnull=False) | ~Q(created_by_name="")
        ),
        "meeting_packs": MeetingPack.objects.filter(partnership=partnership, meeting__cycle=cycle),
        "challenges": Challenge.objects.filter(**in_cycle).filter(
            ~Q(opened_by_name="")
            | ~Q(opened_by_email="")
            | Q(resolved_by__isnull=False)
            | ~Q(resolved_by_name="")
        ),
        "challenge_messages": ChallengeMessage.objects.filter(
            partnership=partnership, challenge__submission__cycle=cycle
        ).filter(~Q(author_name="") | ~Q(author_email="") | Q(author_user__isnull=False)),
        "evidence_requests": EvidenceRequest.objects.filter(**in_cycle).filter(
            Q(requested_by__isnull=False) | ~Q(requested_by_name="")
        ),
        "supplementary_evidence": SupplementaryEvidence.objects.filter(**in_cycle).exclude(
            added_by_name="", added_by_email=""
        ),
        "resume_links": ResumeLink.objects.filter(**in_cycle),
        "emails": OutboundEmail.objects.filter(**in_cycle).exclude(
            to_name="", to_email="", context={}, last_error=""
        ),
        "audit_events": AuditEvent.objects.filter(cycle_event_q(cycle), partnership=partnership).filter(
            Q(actor__isnull=False)
            | ~Q(actor_name="")
            | ~Q(actor_email="")
            | Q(detail__has_any_keys=PERSONAL_DETAIL_KEYS)
        ),
        "submitted_pdfs": SubmissionPdf.objects.filter(**in_cycle),
    }
    if keep_pdfs:
        rows["submitted_pdfs"] = SubmissionPdf.objects.none()
    return rows


@dataclass
class CyclePreview:
    cycle: AuditCycle
    due_at: datetime
    is_due: bool
    counts: list[tuple[str, int]]  # (what, how many), only kinds with rows

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


def retention_preview(*, partnership: Partnership, now=None) -> list[CyclePreview]:
    """The dry run: each closed cycle not yet anonymised, when it falls due,
    and what anonymising it would remove (counted only for cycles due now)."""
    now = now or timezone.now()
    policy = retention_policy_get(partnership=partnership)
    due = set(cycles_due(partnership=partnership, policy=policy, now=now).values_list("pk", flat=True))
    previews = []
    closed = AuditCycle.objects.filter(
        partnership=partnership, closes_at__lte=now, anonymisation__isnull=True
    ).order_by("closes_at", "id")
    for cycle in closed:
        counts = []
        if cycle.pk in due:
            rows = cycle_personal_data(
                partnership=partnership, cycle=cycle, keep_pdfs=policy.keep_submitted_pdfs
            )
            counts = [(WHAT_GOES[key], n) for key, qs in rows.items() if (n := qs.count())]
        previews.append(
            CyclePreview(
                cycle=cycle,
                due_at=years_after(cycle.closes_at, policy.years),
                is_due=cycle.pk in due,
                counts=counts,
            )
        )
    return previews


def cycles_anonymised(*, partnership: Partnership):
    return (
        CycleAnonymisation.objects.filter(partnership=partnership)
        .select_related("cycle")
        .order_by("-anonymised_at")
    )
