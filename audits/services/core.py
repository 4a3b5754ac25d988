"""Writes to audit cycles and submissions. Each service is atomic, checks the
rules, and writes an AuditEvent (core.audit)."""

import secrets

from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from partnerships.models import Agency, Partnership
from themes.models import QuestionSet

from ..models import AuditCycle, IncompletePolicy, Submission
from .question_sets import cycle_question_set_for_agency

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def cycle_reference_year(cycle: AuditCycle) -> int:
    """The year a cycle's return references carry: the UK year it opens in,
    whenever a return is made (a cycle opening in November and closing in
    February keeps one year; returns made ahead of the opening, as when a
    cycle starts from the previous one, take the year it will open in)."""
    return timezone.localtime(cycle.opens_at).year


def submission_reference_new(*, cycle: AuditCycle) -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"S11-{cycle_reference_year(cycle)}-{code}"


def submission_references_follow_cycle(*, cycle: AuditCycle) -> int:
    """Give the cycle's returns references of the cycle's year, keeping each
    one's code: for returns made before the cycle opened (carried forward
    from the previous cycle) whose opening date then moved into another
    year. Only before the cycle opens: nobody outside has seen them. Returns
    how many changed."""
    year = cycle_reference_year(cycle)
    prefix = f"S11-{year}-"
    changed = []
    for submission in Submission.objects.filter(cycle=cycle).exclude(reference__startswith=prefix):
        code = submission.reference.rsplit("-", 1)[-1]
        reference = prefix + code
        if Submission.objects.filter(reference=reference).exists():  # another return has that code
            reference = submission_reference_new(cycle=cycle)
        submission.reference = reference
        changed.append(submission)
    Submission.objects.bulk_update(changed, ["reference"], batch_size=500)
    return len(changed)


@transaction.atomic
def cycle_create(
    *,
    partnership: Partnership,
    title: str,
    slug: str,
    question_set: QuestionSet,
    opens_at,
    closes_at,
    actor: Actor = SYSTEM,
    incomplete_policy: str = IncompletePolicy.DEFAULT_RED,
    link_grace_days: int = 14,
    expected_minutes: int = 90,
) -> AuditCycle:
    if question_set.partnership_id != partnership.pk:
        raise DomainError("That question set belongs to another partnership.")
    if question_set.status != QuestionSet.Status.PUBLISHED:
        raise DomainError("Publish the question set before a cycle uses it.")
    if closes_at <= opens_at:
        raise DomainError("The closing date must be after the opening date.")
    cycle = AuditCycle.objects.create(
        partnership=partnership,
        title=title,
        slug=slug,
        question_set=question_set,
        opens_at=opens_at,
        closes_at=closes_at,
        incomplete_policy=incomplete_policy,
        link_grace_days=link_grace_days,
        expected_minutes=expected_minutes,
    )
    audit_event_record(partnership=partnership, actor=actor, verb="cycle.created", obj=cycle)
    return cycle


@transaction.atomic
def submission_get_or_create(*, cycle: AuditCycle, agency: Agency, actor: Actor = SYSTEM) -> Submission:
    """The agency's return for the cycle, created on first use."""
    if agency.partnership_id != cycle.partnership_id:
        raise DomainError("That agency belongs to another partnership.")
    existing = Submission.objects.filter(cycle=cycle, agency=agency).first()
    if existing:
        return existing
    submission = Submission.objects.create(
        partnership_id=cycle.partnership_id,
        cycle=cycle,
        agency=agency,
        # The cycle's default set, or the one a rule gives this agency's group.
        question_set_id=cycle_question_set_for_agency(cycle=cycle, agency=agency).pk,
        reference=submission_reference_new(cycle=cycle),
    )
    audit_event_record(
        partnership=cycle.partnership,
        actor=actor,
        verb="submission.created",
        submission=submission,
        obj=submission,
    )
    return submission
