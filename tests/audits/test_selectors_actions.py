"""Every action plan selector keeps to its partnership (and, for those that
take a submission, to that submission)."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from audits.models import ActionItem, Rag
from audits.selectors import submission_full
from audits.selectors.actions import (
    PlanFilters,
    action_item_get,
    action_item_list,
    action_items_attach,
    action_items_overdue_count,
    action_plan,
    action_plan_ratings,
    action_plans_for_submissions,
    cycle_action_plan_filter_options,
    cycle_action_plans,
    cycle_latest_with_plans,
    submissions_due_for_action_updates,
    themes_needing_actions,
)
from audits.services.actions import ActionItemData, action_item_add
from core.domain import Actor
from tests.audits.test_actions_services import submit
from tests.factories import (
    AgencyFactory,
    LocalityFactory,
    SubmissionFactory,
    submission_complete,
    theme_save,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

COVERED = {
    "action_item_list",
    "action_item_get",
    "action_items_attach",
    "action_plan",
    "themes_needing_actions",
    "action_items_overdue_count",
    "cycle_action_plans",
    "action_plan_ratings",
    "action_plans_for_submissions",
    "cycle_action_plan_filter_options",
    "cycle_latest_with_plans",
    "submissions_due_for_action_updates",
}

JO = Actor(name="Jo", email="jo@example.org")


def add(submission, theme, **overrides):
    data = {
        "action": f"Action for {submission.agency.name}",
        "lead_person": "Lead",
        "target_date": timezone.localdate() + timedelta(days=30),
        "success_criteria": "Done well",
    }
    data.update(overrides)
    return action_item_add(submission=submission, theme=theme, data=ActionItemData(**data), actor=JO)


def first_theme(world):
    return world.question_set.themes.order_by("order").first()


@pytest.fixture
def world():
    worlds = two_partnerships()
    for w in worlds:
        theme_save(w.submission, first_theme(w), value="no", rag=Rag.AMBER, comments="Will improve.")
        w.item = add(w.submission, first_theme(w))
    return worlds


def test_action_item_list_and_get_hold_only_the_submissions_items(world):
    a, b = world
    assert action_item_list(submission=a.submission) == [a.item]
    assert action_item_list(submission=a.submission, theme=first_theme(a)) == [a.item]
    assert action_item_get(submission=a.submission, pk=a.item.pk) == a.item
    with pytest.raises(Http404):
        action_item_get(submission=a.submission, pk=b.item.pk)
    neighbour = SubmissionFactory(cycle=a.cycle)
    with pytest.raises(Http404):
        action_item_get(submission=neighbour, pk=a.item.pk)


def test_action_items_attach_and_action_plan_hold_only_the_submissions_items(
    world, django_assert_max_num_queries
):
    a, b = world
    sections = submission_full(submission=a.submission)
    with django_assert_max_num_queries(3):
        action_items_attach(sections=sections, submission=a.submission)
    assert [s["action_items"] for s in sections] == [[a.item], [], []]
    with django_assert_max_num_queries(4):
        plan = action_plan(submission=a.submission)
    assert [p.items for p in plan] == [[a.item], [], []]
    assert [p.items for p in action_plan(submission=b.submission)] == [[b.item], [], []]
    assert plan[0].needs_actions and not plan[1].needs_actions


def test_themes_needing_actions_and_overdue_count_look_at_one_submission(world):
    a, b = world
    second = a.question_set.themes.order_by("order")[1]
    theme_save(a.submission, second, value="no", rag=Rag.RED, comments="Gap.")
    assert themes_needing_actions(submission=a.submission) == {second.pk}
    ActionItem.objects.filter(pk=b.item.pk).update(target_date=timezone.localdate() - timedelta(days=1))
    assert action_items_overdue_count(submission=a.submission) == 0
    assert action_items_overdue_count(submission=b.submission) == 1


def test_cycle_action_plans_hold_only_the_partnerships_rows(world, django_assert_max_num_queries):
    a, b = world
    # Even asked with the other partnership's cycle, nothing of it comes back.
    assert cycle_action_plans(partnership=a.partnership, cycle=b.cycle) == []
    with django_assert_max_num_queries(3):
        plans = cycle_action_plans(partnership=a.partnership, cycle=a.cycle)
    assert [(p.submission, p.items) for p in plans] == [(a.submission, [a.item])]
    assert action_plan_ratings(partnership=a.partnership, plans=plans) == {
        (a.submission.pk, first_theme(a).pk): "amber"
    }
    other_plans = cycle_action_plans(partnership=b.partnership, cycle=b.cycle)
    assert action_plan_ratings(partnership=a.partnership, plans=other_plans) == {}


def test_cycle_action_plans_filters(world):
    a, _ = world
    south = LocalityFactory(partnership=a.partnership, name="South")
    other_agency = AgencyFactory(partnership=a.partnership, localities=[south])
    other = SubmissionFactory(cycle=a.cycle, agency=other_agency)
    late = add(other, first_theme(a), action="Late one")
    ActionItem.objects.filter(pk=late.pk).update(target_date=timezone.localdate() - timedelta(days=3))
    second = a.question_set.themes.order_by("order")[1]
    add(other, second, action="Second theme")

    def actions(**filters):
        plans = cycle_action_plans(partnership=a.partnership, cycle=a.cycle, filters=PlanFilters(**filters))
        return sorted(i.action for p in plans for i in p.items)

    assert len(actions()) == 3
    assert actions(overdue=True) == ["Late one"]
    assert actions(theme=second.key) == ["Second theme"]
    assert actions(locality=south.pk) == ["Late one", "Second theme"]
    assert actions(locality=a.locality.pk) == [a.item.action]
    assert actions(agency=a.agency.pk) == [a.item.action]


def test_filter_options_hold_only_the_partnerships_rows(world):
    a, b = world
    options = cycle_action_plan_filter_options(partnership=a.partnership, cycle=a.cycle)
    assert options["localities"] == [a.locality]
    assert options["agencies"] == [a.agency]
    assert len(options["themes"]) == 3
    assert cycle_action_plan_filter_options(partnership=a.partnership, cycle=b.cycle) == {
        "themes": [],
        "localities": [a.locality],
        "agencies": [],
    }


def test_cycle_latest_with_plans_is_the_partnerships_own(world):
    a, b = world
    assert cycle_latest_with_plans(partnership=a.partnership) == a.cycle
    assert cycle_latest_with_plans(partnership=b.partnership) == b.cycle


def test_submissions_due_for_updates_hold_only_the_partnerships_submitted_returns(world):
    a, b = world
    assert list(submissions_due_for_action_updates(partnership=a.partnership)) == []
    for w in world:
        submission_complete(w.submission, value="no", rag=Rag.AMBER, comments="Will improve.")
        submit(w.submission)
    assert list(submissions_due_for_action_updates(partnership=a.partnership)) == [a.submission]
    assert list(submissions_due_for_action_updates(partnership=b.partnership)) == [b.submission]


def test_action_plans_for_submissions_hold_only_the_partnerships_items(world, django_assert_max_num_queries):
    a, b = world
    empty = SubmissionFactory(cycle=a.cycle)
    with django_assert_max_num_queries(3):
        plans = action_plans_for_submissions(partnership=a.partnership, submissions=[empty, a.submission])
    assert [(p.submission, p.items) for p in plans] == [(empty, []), (a.submission, [a.item])]
    assert plans[1].items[0].submission is a.submission
    # Another partnership's return, even when passed in, brings none of its items.
    plans = action_plans_for_submissions(partnership=a.partnership, submissions=[b.submission])
    assert [(p.submission, p.items) for p in plans] == [(b.submission, [])]
