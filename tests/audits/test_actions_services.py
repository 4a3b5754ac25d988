"""Action plan services: the required-items rule per cycle, validation, what
may change after submission (and what the database refuses), and the
schedule of update requests and reminders."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audits.models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    ActionUpdateRequest,
    Answer,
    IncompletePolicy,
    Rag,
    ResumeLink,
    Submission,
    SubmissionStatus,
)
from audits.services import SubmissionIncompleteError, SubmissionLockedError, submission_submit
from audits.services.actions import (
    ActionItemData,
    ActionPlanClosedError,
    action_item_add,
    action_item_change,
    action_item_remove,
    action_item_rules_check,
    action_update_number_due,
    action_update_record,
    action_update_schedule_run,
    add_months,
)
from audits.services.submit import submission_gaps
from core.domain import Actor, DomainError
from core.models import AuditEvent, OutboundEmail
from tests.factories import submission_complete, theme_save, two_partnerships

pytestmark = pytest.mark.django_db

JO = Actor(name="Jo Lead", email="jo@alpha-council.example")


def themes_of(world):
    return list(world.question_set.themes.order_by("order"))


def item_data(**overrides) -> ActionItemData:
    fields = {
        "action": "Train every manager in safer recruitment",
        "lead_person": "Head of HR",
        "target_date": timezone.localdate() + timedelta(days=90),
        "success_criteria": "All 40 managers trained",
        "expected_outcome": "Safer recruitment decisions",
        "impact_measure": "Audit of 10 recruitment files",
    }
    fields.update(overrides)
    return ActionItemData(**fields)


def rate_amber(submission, theme):
    theme_save(submission, theme, value="no", rag=Rag.AMBER, comments="We will train staff.")


def submit(submission) -> Submission:
    submission = Submission.objects.get(pk=submission.pk)
    return submission_submit(
        submission=submission,
        submitted_by=JO,
        signed_off_by_name="Alex Director",
        signed_off_by_role="Director",
        expected_version=submission.version,
    )


@pytest.fixture
def world():
    return two_partnerships().a


@pytest.fixture
def required(world):
    world.cycle.action_items_required = True
    world.cycle.save()
    world.submission.refresh_from_db()
    return world


# --- the required-items rule --------------------------------------------------


def test_amber_theme_without_actions_blocks_submission_when_the_cycle_requires_them(required):
    world = required
    submission_complete(world.submission)
    amber = themes_of(world)[1]
    rate_amber(world.submission, amber)
    gaps = submission_gaps(submission=Submission.objects.get(pk=world.submission.pk))
    assert [(g.theme, g.actions_missing, g.incomplete) for g in gaps] == [(amber, True, False)]
    with pytest.raises(SubmissionIncompleteError, match="Add at least one action"):
        submit(world.submission)
    assert Submission.objects.get(pk=world.submission.pk).status != SubmissionStatus.SUBMITTED

    action_item_add(submission=world.submission, theme=amber, data=item_data(), actor=JO)
    assert submission_gaps(submission=Submission.objects.get(pk=world.submission.pk)) == []
    assert submit(world.submission).status == SubmissionStatus.SUBMITTED


def test_red_theme_needs_actions_even_under_the_default_red_policy(required):
    world = required
    assert world.cycle.incomplete_policy == IncompletePolicy.DEFAULT_RED
    submission_complete(world.submission)
    theme_save(world.submission, themes_of(world)[0], value="no", rag=Rag.RED, comments="Gap.")
    with pytest.raises(SubmissionIncompleteError):
        submit(world.submission)


def test_themes_defaulted_red_on_submission_need_no_action(required):
    """A theme left unanswered is rated Red by default when submitted; the
    agency did not rate it, so it does not block, and the Amber theme's
    action is enough."""
    world = required
    first, second, _ = themes_of(world)
    rate_amber(world.submission, first)
    action_item_add(submission=world.submission, theme=first, data=item_data(), actor=JO)
    theme_save(world.submission, second)
    submission = submit(world.submission)
    assert submission.status == SubmissionStatus.SUBMITTED
    assert not any(g.actions_missing for g in submission_gaps(submission=submission))


def test_actions_not_required_when_the_cycle_setting_is_off(world):
    assert world.cycle.action_items_required is False
    submission_complete(world.submission)
    rate_amber(world.submission, themes_of(world)[0])
    assert submission_gaps(submission=Submission.objects.get(pk=world.submission.pk)) == []
    assert submit(world.submission).status == SubmissionStatus.SUBMITTED


def test_green_themes_never_need_actions(required):
    submission_complete(required.submission)
    assert submit(required.submission).status == SubmissionStatus.SUBMITTED


# --- validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"action": "  "}, "action", "Enter the action"),
        ({"lead_person": ""}, "lead_person", "Enter the name or role of the lead person"),
        ({"lead_person": "x" * 201}, "lead_person", "200 characters or fewer"),
        ({"target_date": None}, "target_date", "Enter the date the action is due"),
        ({"target_date": date(2020, 1, 1)}, "target_date", "today or in the future"),
        ({"target_date": date(2099, 1, 1)}, "target_date", "within the next 10 years"),
        ({"success_criteria": ""}, "success_criteria", "Enter the success criteria"),
        ({"impact_measure": "x" * 5001}, "impact_measure", "5,000 characters or fewer"),
    ],
)
def test_rules_refuse_bad_items_and_nothing_is_saved(world, overrides, field, message):
    errors = action_item_rules_check(data=item_data(**overrides))
    assert message in errors[field]
    with pytest.raises(DomainError, match=message):
        action_item_add(
            submission=world.submission, theme=themes_of(world)[0], data=item_data(**overrides), actor=JO
        )
    assert not ActionItem.objects.exists()


def test_expected_outcome_and_impact_measure_are_optional(world):
    item = action_item_add(
        submission=world.submission,
        theme=themes_of(world)[0],
        data=item_data(expected_outcome="", impact_measure=""),
        actor=JO,
    )
    assert item.expected_outcome == "" and item.lead_person == "Head of HR"


def test_an_unchanged_past_target_date_may_be_kept_when_editing(world):
    world.cycle.closes_at = timezone.now() + timedelta(days=365)
    world.cycle.save()
    item = action_item_add(submission=world.submission, theme=themes_of(world)[0], data=item_data(), actor=JO)
    later = timezone.now() + timedelta(days=120)
    with time_machine.travel(later, tick=False):
        assert item.is_overdue()
        changed = action_item_change(
            item=item, data=item_data(target_date=item.target_date, action="Reworded"), actor=JO
        )
        assert changed.action == "Reworded"
        with pytest.raises(DomainError, match="today or in the future"):
            action_item_change(
                item=item, data=item_data(target_date=item.target_date + timedelta(days=1)), actor=JO
            )


def test_a_theme_of_another_question_set_is_refused():
    worlds = two_partnerships()
    with pytest.raises(DomainError, match="not part of this return"):
        action_item_add(
            submission=worlds.a.submission, theme=themes_of(worlds.b)[0], data=item_data(), actor=JO
        )


def test_overdue_is_by_the_uk_date():
    item = ActionItem(target_date=date(2026, 6, 30), status=ActionStatus.IN_PROGRESS)
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        assert item.overdue
    with time_machine.travel(datetime(2026, 6, 30, 22, 30, tzinfo=UTC), tick=False):
        assert not item.overdue
    item.status = ActionStatus.DONE
    with time_machine.travel(datetime(2026, 8, 1, tzinfo=UTC), tick=False):
        assert not item.overdue


# --- editing, the lock and progress -------------------------------------------


def test_items_change_freely_while_the_return_is_editable_and_make_check_answers_stale(world):
    theme = themes_of(world)[0]
    version = Submission.objects.get(pk=world.submission.pk).version
    item = action_item_add(submission=world.submission, theme=theme, data=item_data(), actor=JO)
    action_item_change(item=item, data=item_data(lead_person="Deputy head"), actor=JO)
    assert ActionItem.objects.get().lead_person == "Deputy head"
    action_item_remove(item=item, actor=JO)
    assert not ActionItem.objects.exists()
    assert Submission.objects.get(pk=world.submission.pk).version == version + 3
    assert list(
        AuditEvent.objects.filter(verb__startswith="action.").order_by("id").values_list("verb", flat=True)
    ) == ["action.added", "action.changed", "action.removed"]


def test_after_submission_progress_and_new_items_are_allowed_but_answers_stay_locked(world):
    themes = themes_of(world)
    submission_complete(world.submission)
    rate_amber(world.submission, themes[0])
    original = action_item_add(submission=world.submission, theme=themes[0], data=item_data(), actor=JO)
    submission = submit(world.submission)
    original.refresh_from_db()
    assert not original.added_after_submit

    # The submitted items are part of the record.
    with pytest.raises(ActionPlanClosedError):
        action_item_change(item=original, data=item_data(action="Rewritten"), actor=JO)
    with pytest.raises(ActionPlanClosedError):
        action_item_remove(item=original, actor=JO)

    # Progress on them is recorded, with who and when, and history kept.
    sam = Actor(name="Sam Alpha", email="sam@alpha-council.example")
    action_update_record(
        item=original, progress="Half the managers trained.", status="in_progress", actor=sam
    )
    action_update_record(item=original, progress="All trained.", status="done", actor=JO)
    original.refresh_from_db()
    assert original.status == ActionStatus.DONE
    history = list(
        original.updates.order_by("created_at", "id").values_list("status_before", "status", "actor_name")
    )
    assert history == [("not_started", "in_progress", "Sam Alpha"), ("in_progress", "done", "Jo Lead")]

    # A new item may be added, marked as added after submission, and changed
    # until progress is recorded on it.
    added = action_item_add(
        submission=submission, theme=themes[1], data=item_data(action="Audit files"), actor=JO
    )
    added.refresh_from_db()
    assert added.added_after_submit
    action_item_change(item=added, data=item_data(action="Audit 20 files"), actor=JO)
    action_update_record(item=added, progress="Started.", status="in_progress", actor=JO)
    with pytest.raises(ActionPlanClosedError):
        action_item_remove(item=added, actor=JO)

    # The answers are still locked.
    with pytest.raises(SubmissionLockedError):
        theme_save(submission, themes[0], value="yes", rag=Rag.GREEN)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SUBMITTED


def test_progress_needs_a_submitted_return_text_and_a_valid_status(world):
    item = action_item_add(submission=world.submission, theme=themes_of(world)[0], data=item_data(), actor=JO)
    with pytest.raises(ActionPlanClosedError):
        action_update_record(item=item, progress="Early news", status="in_progress", actor=JO)
    submission_complete(world.submission)
    submit(world.submission)
    with pytest.raises(DomainError, match="Enter what has been done"):
        action_update_record(item=item, progress="  ", status="done", actor=JO)
    with pytest.raises(DomainError, match="Select the status"):
        action_update_record(item=item, progress="Done it", status="finished", actor=JO)
    assert not ActionUpdate.objects.exists()


def test_a_closed_unsubmitted_return_has_a_closed_plan(world):
    Submission.objects.filter(pk=world.submission.pk).update(extended_until=None)
    world.cycle.closes_at = timezone.now() - timedelta(minutes=1)
    world.cycle.opens_at = timezone.now() - timedelta(days=30)
    world.cycle.save()
    submission = Submission.objects.get(pk=world.submission.pk)
    with pytest.raises(ActionPlanClosedError, match="closed"):
        action_item_add(submission=submission, theme=themes_of(world)[0], data=item_data(), actor=JO)


@pytest.mark.postgres
def test_database_keeps_submitted_items_and_the_history(world):
    theme = themes_of(world)[0]
    item = action_item_add(submission=world.submission, theme=theme, data=item_data(), actor=JO)
    submission_complete(world.submission)
    submit(world.submission)
    update = action_update_record(item=item, progress="Started.", status="in_progress", actor=JO)
    # The status may change; the content may not; the item may not go.
    ActionItem.objects.filter(pk=item.pk).update(status="done")
    for change in (
        lambda: ActionItem.objects.filter(pk=item.pk).update(action="Rewritten"),
        lambda: ActionItem.objects.filter(pk=item.pk).delete(),
        lambda: ActionUpdate.objects.filter(pk=update.pk).update(progress="Rewritten"),
        lambda: ActionUpdate.objects.filter(pk=update.pk).delete(),
        lambda: Answer.objects.filter(submission=world.submission).update(value="no"),
        lambda: ActionItem.objects.create(
            partnership=world.partnership,
            submission=world.submission,
            theme=theme,
            action="Backdated",
            lead_person="X",
            target_date=date(2030, 1, 1),
            success_criteria="Y",
            created_at=timezone.now() - timedelta(days=1),
        ),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()


@pytest.mark.postgres
def test_database_refuses_an_item_in_another_partnership_or_question_set():
    worlds = two_partnerships()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(
            partnership=worlds.b.partnership,
            submission=worlds.a.submission,
            theme=themes_of(worlds.a)[0],
            action="A",
            lead_person="B",
            target_date=date(2030, 1, 1),
            success_criteria="C",
        )
        connection.check_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionItem.objects.create(
            partnership=worlds.a.partnership,
            submission=worlds.a.submission,
            theme=themes_of(worlds.b)[0],
            action="A",
            lead_person="B",
            target_date=date(2030, 1, 1),
            success_criteria="C",
        )


# --- the schedule of update requests -------------------------------------------


def test_add_months_keeps_the_uk_wall_clock_and_clamps_the_day():
    start = timezone.make_aware(datetime(2026, 8, 31, 10, 0))
    assert timezone.localtime(add_months(start, 6)) == timezone.make_aware(datetime(2027, 2, 28, 10, 0))
    assert timezone.localtime(add_months(start, 12)).date() == date(2027, 8, 31)


@pytest.fixture
def submitted(world):
    """Alpha's return submitted on 2 March 2026 with one open action."""
    with time_machine.travel(timezone.make_aware(datetime(2026, 3, 2, 10, 0)), tick=False):
        world.cycle.opens_at = timezone.now() - timedelta(days=7)
        world.cycle.closes_at = timezone.now() + timedelta(days=30)
        world.cycle.save()
        rate_amber(world.submission, themes_of(world)[0])
        for theme in themes_of(world)[1:]:
            theme_save(world.submission, theme)
        world.item = action_item_add(
            submission=world.submission, theme=themes_of(world)[0], data=item_data(), actor=JO
        )
        world.submission = submit(world.submission)
    return world


