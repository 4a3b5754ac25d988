"""Reads for the question-set rules of a cycle: who answers which set."""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from partnerships.models import Agency, Partnership
from themes.models import QuestionSet

from ..models import AuditCycle, CycleQuestionSet, Submission
from ..services.question_sets import matching_rules


def _same_partnership(partnership: Partnership, cycle: AuditCycle) -> None:
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")


def cycle_question_set_rule_list(*, partnership: Partnership, cycle: AuditCycle) -> list[CycleQuestionSet]:
    """The cycle's rules, most specific first."""
    _same_partnership(partnership, cycle)
    rules = CycleQuestionSet.objects.filter(partnership=partnership, cycle=cycle).select_related(
        "question_set", "agency"
    )
    return sorted(rules, key=lambda r: (r.precedence, r.group_label.lower()))


def cycle_question_set_rule_get(*, partnership: Partnership, cycle: AuditCycle, pk) -> CycleQuestionSet:
    return get_object_or_404(
        CycleQuestionSet.objects.select_related("question_set", "agency", "cycle__partnership"),
        partnership=partnership,
        cycle=cycle,
        pk=pk,
    )


@dataclass
class AgencySet:
    agency: Agency
    question_set: QuestionSet
    rule: CycleQuestionSet | None
    started: bool  # a return exists, so its set is fixed whatever the rules say


def cycle_agency_question_sets(*, partnership: Partnership, cycle: AuditCycle) -> list[AgencySet]:
    """Every active agency with the set it answers in the cycle: the set of
    its return once started, else what the rules give it. Three queries."""
    _same_partnership(partnership, cycle)
    rules = cycle_question_set_rule_list(partnership=partnership, cycle=cycle)
    started = {
        s.agency_id: s.question_set
        for s in Submission.objects.filter(partnership=partnership, cycle=cycle).select_related(
            "question_set"
        )
    }
    rows = []
    for agency in Agency.objects.filter(partnership=partnership, is_active=True).order_by("name"):
        matching = matching_rules(rules, agency)
        rule = matching[0] if matching else None
        if agency.pk in started:
            rows.append(AgencySet(agency, started[agency.pk], rule, True))
        else:
            rows.append(AgencySet(agency, rule.question_set if rule else cycle.question_set, rule, False))
    return rows
