"""Which question set an agency answers in a cycle, and the rules that say so.

The cycle's own `question_set` is the default. A rule gives another set to
one agency, to every agency of a sector, or to every statutory (or
non-statutory) partner; the most specific matching rule wins. A return keeps
the set it was started on; a return nobody has started (no theme saved, no
evidence, no action: `submission_not_started`) follows the rules as they
change, its carried-forward answers carried again onto its new set.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from partnerships.models import Agency
from themes.models import QuestionSet

from ..models import (
    Answer,
    AuditCycle,
    CycleQuestionSet,
    Submission,
    ThemeResponse,
)
from ..models.question_sets import matching_rules
from ..selectors.question_sets import submission_not_started
from .carry_forward import submission_carry_forward


def cycle_question_set_for_agency(*, cycle: AuditCycle, agency: Agency) -> QuestionSet:
    """The set this agency answers in this cycle: the most specific rule
    that matches it, else the cycle's default set."""
    if agency.partnership_id != cycle.partnership_id:
        raise DomainError("That agency belongs to another partnership.")
    rules = CycleQuestionSet.objects.filter(cycle=cycle).select_related("question_set")
    matching = matching_rules(rules, agency)
    if matching:
        return matching[0].question_set
    return cycle.question_set


class RuleExistsError(DomainError):
    pass


def _recarry(submission: Submission, source: Submission, actor: Actor) -> None:
    Answer.objects.filter(submission=submission).delete()
    ThemeResponse.objects.filter(submission=submission).delete()
    submission_carry_forward(submission=submission, source=source, actor=actor)


def cycle_unstarted_returns_follow_rules(*, cycle: AuditCycle, actor: Actor = SYSTEM) -> int:
    """Move each of the cycle's returns that nobody has started to the set
    the cycle's rules (or its default) now give its agency; answers carried
    forward onto the old set are carried again, from the same return, onto
    the new one. A started return keeps its set. Each return is locked and
    checked again under the lock, so a save racing with this either lands
    first (and the return keeps its set) or finds the set changed and is
    refused as stale. Returns how many moved."""
    rules = list(CycleQuestionSet.objects.filter(cycle=cycle))
    candidates = (
        Submission.objects.filter(cycle=cycle)
        .filter(submission_not_started())
        .select_related("agency")
        .order_by("pk")
    )
    moved = 0
    for submission in candidates:
        matching = matching_rules(rules, submission.agency)
        wanted = matching[0].question_set_id if matching else cycle.question_set_id
        if wanted == submission.question_set_id:
            continue
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .filter(pk=submission.pk)
            .filter(submission_not_started())
            .select_related("partnership", "carried_from")
            .first()
        )
        if locked is None:
            continue  # started meanwhile: it keeps its set
        before = locked.question_set_id
        locked.question_set_id = wanted
        locked.version += 1
        locked.save(update_fields=["question_set", "version", "updated_at"])
        if locked.carried_from_id:
            _recarry(locked, locked.carried_from, actor)
        audit_event_record(
            partnership=cycle.partnership,
            actor=actor,
            verb="submission.question_set_changed",
            submission=locked,
            obj=locked,
            detail={"from": before, "to": wanted, "why": "The cycle's question-set rules changed."},
        )
        moved += 1
    return moved


@dataclass(frozen=True)
class RuleChoice:
    """One rule as a partnership admin chose it (before the cycle exists)."""

    question_set: QuestionSet
    agency: Agency | None = None
    sector: str = ""
    statutory_group: str = ""


def cycle_question_set_rules_create(*, cycle: AuditCycle, rules: list[RuleChoice], actor: Actor) -> None:
    """A new cycle's rules (no returns follow: call before making them)."""
    for rule in rules:
        _assign(cycle=cycle, actor=actor, **rule.__dict__)


@transaction.atomic
def cycle_question_set_assign(
    *,
    cycle: AuditCycle,
    question_set: QuestionSet,
    agency: Agency | None = None,
    sector: str = "",
    statutory_group: str = "",
    actor: Actor = SYSTEM,
) -> CycleQuestionSet:
    """Give one group of the cycle's agencies their own question set; the
    cycle's returns nobody has started follow it."""
    rule = _assign(
        cycle=cycle,
        question_set=question_set,
        agency=agency,
        sector=sector,
        statutory_group=statutory_group,
        actor=actor,
    )
    cycle_unstarted_returns_follow_rules(cycle=cycle, actor=actor)
    return rule


def _assign(
    *,
    cycle: AuditCycle,
    question_set: QuestionSet,
    agency: Agency | None,
    sector: str,
    statutory_group: str,
    actor: Actor,
) -> CycleQuestionSet:
    if question_set.partnership_id != cycle.partnership_id:
        raise DomainError("That question set belongs to another partnership.")
    if agency is not None and agency.partnership_id != cycle.partnership_id:
        raise DomainError("That agency belongs to another partnership.")
    if question_set.status != QuestionSet.Status.PUBLISHED:
        raise DomainError("Publish the question set before a cycle uses it.")
    if sum(bool(x) for x in (agency, sector, statutory_group)) != 1:
        raise DomainError("Choose one agency, one sector or one group of agencies.")
    try:
        with transaction.atomic():
            rule = CycleQuestionSet.objects.create(
                partnership_id=cycle.partnership_id,
                cycle=cycle,
                question_set=question_set,
                agency=agency,
                sector=sector,
                statutory_group=statutory_group,
            )
    except IntegrityError as exc:
        raise RuleExistsError(
            "That group already has a question set in this cycle. Remove that rule first."
        ) from exc
    audit_event_record(
        partnership=cycle.partnership,
        actor=actor,
        verb="cycle.question_set_assigned",
        obj=rule,
        detail={
            "cycle": cycle.slug,
            "question_set": question_set.pk,
            "group": rule.group_label,
        },
    )
    return rule


@transaction.atomic
def cycle_question_set_unassign(*, rule: CycleQuestionSet, actor: Actor = SYSTEM) -> None:
    detail = {"cycle": rule.cycle.slug, "question_set": rule.question_set_id, "group": rule.group_label}
    partnership = rule.cycle.partnership
    rule_id = rule.pk
    rule.delete()
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="cycle.question_set_unassigned",
        detail={**detail, "rule": rule_id},
    )
    cycle_unstarted_returns_follow_rules(cycle=rule.cycle, actor=actor)
