"""Each section's figures against hand-computed ones (tests/reports/world.py
says what the world holds): self and moderated ratings side by side, the
difference, agreed ratings, sectors, localities, movement, action plans,
meetings, the method note, and the locality and sector filters."""

from datetime import date

import pytest
from django.http import Http404

from audits.models import ReviewMeeting, SubmissionStatus
from partnerships.models import Sector
from reports.models import SECTION_KEYS
from reports.selectors import ReportFilter, report_figures, report_filter
from tests.factories import LocalityFactory, PartnershipFactory

from .world import report_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return report_world()


def figures(world, flt=None, sections=SECTION_KEYS):
    return report_figures(
        partnership=world.partnership, cycle=world.cycle, report_filter=flt, sections=sections
    )


def rag(count):
    return (count.red, count.amber, count.green)


def test_returns_by_status(world):
    f = figures(world)
    assert {s: n for s, _label, n in f.status.counts} == {
        SubmissionStatus.NOT_STARTED: 1,
        SubmissionStatus.IN_PROGRESS: 1,
        SubmissionStatus.SUBMITTED: 2,
        SubmissionStatus.RETURNED: 1,
    }
    assert (f.status.asked, f.status.submitted, f.status.response_rate) == (5, 2, 40)


def test_self_and_moderated_ratings_side_by_side_with_the_difference(world):
    f = figures(world)
    got = {
        t.theme.key: (t.returns, rag(t.self), rag(t.moderated), rag(t.agreed),
                      (t.moderated_down, t.moderated_same, t.moderated_up))
        for t in f.themes
    }  # fmt: skip
    assert got == {
        # Aardvark Green → Amber, Dormouse Green (not moderated).
        "theme-1": (2, (0, 0, 2), (0, 1, 0), (0, 1, 1), (1, 0, 0)),
        # Aardvark Amber (not moderated), Dormouse Green → Green.
        "theme-2": (2, (0, 1, 1), (0, 0, 1), (0, 1, 1), (0, 1, 0)),
        # Aardvark Red → Amber, Dormouse Red by default (not moderated).
        "theme-3": (2, (2, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1)),
    }
    assert f.themes[0].difference == {"red": 0, "amber": 1, "green": -2}
    assert f.themes[0].moderated.not_rated == 1


def test_themes_most_often_amber_or_red_use_agreed_ratings(world):
    f = figures(world)
    assert [(t.theme.key, t.agreed.amber_or_red) for t in f.amber_red] == [
        ("theme-3", 2),
        ("theme-1", 1),
        ("theme-2", 1),
    ]


def test_by_sector(world):
    f = figures(world)
    got = {g.name: (g.asked, g.submitted, rag(g.agreed)) for g in f.sectors}
    assert got == {
        Sector.LOCAL_AUTHORITY.label: (1, 1, (0, 3, 0)),
        Sector.NHS.label: (1, 0, (0, 0, 0)),
        Sector.POLICE.label: (1, 0, (0, 0, 0)),
        Sector.VOLUNTARY.label: (1, 1, (1, 0, 2)),
        Sector.YOUTH_JUSTICE.label: (1, 0, (0, 0, 0)),
    }


def test_by_locality_counts_an_agency_in_each_of_its_localities(world):
    f = figures(world)
    assert [(g.name, g.asked, g.submitted, rag(g.agreed)) for g in f.localities] == [
        ("Alpha North", 2, 1, (0, 3, 0)),  # Aardvark, Badger
        ("Alpha South", 3, 1, (1, 0, 2)),  # Badger, Dormouse, Eel
        ("No locality", 1, 0, (0, 0, 0)),  # Cormorant
    ]


def test_movement_since_the_previous_cycle_on_agreed_ratings(world):
    m = figures(world).movement
    assert m.previous == world.previous
    assert m.agencies_compared == 2
    assert [(t.theme.key, t.improved, t.same, t.worse, t.new) for t in m.themes] == [
        ("theme-1", 0, 2, 0, 0),  # Aardvark Amber → Amber (moderated), Dormouse Green → Green
        ("theme-2", 1, 1, 0, 0),  # Dormouse Red → Green
        ("theme-3", 0, 0, 0, 2),  # not in the older question set
    ]


def test_action_plans_and_meetings(world):
    f = figures(world)
    a = f.actions
    assert (a.returns_with_plans, a.total, a.done, a.in_progress, a.not_started, a.overdue) == (
        1,
        1,
        0,
        0,
        1,
        1,
    )
    [meeting] = f.meetings
    assert (meeting.kind, meeting.returns_discussed, len(meeting.actions)) == ("Assurance meeting", 1, 1)


