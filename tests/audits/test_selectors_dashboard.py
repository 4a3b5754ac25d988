"""The cycle dashboard's, heatmap's and question table's reads: that each
keeps to its partnership, and that what it counts is right."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from audits.models import ResumeLink, Submission, SubmissionStatus
from audits.selectors import dashboard
from audits.selectors.dashboard import (
    NO_LOCALITY,
    CycleFilters,
    DashboardStatus,
    Rating,
    cycle_agency_rows,
    cycle_heatmap,
    cycle_locality_progress,
    cycle_question_table,
    cycle_status_counts,
)
from audits.services import resume_link_create, submission_submit
from core.domain import Actor
from partnerships.models import Sector
from tests.factories import (
    AgencyFactory,
    LocalityFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

COVERED = {
    "cycle_status_counts",
    "cycle_agency_rows",
    "cycle_locality_progress",
    "cycle_heatmap",
    "cycle_question_table",
    "cycle_dashboard",
}
SELECTORS = [
    cycle_status_counts,
    cycle_agency_rows,
    cycle_locality_progress,
    cycle_heatmap,
    cycle_question_table,
    dashboard.cycle_dashboard,
]


def _submit(submission: Submission) -> Submission:
    submission.refresh_from_db()
    return submission_submit(
        submission=submission,
        submitted_by=Actor(name="Sam Submitter", email="sam@agency.example"),
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=submission.version,
    )


@pytest.fixture
def world():
    """Partnership A's cycle with agencies at every stage; partnership B's
    cycle (same slug) with returns and agencies of its own that must never
    show in A's figures."""
    w = two_partnerships()
    a = w.a
    themes = list(a.question_set.themes.order_by("order"))
    south = LocalityFactory(partnership=a.partnership, name="ALPHA South")

    # In progress: one theme of three saved, and two people with links.
    theme_save(a.submission, themes[0], comments="")
    resume_link_create(submission=a.submission, name="Sam ALPHA", email="sam@alpha-council.example")
    resume_link_create(submission=a.submission, name="jo contributor", email="jo2@alpha-council.example")

    # Submitted, with its third theme half answered: given Red by default.
    police = AgencyFactory(
        partnership=a.partnership, name="Alpha Police", sector=Sector.POLICE, localities=[south]
    )
    police_return = SubmissionFactory(cycle=a.cycle, agency=police)
    theme_save(police_return, themes[0], rag="green")
    theme_save(police_return, themes[1], rag="amber", value="no", comments="We will improve.")
    third = list(themes[2].questions.order_by("order"))
    theme_save(
        police_return, themes[2], answers={third[0].pk: "yes", third[1].pk: "na"}, rag="", comments="n/a"
    )
    police_return = _submit(police_return)

    # Returned for changes, with no locality.
    nhs = AgencyFactory(partnership=a.partnership, name="Alpha NHS Trust", sector=Sector.NHS)
    nhs_return = SubmissionFactory(cycle=a.cycle, agency=nhs, status=SubmissionStatus.RETURNED)

    # Active, in both localities, and no return yet: not started.
    charity = AgencyFactory(
        partnership=a.partnership,
        name="alpha Children's Charity",
        sector=Sector.VOLUNTARY,
        localities=[a.locality, south],
    )
    # Inactive without a return: not taking part. (An inactive or
    # out-of-scope agency's return: see the tests on the cycle's scope.)
    AgencyFactory(partnership=a.partnership, name="Alpha Closed Agency", is_active=False)
    # A return made, never touched, with its own extension.
    dormant = AgencyFactory(partnership=a.partnership, name="Alpha Dormant Agency")
    dormant_return = SubmissionFactory(
        cycle=a.cycle, agency=dormant, extended_until=a.cycle.closes_at + timedelta(days=10)
    )

    # Partnership B: a return in progress and an agency without one.
    theme_save(w.b.submission, w.b.question_set.themes.order_by("order").first(), value="no")
    AgencyFactory(partnership=w.b.partnership, name="BRAVO Police", sector=Sector.POLICE)

    w.south = south
    w.police, w.police_return = police, police_return
    w.nhs, w.nhs_return = nhs, nhs_return
    w.charity = charity
    w.dormant, w.dormant_return = dormant, dormant_return
    w.themes = themes
    return w


