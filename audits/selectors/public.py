"""Reads for a cycle's public pages: which question sets the agencies taking
part answer, each with the groups it is for, in words for the public
question list and its reference sheets."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from partnerships.models import Partnership, Sector
from themes.models import Question, QuestionSet, Theme
from themes.selectors import theme_list_with_questions

from ..models import AuditCycle, CycleQuestionSet, StatutoryGroup
from ..models.question_sets import matching_rules
from .scope import cycle_agencies_taking_part

# "For … :" — each sector's organisations, as the public page names them.
SECTOR_GROUPS = {
    Sector.LOCAL_AUTHORITY: "local authorities and district councils",
    Sector.NHS: "NHS organisations",
    Sector.POLICE: "police forces",
    Sector.BRITISH_TRANSPORT_POLICE: "British Transport Police",
    Sector.PROBATION: "the Probation Service",
    Sector.PRISON: "prisons and young offender institutions",
    Sector.SECURE_TRAINING_CENTRE: "secure training centres",
    Sector.SECURE_COLLEGE: "secure colleges",
    Sector.YOUTH_JUSTICE: "youth justice services",
    Sector.FIRE_AND_RESCUE: "fire and rescue services",
    Sector.EDUCATION: "schools, colleges and other education providers",
    Sector.EARLY_YEARS: "early years and childcare providers",
    Sector.VOLUNTARY: "voluntary, community or faith organisations",
    Sector.SPORT: "sport and leisure organisations",
    Sector.PRIVATE: "private or commissioned providers",
    Sector.OTHER: "organisations in the sector 'Other'",
}
STATUTORY_GROUPS = {
    StatutoryGroup.STATUTORY: "statutory partners",
    StatutoryGroup.NON_STATUTORY: "organisations taking part by choice (not statutory partners)",
}
EVERY_ORGANISATION = "every organisation"
EVERY_OTHER_ORGANISATION = "every other organisation"


def _rule_group_words(rule: CycleQuestionSet) -> str:
    """Who a rule is for, as the end of "For …": "police forces"."""
    if rule.agency_id:
        return rule.agency.name
    if rule.sector:
        return SECTOR_GROUPS.get(rule.sector, rule.get_sector_display())
    return STATUTORY_GROUPS.get(rule.statutory_group, rule.get_statutory_group_display())


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


@dataclass
class PublicQuestionSet:
    question_set: QuestionSet
    is_default: bool
    groups: list[str] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)

    @property
    def for_words(self) -> str:
        """ "voluntary, community or faith organisations and police forces"."""
        return _joined(self.groups)

    @property
    def is_for_everyone(self) -> bool:
        """The only set of the cycle: nobody answers another."""
        return self.groups == [EVERY_ORGANISATION]

    @property
    def heading(self) -> str:
        return f"For {self.for_words}: {self.question_set.name}"

    @property
    def question_count(self) -> int:
        return sum(len(theme.questions.all()) for theme in self.themes)


def cycle_public_question_sets(*, partnership: Partnership, cycle: AuditCycle) -> list[PublicQuestionSet]:
    """The question sets the cycle's agencies answer, the cycle's default
    first, each with the groups it is for and its themes and questions.

    A rule counts if it gives its set to at least one agency taking part
    (the most specific rule wins, as when the return is made); the default
    set is listed if some agency taking part matches no rule, or if no rule
    applies at all. Four queries, whatever the number of agencies."""
    if cycle.partnership_id != partnership.pk:
        raise Http404("No such cycle")
    rules = list(
        CycleQuestionSet.objects.filter(partnership=partnership, cycle=cycle).select_related(
            "question_set", "agency"
        )
    )
    winning: dict[int, CycleQuestionSet] = {}
    default_used = not rules
    if rules:
        for agency in cycle_agencies_taking_part(partnership=partnership, cycle=cycle).only(
            "pk", "sector", "is_statutory"
        ):
            matching = matching_rules(rules, agency)
            if matching:
                winning[matching[0].pk] = matching[0]
            else:
                default_used = True
    entries: dict[int, PublicQuestionSet] = {}
    if default_used or not winning:
        entries[cycle.question_set_id] = PublicQuestionSet(cycle.question_set, is_default=True)
    for rule in sorted(winning.values(), key=lambda r: (r.precedence, _rule_group_words(r).casefold())):
        if rule.question_set_id not in entries:
            entries[rule.question_set_id] = PublicQuestionSet(rule.question_set, is_default=False)
        entries[rule.question_set_id].groups.append(_rule_group_words(rule))
    default = entries.get(cycle.question_set_id)
    if len(entries) == 1 and default is not None:
        # Whatever the rules say, everyone answers the cycle's own set.
        default.groups = [EVERY_ORGANISATION]
    elif default is not None and default.is_default:
        default.groups.append(EVERY_OTHER_ORGANISATION)
    themes = Theme.objects.filter(
        question_set_id__in=list(entries), question_set__partnership=partnership
    ).prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order")))
    for theme in themes.order_by("order", "pk"):
        entries[theme.question_set_id].themes.append(theme)
    return list(entries.values())


def cycle_public_question_set_get(
    *, partnership: Partnership, cycle: AuditCycle, question_set_id: int | None
) -> PublicQuestionSet:
    """One of the cycle's public question sets (the default if no id is
    given); 404 for a set the cycle does not use."""
    for entry in cycle_public_question_sets(partnership=partnership, cycle=cycle):
        if entry.question_set.pk == question_set_id or (question_set_id is None and entry.is_default):
            return entry
    if question_set_id is None:  # every agency answers another set; the cycle's own is still its own
        return PublicQuestionSet(
            cycle.question_set,
            is_default=True,
            groups=[EVERY_ORGANISATION],
            themes=theme_list_with_questions(question_set=cycle.question_set),
        )
    raise Http404("No such question set in this cycle")
