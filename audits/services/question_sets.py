"""Which question set an agency answers in a cycle, and the rules that say so.

The cycle's own `question_set` is the default. A rule gives another set to
one agency, to every agency of a sector, or to every statutory (or
non-statutory) partner; the most specific matching rule wins. A return keeps
the set it was started on: changing a rule later affects only agencies that
have not started.
"""

from django.db import IntegrityError, transaction

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from partnerships.models import Agency
from themes.models import QuestionSet

from ..models import AuditCycle, CycleQuestionSet
from ..models.question_sets import matching_rules


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
    """Give one group of the cycle's agencies their own question set."""
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