# ---------------------------------------------------------------------------
# Tenancy: each selector refuses another partnership's cycle, and never
# counts another partnership's agencies.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda f: f.__name__)
def test_selector_refuses_another_partnerships_cycle(world, selector):
    with pytest.raises(Http404):
        selector(partnership=world.a.partnership, cycle=world.b.cycle)


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda f: f.__name__)
def test_selector_given_another_partnerships_locality_finds_nothing(world, selector):
    filters = CycleFilters(locality_id=world.b.locality.pk)
    result = selector(partnership=world.a.partnership, cycle=world.a.cycle, filters=filters)
    if selector is cycle_status_counts:
        assert sum(c.count for c in result) == 0
    elif selector is cycle_heatmap:
        assert [row for group in result for row in group.rows] == []
    elif selector is cycle_question_table:
        assert sum(q.answered for t in result for g in t.themes for q in g.questions) == 0
    elif selector is dashboard.cycle_dashboard:
        assert result.rows == [] and result.localities == []
        assert sum(c.count for c in result.status_counts) == 0
    else:
        assert result == []


def test_cycle_status_counts_holds_only_its_partnership(world):
    counts = {
        c.status: c.count for c in cycle_status_counts(partnership=world.a.partnership, cycle=world.a.cycle)
    }
    # A: council (in progress), police (submitted), NHS (returned), charity and
    # the dormant agency (not started). B's two agencies are not counted.
    assert counts == {"not_started": 2, "in_progress": 1, "submitted": 1, "returned": 1, "evaluated": 0}
    b = {c.status: c.count for c in cycle_status_counts(partnership=world.b.partnership, cycle=world.b.cycle)}
    assert b == {"not_started": 1, "in_progress": 1, "submitted": 0, "returned": 0, "evaluated": 0}


def test_cycle_agency_rows_holds_only_its_partnership(world):
    names = [r.agency_name for r in cycle_agency_rows(partnership=world.a.partnership, cycle=world.a.cycle)]
    # By name, whatever the case; B's agencies and A's inactive agency
    # without a return are not there.
    assert names == [
        "ALPHA Borough Council",
        "alpha Children's Charity",
        "Alpha Dormant Agency",
        "Alpha NHS Trust",
        "Alpha Police",
    ]


def test_cycle_locality_progress_holds_only_its_partnership(world):
    rows = cycle_locality_progress(partnership=world.a.partnership, cycle=world.a.cycle)
    assert {r.name for r in rows} == {"ALPHA North", "ALPHA South", NO_LOCALITY}


def test_cycle_heatmap_holds_only_its_partnership(world):
    groups = cycle_heatmap(partnership=world.a.partnership, cycle=world.a.cycle)
    assert [g.question_set for g in groups] == [world.a.question_set]
    assert len(groups[0].rows) == 5
    assert not any(r.agency_name.startswith("BRAVO") for r in groups[0].rows)


def test_cycle_question_table_holds_only_its_partnership(world):
    (table,) = cycle_question_table(partnership=world.a.partnership, cycle=world.a.cycle)
    assert table.question_set == world.a.question_set
    first = table.themes[0].questions[0]
    # Council and police answered Yes; B's return answered No, and is not counted.
    assert (first.yes, first.no, first.na) == (2, 0, 0)


# ---------------------------------------------------------------------------
# What the dashboard says about each agency
# ---------------------------------------------------------------------------


def _rows(world, **filters):
    rows = cycle_agency_rows(
        partnership=world.a.partnership, cycle=world.a.cycle, filters=CycleFilters(**filters)
    )
    return {r.agency_name: r for r in rows}


