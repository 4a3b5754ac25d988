"""Every page of a cycle's reports stays within the ten queries of a working
page (issue 20), the same for 10 agencies answering 2 themes × 3 questions
as for 700 answering 10 × 12: the list, the new-report and edit forms, the
children's summary, and a report of every section (with a previous cycle
to compare with, action plans and a meeting with its actions), as a
locality pack, as a sector pack and of two sections. After the three every
staff page makes (session, user, membership) come the report with its
cycle, and then one query for each kind of row (reports.selectors.figures):
the returns taking part with the agencies not started and the agencies'
localities; earlier cycles; the ratings of this cycle and the previous
one; action items; the meetings with the returns each discussed (and, for
the year's meetings by theme, the Red moderations of the year's returns);
the meetings' actions and escalations."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audits.models import ActionItem, AuditCycle, Rag, Submission, SubmissionStatus, ThemeResponse
from audits.models.meetings import MeetingEscalation
from audits.models.review import MeetingAction, ReviewMeeting, ThemeModeration
from bench.dashboard import populate
from core.domain import Actor
from partnerships.models import StaffRole
from reports.models import SECTION_KEYS
from reports.services import report_create
from tests.audits.test_views_query_budget import BUDGET, _count
from tests.factories import AuditCycleFactory, PartnershipFactory
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


def _previous_cycle_and_meeting(cycle):
    """A cycle a year before, which this one follows on from, in which every
    agency with a return now submitted one, each theme rated (for the
    movement section); an action item and a review meeting with an action."""
    partnership = cycle.partnership
    year = timedelta(days=365)
    previous = AuditCycleFactory(
        partnership=partnership,
        question_set=cycle.question_set,
        opens_at=cycle.opens_at - year,
        closes_at=cycle.closes_at - year,
    )
    AuditCycle.objects.filter(pk=cycle.pk).update(previous_cycle=previous)
    now_returns = list(Submission.objects.filter(cycle=cycle).order_by("pk"))
    Submission.objects.bulk_create(
        Submission(
            partnership=partnership,
            cycle=previous,
            agency_id=s.agency_id,
            question_set=cycle.question_set,
            reference=f"S11-P{previous.pk}-{i:05d}",
        )
        for i, s in enumerate(now_returns)
    )
    themes = list(cycle.question_set.themes.all())
    before = list(Submission.objects.filter(cycle=previous))
    ThemeResponse.objects.bulk_create(
        (ThemeResponse(submission=s, theme=t, rag=Rag.AMBER, version=1) for s in before for t in themes),
        batch_size=1000,
    )
    Submission.objects.filter(cycle=previous).update(
        status=SubmissionStatus.SUBMITTED, submitted_at=previous.closes_at - timedelta(days=1)
    )
    ActionItem.objects.create(
        partnership=partnership,
        submission=now_returns[0],
        theme=themes[0],
        action="Train every manager",
        lead_person="Head of HR",
        target_date=timezone.localdate() + timedelta(days=30),
        success_criteria="All trained",
    )
    meeting = ReviewMeeting.objects.create(partnership=partnership, cycle=cycle, held_on=timezone.localdate())
    meeting.submissions.add(*now_returns[:3])
    MeetingAction.objects.create(
        meeting=meeting,
        action="Send the training matrix",
        owner="Chair",
        due_on=timezone.localdate(),
        theme=themes[0],
    )
    # For the year's meetings by theme: a Red moderation of a return it
    # discussed and an escalation.
    ThemeModeration.objects.create(
        partnership=partnership, submission=now_returns[0], theme=themes[0], rag=Rag.RED
    )
    MeetingEscalation.objects.create(
        partnership=partnership,
        meeting=meeting,
        issue="Training gaps",
        reason="Across agencies",
        board="Board",
    )


def _report_counts(partnership, cycle) -> dict[str, int]:
    _previous_cycle_and_meeting(cycle)
    report = report_create(
        partnership=partnership,
        cycle=cycle,
        title="Board",
        sections=[key for key in SECTION_KEYS if key != "meetings_year"],
        actor=Actor(name="R"),
    )
    whole = report_create(
        partnership=partnership,
        cycle=cycle,
        title="Board and the year's meetings",
        sections=list(SECTION_KEYS),
        actor=Actor(name="R"),
    )
    few = report_create(
        partnership=partnership,
        cycle=cycle,
        title="Short",
        sections=["status", "themes"],
        actor=Actor(name="R"),
    )
    client = staff_client(Client(), partnership, StaffRole.REVIEWER)
    locality = partnership.localities.order_by("pk").first()

    def url(name, query="", **kwargs):
        return staff_url(partnership, name, cycle_slug=cycle.slug, **kwargs) + query

    return {
        "every section but the year's meetings": _count(
            client, "get", url("staff_report", report_id=report.pk)
        ),
        "every section": _count(client, "get", url("staff_report", report_id=whole.pk)),
        "a locality pack": _count(
            client, "get", url("staff_report", f"?locality={locality.pk}", report_id=report.pk)
        ),
        "a sector pack": _count(client, "get", url("staff_report", "?sector=police", report_id=report.pk)),
        "status and themes": _count(client, "get", url("staff_report", report_id=few.pk)),
        "report list": _count(client, "get", url("staff_report_list")),
        "new report": _count(client, "get", url("staff_report_new")),
        "edit a report": _count(client, "get", url("staff_report_edit", report_id=report.pk)),
        "children's summary": _count(client, "get", url("staff_child_summary")),
    }


def test_report_pages_stay_within_ten_queries_for_10_and_700_agencies():
    small = PartnershipFactory(slug="small")
    large = PartnershipFactory(slug="large")
    few = _report_counts(small, populate(small, agencies=10, themes=2, questions=3, localities=2))
    many = _report_counts(large, populate(large, agencies=700, themes=10, questions=12, localities=4))

    assert few == many, (few, many)
    assert max(many.values()) <= BUDGET, many
    # The year's meetings by theme reads nothing the meetings section has
    # not read already (audits.selectors.meetings.report_meetings).
    assert many["every section"] == many["every section but the year's meetings"], many
