"""Every meeting selector keeps to its partnership: another partnership's
meeting, panel member, action, pack or return is a 404 or absent, and an
outsider on a panel reaches their own meeting's returns only."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from audits.models import MeetingAction, MeetingEscalation, MeetingPack, Rag, ThemeModeration
from audits.selectors.meetings import (
    cycle_escalations,
    meeting_action_get,
    meeting_actions_for_submission,
    meeting_escalations,
    meeting_pack_get,
    meeting_panel,
    meeting_returns_brief,
    meetings_year_rollup,
    panel_meeting_returns,
    panel_member_get,
    panel_member_session_get,
    panel_return_brief,
    panel_staff_choices,
    report_meetings,
)
from audits.services.meetings import MeetingTimes, meeting_schedule, panel_member_add
from core.domain import Actor
from tests.factories import two_partnerships
from tests.staff import staff_user

from .review_support import submitted_world

pytestmark = pytest.mark.django_db

COVERED = {
    "cycle_escalations",
    "meeting_action_get",
    "meeting_actions_for_submission",
    "meeting_escalations",
    "meeting_pack_get",
    "meeting_panel",
    "meeting_returns_brief",
    "meetings_year_rollup",
    "panel_meeting_returns",
    "panel_member_get",
    "panel_member_session_get",
    "panel_return_brief",
    "panel_staff_choices",
    "report_meetings",
}
STAFF = Actor(name="Rita", email="rita@staff.example")


def _meeting(w):
    start = timezone.now() + timedelta(days=10)
    meeting = meeting_schedule(
        partnership=w.partnership,
        cycle=w.cycle,
        kind="assurance",
        times=MeetingTimes(start, start + timedelta(hours=1), "Hall"),
        submissions=[w.submission],
        actor=STAFF,
    )
    member = panel_member_add(
        meeting=meeting, actor=STAFF, name="Jo", role="Chair", email=f"jo@{w.partnership.slug}.example"
    )
    action = MeetingAction.objects.create(
        meeting=meeting, action="Do it", owner="Kim", due_on=start.date(), submission=w.submission
    )
    MeetingEscalation.objects.create(
        partnership=w.partnership, meeting=meeting, issue="I", reason="R", board="B"
    )
    MeetingPack.objects.create(partnership=w.partnership, meeting=meeting, version=1)
    return meeting, member, action


@pytest.fixture
def world():
    worlds = two_partnerships()
    submitted_world(worlds.a)
    submitted_world(worlds.b)
    return worlds


def test_a_meetings_rows_are_reached_through_its_partnership_only(world):
    a, b = world.a, world.b
    meeting, member, action = _meeting(a)
    other, other_member, other_action = _meeting(b)
    p = a.partnership
    staff_user(p)
    assert [r.submission for r in meeting_returns_brief(partnership=p, meeting=meeting)] == [a.submission]
    assert meeting_panel(partnership=p, meeting=meeting) == [member]
    assert panel_member_get(partnership=p, meeting=meeting, pk=member.pk) == member
    assert meeting_action_get(partnership=p, meeting=meeting, pk=action.pk) == action
    assert len(meeting_escalations(partnership=p, meeting=meeting)) == 1
    assert meeting_pack_get(partnership=p, meeting=meeting, version=1).meeting_id == meeting.pk
    assert {m.partnership_id for m in panel_staff_choices(partnership=p, meeting=meeting)} == {p.pk}
    for call in (
        lambda: meeting_returns_brief(partnership=p, meeting=other),
        lambda: meeting_panel(partnership=p, meeting=other),
        lambda: panel_member_get(partnership=p, meeting=meeting, pk=other_member.pk),
        lambda: meeting_action_get(partnership=p, meeting=meeting, pk=other_action.pk),
        lambda: meeting_action_get(partnership=p, meeting=other, pk=other_action.pk),
        lambda: meeting_escalations(partnership=p, meeting=other),
        lambda: meeting_pack_get(partnership=p, meeting=other, version=1),
        lambda: panel_staff_choices(partnership=p, meeting=other),
        lambda: meeting_actions_for_submission(partnership=p, submission=b.submission),
    ):
        with pytest.raises(Http404):
            call()
    assert meeting_actions_for_submission(partnership=p, submission=a.submission) == [action]
    assert [e.meeting_id for e in cycle_escalations(partnership=p, cycle=a.cycle)] == [meeting.pk]
    with pytest.raises(Http404):
        cycle_escalations(partnership=p, cycle=b.cycle)


def test_an_outsider_reaches_their_own_meetings_returns_only(world):
    a, b = world.a, world.b
    _, member, _ = _meeting(a)
    _, other_member, _ = _meeting(b)
    p = a.partnership
    assert panel_member_session_get(partnership=p, pk=member.pk) == member
    assert panel_member_session_get(partnership=p, pk=other_member.pk) is None
    assert panel_meeting_returns(partnership=p, member=member) == [a.submission]
    assert (
        panel_return_brief(partnership=p, member=member, reference=a.submission.reference).submission
        == a.submission
    )
    with pytest.raises(Http404):
        panel_return_brief(partnership=p, member=member, reference=b.submission.reference)
    with pytest.raises(Http404):
        panel_meeting_returns(partnership=p, member=other_member)


def test_the_year_rollup_counts_the_partnerships_held_meetings_only(world):
    a, b = world.a, world.b
    for w in (a, b):
        meeting, _, _ = _meeting(w)
        meeting.status = "held"
        meeting.save()
        theme = w.question_set.themes.order_by("order").first()
        ThemeModeration.objects.create(
            partnership=w.partnership, submission=w.submission, theme=theme, rag=Rag.RED
        )
        MeetingAction.objects.filter(meeting=meeting).update(theme=theme)
    year = meetings_year_rollup(partnership=a.partnership, cycle=a.cycle)
    assert year.year == meeting.held_on.year
    with pytest.raises(Http404):
        meetings_year_rollup(partnership=a.partnership, cycle=b.cycle)
    assert (year.meetings_held, year.returns_discussed) == (1, 1)
    first = year.themes[0]
    assert (first.returns_discussed, first.red_moderated, first.actions_agreed, first.actions_open) == (
        1,
        1,
        1,
        1,
    )
    assert len(year.escalations) == 1


def test_report_meetings_reads_the_cycles_meetings_and_the_years_in_two_queries(
    world, django_assert_num_queries
):
    a, b = world.a, world.b
    meeting, _, _ = _meeting(a)
    meeting.status = "held"
    meeting.save()
    theme = a.question_set.themes.order_by("order").first()
    ThemeModeration.objects.create(
        partnership=a.partnership, submission=a.submission, theme=theme, rag=Rag.RED
    )
    MeetingAction.objects.filter(meeting=meeting).update(theme=theme, status="done")
    # A meeting of another cycle held the same year counts in the year, not
    # in this cycle's meetings; a scheduled one in neither; another
    # partnership's in neither.
    other_cycle = a.cycle.__class__.objects.create(
        partnership=a.partnership,
        question_set=a.question_set,
        title="Earlier",
        slug="earlier",
        opens_at=a.cycle.opens_at - timedelta(days=400),
        closes_at=a.cycle.closes_at - timedelta(days=400),
    )
    earlier = meeting.__class__.objects.create(
        partnership=a.partnership, cycle=other_cycle, held_on=meeting.held_on, status="held"
    )
    MeetingAction.objects.create(meeting=earlier, action="Audit files", owner="Chair", due_on=meeting.held_on)
    meeting.__class__.objects.create(
        partnership=a.partnership, cycle=a.cycle, held_on=meeting.held_on, status="scheduled"
    )
    b_meeting, _, _ = _meeting(b)
    b_meeting.status = "held"
    b_meeting.save()

    with django_assert_num_queries(2):
        read = report_meetings(partnership=a.partnership, cycle=a.cycle, with_year=True)
    [held] = read.of_cycle
    assert held.meeting.pk == meeting.pk and held.discussed == {a.submission.pk: a.question_set.pk}
    assert [x.action for x in held.actions] == list(meeting.actions.values_list("action", flat=True))
    assert [e.issue for e in held.escalations] == list(meeting.escalations.values_list("issue", flat=True))
    y = read.year
    assert (y.year, y.meetings_held, y.returns_discussed) == (meeting.held_on.year, 2, 1)
    assert (y.actions_agreed, y.actions_open) == (2, 1)
    first = y.themes[0]
    assert (first.returns_discussed, first.red_moderated, first.actions_agreed, first.actions_open) == (
        1,
        1,
        1,
        0,
    )

    with django_assert_num_queries(2):
        alone = report_meetings(partnership=a.partnership, cycle=a.cycle, with_year=False)
    assert [m.meeting.pk for m in alone.of_cycle] == [meeting.pk] and alone.year is None
    with pytest.raises(Http404):
        report_meetings(partnership=a.partnership, cycle=b.cycle, with_year=True)