def test_agency_rows_status_share_answered_and_contributors(world):
    rows = _rows(world)
    council = rows["ALPHA Borough Council"]
    assert council.status == DashboardStatus.IN_PROGRESS
    assert (council.answered, council.total, council.percent_answered) == (4, 12, 33)
    assert council.reference == world.a.submission.reference
    # Names from theme saves and from resume links, once each whatever their case.
    assert council.contributors == ["Jo Contributor", "Sam ALPHA"]
    assert council.localities == ["ALPHA North"]
    assert council.sector == "Local authority or district council"
    assert council.can_remind

    police = rows["Alpha Police"]
    assert police.status == DashboardStatus.SUBMITTED
    assert (police.answered, police.total) == (10, 12)
    assert police.days_left is None
    assert not police.can_remind
    assert police.contributors == ["Jo Contributor"]

    charity = rows["alpha Children's Charity"]
    assert charity.status == DashboardStatus.NOT_STARTED
    assert charity.submission_id is None
    assert (charity.answered, charity.total, charity.percent_answered) == (0, 0, 0)
    assert charity.last_activity is None and charity.contributors == []
    assert charity.localities == ["ALPHA North", "ALPHA South"]
    assert not charity.can_remind  # no return, so nobody to remind
    assert rows["Alpha Dormant Agency"].can_remind  # a return not started

    assert rows["Alpha NHS Trust"].status == DashboardStatus.RETURNED
    assert rows["Alpha NHS Trust"].localities == []


def test_agency_rows_deadline_honours_the_agencys_extension(world):
    rows = _rows(world)
    cycle = world.a.cycle
    assert rows["ALPHA Borough Council"].deadline == cycle.closes_at
    assert not rows["ALPHA Borough Council"].deadline_extended
    dormant = rows["Alpha Dormant Agency"]
    assert dormant.deadline == world.dormant_return.extended_until
    assert dormant.deadline_extended
    assert dormant.days_left == rows["ALPHA Borough Council"].days_left + 10
    # An "extension" that ends before the cycle closes changes nothing.
    Submission.objects.filter(pk=world.nhs_return.pk).update(
        extended_until=cycle.closes_at - timedelta(days=3)
    )
    assert _rows(world)["Alpha NHS Trust"].deadline == cycle.closes_at


def test_agency_rows_days_left_counts_uk_calendar_days(world):
    cycle = world.a.cycle
    cycle.closes_at = timezone.now() - timedelta(days=3)
    cycle.opens_at = cycle.closes_at - timedelta(days=30)
    cycle.save()
    rows = _rows(world)
    assert rows["alpha Children's Charity"].days_left == -3
    assert rows["ALPHA Borough Council"].days_left == -3


def test_agency_rows_last_activity_is_the_latest_save_link_use_or_submission(world):
    rows = _rows(world)
    assert rows["Alpha NHS Trust"].last_activity is None  # made, never touched
    police = Submission.objects.get(pk=world.police_return.pk)
    assert rows["Alpha Police"].last_activity == police.submitted_at
    later = timezone.now() + timedelta(hours=1)
    ResumeLink.objects.filter(submission=world.a.submission).update(last_used_at=later)
    assert _rows(world)["ALPHA Borough Council"].last_activity == later


def test_agency_rows_filters(world):
    assert set(_rows(world, sector=Sector.POLICE)) == {"Alpha Police"}
    assert set(_rows(world, locality_id=world.south.pk)) == {"Alpha Police", "alpha Children's Charity"}
    assert set(_rows(world, statuses=frozenset({"not_started"}))) == {
        "alpha Children's Charity",
        "Alpha Dormant Agency",
    }
    assert set(_rows(world, statuses=frozenset({"in_progress", "returned"}))) == {
        "ALPHA Borough Council",
        "Alpha NHS Trust",
    }
    assert set(_rows(world, sector=Sector.VOLUNTARY, statuses=frozenset({"submitted"}))) == set()


def test_status_counts_follow_locality_and_sector_but_not_status(world):
    filters = CycleFilters(locality_id=world.south.pk, statuses=frozenset({"submitted"}))
    counts = {
        c.status: c.count
        for c in cycle_status_counts(partnership=world.a.partnership, cycle=world.a.cycle, filters=filters)
    }
    assert counts == {"not_started": 1, "in_progress": 0, "submitted": 1, "returned": 0, "evaluated": 0}


# ---------------------------------------------------------------------------
# "Evaluated": computed in one place (_evaluated_q), which the review part's
# model plugs into. Here it is pointed at a stand-in condition.
# ---------------------------------------------------------------------------


