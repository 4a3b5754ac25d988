"""The demo's board report and children's summary (demo/seed_demo), made
through the services like everything else there. Run again, it adds nothing."""

from audits.models import AuditCycle
from core.domain import Actor
from partnerships.models import Partnership
from reports.models import SECTION_KEYS, ChildSummary, Report
from reports.services import (
    ChildSummaryData,
    ReportData,
    child_summary_publish,
    child_summary_save,
    report_create,
    report_update,
)

GOOD_PRACTICE = """Agencies that rated themselves Green on safer recruitment linked strong evidence: \
recruitment audits, single central records and training logs.

- Named safeguarding leads are in place in every agency that submitted.
- Several agencies share their induction materials with smaller voluntary groups."""

CONCERNS = """Information sharing remains the theme most often rated Amber or Red, and moderation moved some \
self-ratings down where evidence was thin.

- Action plans for Amber themes need clearer success criteria.
- Some actions are past their target date: the business unit will follow these up at the next \
assurance meeting."""

CHILD_SUMMARY = ChildSummaryData(
    title="How grown-ups are keeping you safe",
    what_we_checked="We asked the groups that work with children, like schools, doctors, the police and "
    "youth clubs, how they keep you safe. Each group told us what it does and showed us proof.",
    going_well="- Every group has a person whose job is to help keep children safe.\n"
    "- Most groups check new staff carefully before they start work.\n"
    "- Staff know who to talk to if they are worried about a child.",
    working_on="- Some groups need to share worries about a child with each other more quickly.\n"
    "- Some groups will train more of their staff by next summer.",
    what_next="We will check again next year to see if things have got better. "
    "You can tell us what you think by sending us a message.",
)


def reports_demo_seed(
    *, partnership: Partnership, cycle: AuditCycle, actor: Actor, for_children: bool
) -> None:
    if not Report.objects.filter(partnership=partnership, cycle=cycle).exists():
        report = report_create(
            partnership=partnership,
            cycle=cycle,
            title=f"Section 11 findings for the annual report: {cycle.title}",
            sections=list(SECTION_KEYS),
            actor=actor,
        )
        report_update(
            partnership=partnership,
            report=report,
            data=ReportData(
                title=report.title,
                sections=list(SECTION_KEYS),
                good_practice=GOOD_PRACTICE,
                concerns=CONCERNS,
                method_note="The business unit moderated the ratings; the assurance meetings agreed them.",
            ),
            actor=actor,
        )
    if for_children and not ChildSummary.objects.filter(partnership=partnership, cycle=cycle).exists():
        child_summary_save(partnership=partnership, cycle=cycle, data=CHILD_SUMMARY, actor=actor)
        child_summary_publish(partnership=partnership, cycle=cycle, publish=True, actor=actor)
