"""The reports tests' world: tests/audits/reports_world.py (five agencies,
two localities, an earlier cycle) with moderations, an action item and an
assurance meeting added, so every section has something to count.

Hand-computed figures are in the tests; the world as they see it:

This cycle's submitted returns (self-rating → moderated rating):
- Aardvark Council (North, local authority): theme 1 Green → Amber,
  theme 2 Amber, theme 3 Red → Amber.
- Dormouse Trust (South, voluntary): theme 1 Green, theme 2 Green → Green,
  theme 3 Red (by default).
Badger Health (North and South, NHS) is in progress with one overdue action
item; Cormorant Police (no locality) has not started; Eel Youth Justice
(South) was returned for changes. The assurance meeting discussed
Aardvark's return.
"""

from datetime import date, timedelta

from django.utils import timezone

from audits.models import ActionItem, MeetingEscalation, Rag
from audits.models.review import MeetingAction, ReviewMeeting, ThemeModeration
from tests.audits.reports_world import ReportsWorld, reports_world, themes_of


def moderate(world: ReportsWorld, agency: str, theme_number: int, rag: str) -> None:
    theme = themes_of(world.question_set)[theme_number - 1]
    ThemeModeration.objects.create(
        partnership=world.partnership, submission=world.returns[agency], theme=theme, rag=rag
    )


def report_world(slug: str = "alpha") -> ReportsWorld:
    w = reports_world(slug)
    moderate(w, "Aardvark Council", 1, Rag.AMBER)
    moderate(w, "Aardvark Council", 3, Rag.AMBER)
    moderate(w, "Dormouse Trust", 2, Rag.GREEN)
    t1 = themes_of(w.question_set)[0]
    ActionItem.objects.create(
        partnership=w.partnership,
        submission=w.returns["Badger Health"],
        theme=t1,
        action="Train every manager",
        lead_person="Head of HR",
        target_date=timezone.localdate() - timedelta(days=1),
        success_criteria="All trained",
    )
    meeting = ReviewMeeting.objects.create(
        partnership=w.partnership,
        cycle=w.cycle,
        held_on=date(2026, 5, 12),
        panel_members="Chair\nBusiness manager",
        notes="Training records were thin.\n\n- Ask for the training matrix",
    )
    meeting.submissions.add(w.returns["Aardvark Council"])
    MeetingAction.objects.create(
        meeting=meeting,
        action="Send the training matrix",
        owner="Aardvark",
        due_on=date(2026, 6, 30),
        theme=t1,
    )
    MeetingEscalation.objects.create(
        partnership=w.partnership,
        meeting=meeting,
        issue="Training records are thin across agencies",
        reason="No one agency can fix it",
        board="Children's Executive Board",
        board_on=date(2026, 6, 19),
        theme=t1,
    )
    return w