@pytest.fixture
def police_evaluated(monkeypatch, world):
    monkeypatch.setattr(
        dashboard,
        "_evaluated_q",
        lambda: Q(status=SubmissionStatus.SUBMITTED, agency__sector=Sector.POLICE),
    )
    return world


def test_a_submitted_return_is_not_evaluated_by_itself(world):
    assert not Submission.objects.filter(dashboard._evaluated_q()).exists()
    assert Submission.objects.filter(status=SubmissionStatus.SUBMITTED).exists()


def test_evaluated_returns_are_counted_filtered_and_shown_apart_from_submitted(police_evaluated):
    w = police_evaluated
    counts = {c.status: c.count for c in cycle_status_counts(partnership=w.a.partnership, cycle=w.a.cycle)}
    assert counts["evaluated"] == 1
    assert counts["submitted"] == 0
    assert sum(counts.values()) == 5
    rows = _rows(w, statuses=frozenset({"evaluated"}))
    assert set(rows) == {"Alpha Police"}
    assert rows["Alpha Police"].status_label == "Evaluated"
    assert rows["Alpha Police"].days_left is None
    assert _rows(w, statuses=frozenset({"submitted"})) == {}
    # Still handed in: it counts as submitted in the progress by locality.
    south = {r.name: r for r in cycle_locality_progress(partnership=w.a.partnership, cycle=w.a.cycle)}[
        "ALPHA South"
    ]
    assert south.submitted == 1
    (group,) = cycle_heatmap(
        partnership=w.a.partnership, cycle=w.a.cycle, filters=CycleFilters(statuses=frozenset({"evaluated"}))
    )
    assert [r.agency_name for r in group.rows] == ["Alpha Police"]


# ---------------------------------------------------------------------------
# Progress by locality
# ---------------------------------------------------------------------------


def test_locality_progress(world):
    rows = cycle_locality_progress(partnership=world.a.partnership, cycle=world.a.cycle)
    by_name = {r.name: (r.agencies, r.started, r.submitted, r.percent_submitted) for r in rows}
    assert by_name == {
        # council (in progress), charity (no return)
        "ALPHA North": (2, 1, 0, 0),
        # police (submitted), charity (no return)
        "ALPHA South": (2, 1, 1, 50),
        # NHS (returned), dormant (not started)
        NO_LOCALITY: (2, 1, 0, 0),
    }
    assert [r.name for r in rows] == ["ALPHA North", "ALPHA South", NO_LOCALITY]


def test_locality_progress_follows_sector_and_locality_filters(world):
    rows = cycle_locality_progress(
        partnership=world.a.partnership, cycle=world.a.cycle, filters=CycleFilters(sector=Sector.VOLUNTARY)
    )
    assert {r.name: r.agencies for r in rows} == {"ALPHA North": 1, "ALPHA South": 1}
    rows = cycle_locality_progress(
        partnership=world.a.partnership, cycle=world.a.cycle, filters=CycleFilters(locality_id=world.south.pk)
    )
    assert {r.name: (r.agencies, r.submitted) for r in rows} == {"ALPHA South": (2, 1)}


# ---------------------------------------------------------------------------
# Heatmap
# ---------------------------------------------------------------------------


def _heatmap(world, **kwargs):
    groups = cycle_heatmap(partnership=world.a.partnership, cycle=world.a.cycle, **kwargs)
    return groups, {r.agency_name: r for g in groups for r in g.rows}


def test_heatmap_self_rating(world):
    groups, rows = _heatmap(world)
    assert [t.title for t in groups[0].themes] == ["Theme 1", "Theme 2", "Theme 3"]
    police = [(c.rag, c.label, c.css) for c in rows["Alpha Police"].cells]
    assert police == [
        ("green", "Green", "s11-rag--green"),
        ("amber", "Amber", "s11-rag--amber"),
        ("red", "Red (default)", "s11-rag--red"),
    ]
    assert [c.label for c in rows["ALPHA Borough Council"].cells] == ["Green", "Not rated", "Not rated"]
    assert [c.label for c in rows["alpha Children's Charity"].cells] == ["Not rated"] * 3
    assert rows["alpha Children's Charity"].status_label == "Not started"


