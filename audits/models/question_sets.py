"""Which question set each group of agencies answers in a cycle.

A cycle has one default set (`AuditCycle.question_set`). A partnership may
give some agencies another set: one agency by name, every agency of a sector
(e.g. voluntary, community and faith organisations), or every statutory or
every non-statutory partner. The most specific rule wins: agency, then
sector, then statutory group, then the cycle's default.
"""

from django.db import models

from partnerships.models import Agency, Partnership, Sector, StatutoryGroup
from themes.models import QuestionSet

__all__ = ["CycleQuestionSet", "StatutoryGroup"]


class CycleQuestionSet(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(
        "audits.AuditCycle", on_delete=models.CASCADE, related_name="question_set_rules"
    )
    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="cycle_assignments")
    # Exactly one of these says which agencies the rule is for.
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="question_set_rules"
    )
    sector = models.CharField(max_length=30, choices=Sector.choices, blank=True)
    statutory_group = models.CharField(max_length=20, choices=StatutoryGroup.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(agency__isnull=False, sector="", statutory_group="")
                    | models.Q(agency__isnull=True, statutory_group="") & ~models.Q(sector="")
                    | models.Q(agency__isnull=True, sector="") & ~models.Q(statutory_group="")
                ),
                name="cycle_question_set_one_group",
            ),
            models.UniqueConstraint(
                fields=["cycle", "agency"],
                condition=models.Q(agency__isnull=False),
                name="cycle_question_set_unique_agency",
            ),
            models.UniqueConstraint(
                fields=["cycle", "sector"],
                condition=~models.Q(sector=""),
                name="cycle_question_set_unique_sector",
            ),
            models.UniqueConstraint(
                fields=["cycle", "statutory_group"],
                condition=~models.Q(statutory_group=""),
                name="cycle_question_set_unique_statutory_group",
            ),
            models.CheckConstraint(
                condition=models.Q(sector="") | models.Q(sector__in=Sector.values),
                name="cycle_question_set_sector_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(statutory_group="") | models.Q(statutory_group__in=StatutoryGroup.values),
                name="cycle_question_set_statutory_group_valid",
            ),
        ]

    def __str__(self):
        return f"{self.group_label}: {self.question_set}"

    @property
    def group_label(self) -> str:
        if self.agency_id:
            return self.agency.name
        if self.sector:
            return f"Sector: {self.get_sector_display()}"
        return self.get_statutory_group_display()

    @property
    def precedence(self) -> int:
        """Lower wins: a rule for one agency beats one for its sector."""
        if self.agency_id:
            return 0
        if self.sector:
            return 1
        return 2


def matching_rules(rules, agency: Agency) -> list[CycleQuestionSet]:
    """The rules (already fetched) that give this agency a set, most specific first."""
    group = StatutoryGroup.STATUTORY if agency.is_statutory else StatutoryGroup.NON_STATUTORY
    matching = [
        r
        for r in rules
        if r.agency_id == agency.pk
        or (r.sector and r.sector == agency.sector)
        or (r.statutory_group and r.statutory_group == group)
    ]
    return sorted(matching, key=lambda r: r.precedence)
