"""Submitting a return: completeness per the cycle's policy, the lock, the
receipt. Submitting twice has the effect of submitting once."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from themes.models import Theme

from .. import policy
from ..models import IncompletePolicy, NotificationKind, Rag, Submission, SubmissionStatus, ThemeResponse
from ..selectors import submission_theme_rows
from ..selectors.actions import themes_needing_actions
from .emails import submission_email_context
from .notifications import staff_notification_queue
from .pdf import submission_pdf_record
from .responses import SubmissionLockedError


@dataclass(frozen=True)
class ThemeGap:
    theme: Theme
    unanswered: int
    rag_missing: bool
    # Rated Amber or Red with no action item, in a cycle that requires them.
    actions_missing: bool = False
    # Carried forward from last cycle and not yet confirmed (or changed).
    unconfirmed: bool = False

    @property
    def incomplete(self) -> bool:
        return bool(self.unanswered or self.rag_missing)


class SubmissionIncompleteError(DomainError):
    def __init__(self, gaps: list[ThemeGap], *, from_last_cycle: bool = True):
        self.gaps = gaps
        if any(g.unconfirmed for g in gaps):
            # Carried forward from last cycle, or filled in from an organisation's standing draft.
            answers = "last cycle's answers" if from_last_cycle else "the answers filled in"
            message = f"Confirm or change {answers} for each theme before you submit"
        elif any(g.actions_missing for g in gaps):
            message = "Add at least one action to each theme rated Amber or Red before you submit"
        else:
            message = "Answer every question and give every theme a RAG rating before you submit"
        super().__init__(message)


def submission_gaps_block(*, submission: Submission, gaps: list[ThemeGap]) -> bool:
    """Whether these gaps stop the return being submitted: missing action
    items and themes carried forward that nobody has confirmed always do
    (a return must not go in with last cycle's answers unseen); incomplete
    themes do under the cycle's BLOCK policy."""
    if any(g.actions_missing or g.unconfirmed for g in gaps):
        return True
    return any(g.incomplete for g in gaps) and submission.cycle.incomplete_policy == IncompletePolicy.BLOCK


class StaleSubmissionError(DomainError):
    def __init__(self):
        super().__init__(
            "Someone changed the return after you opened this page. Check the answers again "
            "before you submit."
        )


def _gaps(rows, needing_actions: set[int]) -> list[ThemeGap]:
    """rows: (theme, questions, answered, response) in theme order."""
    gaps = []
    for theme, total, answered, response in rows:
        rag_missing = not (response and response.rag)
        actions_missing = theme.pk in needing_actions
        unconfirmed = bool(response and response.carried_forward)
        if answered < total or rag_missing or actions_missing or unconfirmed:
            gaps.append(ThemeGap(theme, total - answered, rag_missing, actions_missing, unconfirmed))
    return gaps


def submission_gaps(*, submission: Submission) -> list[ThemeGap]:
    """Themes with unanswered questions or no RAG rating, carried forward
    from last cycle and not yet confirmed, or (if the cycle requires action
    plans) rated Amber or Red with no action item."""
    needing_actions = (
        themes_needing_actions(submission=submission) if submission.cycle.action_items_required else set()
    )
    return _gaps(
        ((r.theme, r.total, r.answered, r.response) for r in submission_theme_rows(submission=submission)),
        needing_actions,
    )


def submission_gaps_from_sections(*, submission: Submission, sections: list[dict]) -> list[ThemeGap]:
    """submission_gaps, from what "check your answers" has already read
    (selectors.submission_full with action_items_attach): no query."""
    needing_actions = set()
    if submission.cycle.action_items_required:
        needing_actions = {
            s["theme"].pk
            for s in sections
            if s["response"]
            and s["response"].rag in (Rag.AMBER, Rag.RED)
            and not s["response"].rag_defaulted
            and not s["action_items"]
        }
    return _gaps(
        (
            (
                s["theme"],
                len(s["questions"]),
                sum(1 for _, a in s["questions"] if a is not None),
                s["response"],
            )
            for s in sections
        ),
        needing_actions,
    )


@transaction.atomic
def submission_submit(
    *,
    submission: Submission,
    submitted_by: Actor,
    signed_off_by_name: str,
    signed_off_by_role: str,
    expected_version: int,
) -> Submission:
    submission = (
        Submission.objects.select_for_update()
        .select_related("cycle", "partnership", "agency")
        .get(pk=submission.pk)
    )
    if submission.status == SubmissionStatus.SUBMITTED:
        # A double click, a refresh or a replayed POST: already done.
        return submission
    policy.may_submit(submission).refuse(SubmissionLockedError)
    if submission.version != expected_version:
        raise StaleSubmissionError()
    if not signed_off_by_name.strip() or not signed_off_by_role.strip():
        raise DomainError("Enter the name and role of the person who signs off this return")

    gaps = submission_gaps(submission=submission)
    if submission_gaps_block(submission=submission, gaps=gaps):
        raise SubmissionIncompleteError(gaps, from_last_cycle=submission.carried_from_id is not None)
    gaps = [gap for gap in gaps if gap.incomplete]
    for gap in gaps:
        ThemeResponse.objects.update_or_create(
            submission=submission,
            theme=gap.theme,
            defaults={"rag": Rag.RED, "rag_defaulted": True},
        )

    now = timezone.now()
    # A return sent back for changes is unlocked ('returned'); submitting it
    # again locks it as a new version (the bump below), with a new PDF.
    resubmission = submission.status == SubmissionStatus.RETURNED
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by_name = submitted_by.name
    submission.submitted_by_email = submitted_by.email
    submission.signed_off_by_name = signed_off_by_name.strip()
    submission.signed_off_by_role = signed_off_by_role.strip()
    submission.version += 1
    submission.save(
        update_fields=[
            "status",
            "submitted_at",
            "submitted_by_name",
            "submitted_by_email",
            "signed_off_by_name",
            "signed_off_by_role",
            "version",
            "updated_at",
        ]
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=submitted_by,
        verb="submission.submitted",
        submission=submission,
        obj=submission,
        detail={
            "signed_off_by": f"{submission.signed_off_by_name}, {submission.signed_off_by_role}",
            "themes_defaulted_red": [gap.theme.title for gap in gaps],
            "resubmission": resubmission,
        },
    )
    staff_notification_queue(
        partnership=submission.partnership,
        kind=NotificationKind.RESUBMITTED if resubmission else NotificationKind.SUBMITTED,
        submission=submission,
        event_key=f"submitted:{submission.pk}:v{submission.version}",
        summary="Submitted its return again after changes" if resubmission else "Submitted its return",
    )
    # The submitted version, kept for its PDF, which is built once this commits.
    submission_pdf_record(submission=submission, actor=submitted_by)
    recipients = {submitted_by.email.lower(): submitted_by.name} if submitted_by.email else {}
    for name, email in submission.resume_links.values_list("name", "email"):
        recipients.setdefault(email.lower(), name)
    context = submission_email_context(
        submission,
        submitted_at=now.isoformat(),
        submitted_by_name=submitted_by.name,
        signed_off_by=f"{submission.signed_off_by_name}, {submission.signed_off_by_role}",
        themes_defaulted_red=[gap.theme.title for gap in gaps],
    )
    for email, name in sorted(recipients.items()):
        outbound_email_queue(
            partnership=submission.partnership,
            kind=OutboundEmail.Kind.RECEIPT,
            to_email=email,
            to_name=name,
            template="receipt",
            context=context,
            dedupe_key=f"receipt:{submission.pk}:{now.isoformat()}:{email}",
            submission=submission,
        )
    return submission