def test_heatmap_moderated_rating_reads_the_one_moderation_function(world, monkeypatch):
    seen = {}

    def moderated(submissions):
        # The filtered returns of this partnership's cycle, as a queryset.
        seen["ids"] = set(submissions.values_list("pk", flat=True))
        return [(world.police_return.pk, world.themes[2].pk, "amber")]

    monkeypatch.setattr(dashboard, "_moderated_ratings", moderated)
    _, rows = _heatmap(world, rating=Rating.MODERATED, filters=CycleFilters(sector=Sector.POLICE))
    assert seen["ids"] == {world.police_return.pk}
    assert [c.label for c in rows["Alpha Police"].cells] == ["Not moderated", "Not moderated", "Amber"]
    assert rows["Alpha Police"].cells[2].css == "s11-rag--amber"


def test_heatmap_moderated_without_the_review_model_shows_nothing_moderated(world):
    _, rows = _heatmap(world, rating=Rating.MODERATED)
    assert {c.label for r in rows.values() for c in r.cells} == {"Not moderated"}


def test_heatmap_groups_by_question_set(world):
    a = world.a
    third_sector = question_set_with_questions(a.partnership, themes=2, questions=2, name="Third sector tool")
    Submission.objects.filter(pk=world.nhs_return.pk).update(question_set=third_sector)
    groups, rows = _heatmap(world)
    assert [g.question_set for g in groups] == [a.question_set, third_sector]
    assert [r.agency_name for r in groups[1].rows] == ["Alpha NHS Trust"]
    assert len(rows["Alpha NHS Trust"].cells) == 2
    # Filtered to agencies none of which use the second set: one group.
    groups, _ = _heatmap(world, filters=CycleFilters(sector=Sector.POLICE))
    assert [g.question_set for g in groups] == [a.question_set]


def test_heatmap_filters(world):
    _, rows = _heatmap(world, filters=CycleFilters(locality_id=world.south.pk))
    assert set(rows) == {"Alpha Police", "alpha Children's Charity"}
    _, rows = _heatmap(world, filters=CycleFilters(statuses=frozenset({"submitted"})))
    assert set(rows) == {"Alpha Police"}


# ---------------------------------------------------------------------------
# Per-question table
# ---------------------------------------------------------------------------


def test_question_table_counts_and_shares(world):
    (table,) = cycle_question_table(partnership=world.a.partnership, cycle=world.a.cycle)
    assert [g.theme.title for g in table.themes] == ["Theme 1", "Theme 2", "Theme 3"]
    theme2 = table.themes[1].questions[0]
    assert (theme2.yes, theme2.no, theme2.na, theme2.answered) == (0, 1, 0, 1)
    assert (theme2.percent_yes, theme2.percent_no) == (0, 100)
    theme3 = table.themes[2].questions
    assert [(q.yes, q.no, q.na) for q in theme3] == [(1, 0, 0), (0, 0, 1), (0, 0, 0), (0, 0, 0)]
    assert theme3[2].percent_yes == 0  # nobody answered: no division by zero


def test_question_table_shares_round_to_whole_per_cents(world):
    # Three answers to theme 1's first question: two Yes, one No.
    charity_return = SubmissionFactory(cycle=world.a.cycle, agency=world.charity)
    theme_save(charity_return, world.themes[0], value="no")
    (table,) = cycle_question_table(partnership=world.a.partnership, cycle=world.a.cycle)
    first = table.themes[0].questions[0]
    assert (first.yes, first.no, first.answered) == (2, 1, 3)
    assert (first.percent_yes, first.percent_no, first.percent_na) == (67, 33, 0)


def test_question_table_filters_and_groups(world):
    filters = CycleFilters(sector=Sector.POLICE)
    (table,) = cycle_question_table(partnership=world.a.partnership, cycle=world.a.cycle, filters=filters)
    assert table.themes[0].questions[0].answered == 1
    third_sector = question_set_with_questions(
        world.a.partnership, themes=1, questions=2, name="Third sector tool"
    )
    Submission.objects.filter(pk=world.nhs_return.pk).update(question_set=third_sector)
    tables = cycle_question_table(partnership=world.a.partnership, cycle=world.a.cycle)
    assert [t.question_set for t in tables] == [world.a.question_set, third_sector]
    assert len(tables[1].themes[0].questions) == 2