def test_the_years_meetings_roll_up_by_theme_and_list_escalations(world):
    y = figures(world).meetings_year
    assert (y.year, y.meetings_held, y.returns_discussed, y.actions_agreed, y.actions_open) == (
        2026,
        1,
        1,
        1,
        1,
    )
    first = y.themes[0]
    assert (
        first.title,
        first.returns_discussed,
        first.red_moderated,
        first.actions_agreed,
        first.escalations,
    ) == (
        "Theme 1",
        1,
        0,
        1,
        1,
    )
    assert [e.board for e in y.escalations] == ["Children's Executive Board"]
    # Partnership-wide: not in a locality pack.
    assert figures(world, ReportFilter(locality=world.north)).meetings_year is None


def test_only_held_meetings_count_in_the_cycles_meetings(world):
    scheduled = ReviewMeeting.objects.create(
        partnership=world.partnership, cycle=world.cycle, held_on=date(2026, 7, 1), status="scheduled"
    )
    scheduled.submissions.add(world.returns["Aardvark Council"])
    assert [m.held_on for m in figures(world).meetings] == [date(2026, 5, 12)]
    assert figures(world).meetings_year.meetings_held == 1


def test_method_note(world):
    m = figures(world).method
    assert (m.asked, m.submitted, m.response_rate, m.evaluated) == (5, 2, 40, 0)
    assert (m.moderated_themes, m.changed_by_moderation, m.changed_percent) == (3, 2, 67)
    assert m.default_red and m.previous == world.previous


def test_response_rate_over_time(world):
    points = figures(world).over_time
    assert [(p.title, p.asked, p.submitted, p.response_rate) for p in points] == [
        ("Section 11 audit 2024", 3, 2, 67),
        ("Section 11 audit 2026", 5, 2, 40),
    ]


def test_a_locality_pack_counts_only_that_localitys_agencies(world):
    f = figures(world, ReportFilter(locality=world.north))
    assert (f.status.asked, f.status.submitted) == (2, 1)  # Aardvark, Badger
    assert [rag(t.self) for t in f.themes] == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]
    assert [rag(t.moderated) for t in f.themes] == [(0, 1, 0), (0, 0, 0), (0, 1, 0)]
    assert [g.name for g in f.localities] == ["Alpha North"]
    assert f.actions.total == 1  # Badger's
    assert len(f.meetings) == 1  # about Aardvark

    south = figures(world, ReportFilter(locality=world.south))
    assert (south.status.asked, south.status.submitted) == (3, 1)
    assert south.meetings == []
    assert [(p.asked, p.submitted) for p in south.over_time] == [(2, 1), (3, 1)]  # 2024: Badger, Dormouse


def test_a_sector_view(world):
    f = figures(world, ReportFilter(sector=Sector.VOLUNTARY))
    assert (f.status.asked, f.status.submitted) == (1, 1)
    assert [rag(t.agreed) for t in f.themes] == [(0, 0, 1), (0, 0, 1), (1, 0, 0)]
    assert [(t.improved, t.same, t.new) for t in f.movement.themes] == [(0, 1, 0), (1, 0, 0), (0, 0, 1)]
    assert f.actions.total == 0


def test_the_links_to_packs_name_every_locality_and_sector_whatever_the_filter(world):
    f = figures(world, ReportFilter(sector=Sector.POLICE))
    assert [name for _id, name in f.pack_localities] == ["Alpha North", "Alpha South"]
    assert len(f.pack_sectors) == 5


def test_sections_not_chosen_are_not_worked_out(world):
    f = figures(world, sections=["status"])
    assert f.movement is None and f.actions is None and f.meetings is None and f.sectors == []


def test_another_partnerships_locality_or_an_unknown_sector_is_not_found(world):
    other = LocalityFactory(partnership=PartnershipFactory(slug="bravo"), name="Elsewhere")
    with pytest.raises(Http404):
        report_filter(partnership=world.partnership, locality=str(other.pk))
    with pytest.raises(Http404):
        report_filter(partnership=world.partnership, sector="pirates")
    with pytest.raises(Http404):
        report_filter(partnership=world.partnership, locality="1 OR 1=1")
    with pytest.raises(Http404):
        figures(world, ReportFilter(locality=other))
    assert report_filter(partnership=world.partnership, locality=str(world.north.pk)).locality == world.north


def test_another_partnerships_cycle_is_refused(world):
    bravo = report_world("bravo")
    with pytest.raises(Http404):
        report_figures(partnership=world.partnership, cycle=bravo.cycle, sections=SECTION_KEYS)
