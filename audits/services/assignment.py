"""Assigning a return to the reviewer who will evaluate it."""

from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from partnerships.models import StaffMembership
from partnerships.permissions import Perm, role_has_perm

from ..models import Submission, SubmissionReview


@transaction.atomic
def review_assign(
    *, submission: Submission, assignee: StaffMembership | None, actor: Actor
) -> SubmissionReview:
    """Assign the return to `assignee` (a member of its partnership who may
    review), or to nobody. Assigning it to whoever has it already changes
    nothing and records nothing."""
    submission = (
        Submission.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=submission.pk)
    )
    if assignee is not None:
        if assignee.partnership_id != submission.partnership_id:
            raise DomainError("Select a reviewer from the list")
        if not role_has_perm(assignee.role, Perm.REVIEW):
            raise DomainError(
                f"{assignee.name} cannot review returns: their role is {assignee.get_role_display()}"
            )
    review, _ = SubmissionReview.objects.select_for_update().get_or_create(
        submission=submission, defaults={"partnership_id": submission.partnership_id}
    )
    before = review.assigned_to
    if review.assigned_to_id == (assignee.pk if assignee else None):
        return review
    review.assigned_to = assignee
    review.assigned_at = timezone.now() if assignee else None
    review.save(update_fields=["assigned_to", "assigned_at", "updated_at"])
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="review.assigned",
        submission=submission,
        obj=review,
        detail={"to": assignee.name if assignee else "", "from": before.name if before else ""},
    )
    return review


__all__ = ["review_assign"]
