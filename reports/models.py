"""Reports a partnership publishes about a cycle: a board report built from
chosen sections (figures worked out when it is shown, narrative written by
staff and kept here), and a short summary for children and young people.

The figures are never stored: a report always says what the returns say now.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from audits.models import AuditCycle
from partnerships.models import Partnership

# The sections a report can have, in the order a new report lists them. A
# report keeps the keys it uses, in its own order (Report.sections).


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    hint: str
    narrative: bool = False  # written by staff, kept with the report


SECTIONS = (
    Section(
        "status", "Returns by status", "How many agencies were asked, and where their returns have got to."
    ),
    Section(
        "themes",
        "Findings by theme",
        "Agencies' self-ratings beside the partnership's moderated ratings, and how moderation changed them.",
    ),
    Section("amber_red", "Themes most often Amber or Red", "Where agencies most need to improve."),
    Section("sectors", "By sector", "Ratings by the kind of agency."),
    Section("localities", "By locality", "Ratings by the area agencies work in."),
    Section("movement", "Movement since the previous cycle", "Which ratings improved or got worse."),
    Section(
        "actions", "Action plans", "How many actions agencies set, how many are done and how many overdue."
    ),
    Section(
        "meetings", "What the assurance meetings found", "Meetings and scrutiny panels, and what they agreed."
    ),
    Section(
        "meetings_year",
        "The year's meetings by theme",
        "Across the year's meetings: returns discussed, Red after moderation, actions agreed and still open, "
        "and what was escalated to the executive board.",
    ),
    Section("good_practice", "Good practice", "Written by you.", narrative=True),
    Section("concerns", "Concerns", "Written by you.", narrative=True),
    Section("method", "Method", "Who was asked, the response rate and how ratings were moderated."),
)
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
SECTION_KEYS = tuple(s.key for s in SECTIONS)


def default_sections() -> list[str]:
    return list(SECTION_KEYS)


class Report(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(AuditCycle, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(max_length=200)
    # Section keys (reports.sections), in the order the report shows them.
    sections = models.JSONField(default=default_sections)
    good_practice = models.TextField(blank=True)
    concerns = models.TextField(blank=True)
    method_note = models.TextField(
        blank=True, help_text="Added to the method section after the figures, e.g. who moderated."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class ChildSummary(models.Model):
    """What the partnership checked, what is going well and what
    organisations are working on, in words children can read. Public on the
    partnership's pages once published."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.OneToOneField(AuditCycle, on_delete=models.CASCADE, related_name="child_summary")
    title = models.CharField(max_length=120)
    what_we_checked = models.TextField()
    going_well = models.TextField()
    working_on = models.TextField()
    what_next = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by_name = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "child summaries"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="child_summary_has_title"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