def at(*args):
    return time_machine.travel(timezone.make_aware(datetime(*args)), tick=False)


def update_emails(world):
    return OutboundEmail.objects.filter(submission=world.submission, kind__startswith="action").order_by("id")


def test_request_at_six_months_then_one_reminder_and_never_twice(
    submitted, django_capture_on_commit_callbacks
):
    world = submitted
    recipients = {world.contact.email, JO.email}
    with at(2026, 9, 1, 12, 0):
        assert action_update_schedule_run() == (0, 0)
    assert not update_emails(world).exists()

    with at(2026, 9, 2, 10, 30), django_capture_on_commit_callbacks(execute=True):
        assert action_update_schedule_run() == (1, 0)
        assert action_update_schedule_run() == (0, 0)
    emails = list(update_emails(world))
    assert {e.to_email for e in emails} == recipients
    assert {e.kind for e in emails} == {OutboundEmail.Kind.ACTION_UPDATE}
    assert {e.dedupe_key for e in emails} == {
        f"action-update:{world.submission.pk}:1:{r}" for r in recipients
    }
    assert all(e.status == OutboundEmail.Status.SENT for e in emails)
    # Each email carries a fresh link that works past the cycle's links.
    links = ResumeLink.objects.filter(pk__in=[e.resume_link_id for e in emails])
    assert links.count() == 2
    assert all(
        link.token_hash and link.expires_at > timezone.make_aware(datetime(2026, 10, 30)) for link in links
    )

    with at(2026, 9, 10, 10, 0):
        assert action_update_schedule_run() == (0, 0)
    with at(2026, 9, 17, 10, 31), django_capture_on_commit_callbacks(execute=True):
        assert action_update_schedule_run() == (0, 1)
        assert action_update_schedule_run() == (0, 0)
    reminders = update_emails(world).filter(kind=OutboundEmail.Kind.ACTION_UPDATE_REMINDER)
    assert reminders.count() == 2
    assert all(e.status == OutboundEmail.Status.SENT for e in reminders)
    with at(2026, 12, 1, 10, 0):
        assert action_update_schedule_run() == (0, 0)
    assert update_emails(world).count() == 4

    # The second request falls due at twelve months.
    with at(2027, 3, 2, 10, 30):
        assert action_update_schedule_run() == (1, 0)
    assert list(ActionUpdateRequest.objects.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert update_emails(world).count() == 6


def test_no_reminder_after_an_update(submitted):
    world = submitted
    with at(2026, 9, 3, 9, 0):
        action_update_schedule_run()
    with at(2026, 9, 5, 9, 0):
        action_update_record(item=world.item, progress="Training booked.", status="in_progress", actor=JO)
    with at(2026, 9, 20, 9, 0):
        assert action_update_schedule_run() == (0, 0)
    assert not update_emails(world).filter(kind=OutboundEmail.Kind.ACTION_UPDATE_REMINDER).exists()


def test_no_requests_once_every_action_is_done_or_when_the_cycle_asks_for_none(submitted):
    world = submitted
    with at(2026, 4, 1, 9, 0):
        action_update_record(item=world.item, progress="Finished early.", status="done", actor=JO)
    with at(2026, 9, 3, 9, 0):
        assert action_update_schedule_run() == (0, 0)

    ActionItem.objects.filter(pk=world.item.pk).update(status="in_progress")
    world.cycle.action_update_months = 0
    world.cycle.save()
    with at(2026, 9, 3, 9, 0):
        assert action_update_schedule_run() == (0, 0)
    assert not update_emails(world).exists()


def test_a_late_run_asks_once_for_the_latest_period_only(submitted):
    world = submitted
    world.cycle.action_update_months = 3
    world.cycle.save()
    with at(2026, 12, 5, 9, 0):
        submission = Submission.objects.select_related("cycle").get(pk=world.submission.pk)
        assert action_update_number_due(submission=submission)[0] == 3
        assert action_update_schedule_run() == (1, 0)
    assert list(ActionUpdateRequest.objects.values_list("number", flat=True)) == [3]


def test_the_outbox_refuses_a_duplicate_even_if_the_request_row_is_lost(submitted):
    world = submitted
    with at(2026, 9, 3, 9, 0):
        action_update_schedule_run()
        ActionUpdateRequest.objects.all().delete()
        assert action_update_schedule_run() == (1, 0)
    assert update_emails(world).count() == 2
