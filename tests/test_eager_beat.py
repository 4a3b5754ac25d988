"""The periodic jobs without a broker (issue 18 item 14): `demo_serve` runs
Celery beat's schedule in its own process, so the demo's invitations,
reminders and outbox sweep happen as they would under beat."""

import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import get_commands, load_command_class

from core.models import OutboundEmail
from s11portal.eager_beat import EagerBeat, interval_seconds
from tests.factories import two_partnerships

BEAT_TASKS = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def recording_beat():
    calls, clock = [], Clock()
    beat = EagerBeat(call=lambda task, args, kwargs: calls.append(task), clock=clock)
    return beat, calls, clock


def test_the_schedule_is_the_beat_schedule():
    # invitations and reminders (reminders_due) and the outbox sweep among them
    assert {"audits.outbox_sweep", "audits.reminders_due", "audits.action_update_schedule"} <= BEAT_TASKS
    beat, _, _ = recording_beat()
    assert {e.task: e.every for e in beat.entries} == {
        entry["task"]: float(entry["schedule"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


@pytest.mark.django_db  # as above: the tick closes old connections
def test_a_tick_runs_each_job_when_its_interval_has_passed():
    beat, calls, clock = recording_beat()
    assert set(beat.tick()) == BEAT_TASKS  # the first tick runs everything
    assert sorted(calls) == sorted(BEAT_TASKS)
    calls.clear()
    assert beat.tick() == []  # nothing is due again yet
    clock.now += 60
    assert beat.tick() == ["audits.outbox_sweep"]  # the only job due every minute
    clock.now += 3600
    hourly_or_more_often = {e.task for e in beat.entries if e.every <= 3600}
    assert set(beat.tick()) == hourly_or_more_often
    clock.now += max(e.every for e in beat.entries)  # the longest interval: everything is due
    assert set(beat.tick()) == BEAT_TASKS
    assert beat.seconds_to_next() == 60


# The tick closes its thread's old connections; on SQLite the test database's
# connection is open, so the test needs database access.
@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(caplog):
    ran = []

    def call(task, args, kwargs):
        if task == "audits.reminders_due":
            raise RuntimeError("mail server down")
        ran.append(task)

    beat = EagerBeat(call=call, clock=Clock())
    assert set(beat.tick()) == BEAT_TASKS
    assert set(ran) == BEAT_TASKS - {"audits.reminders_due"}
    assert "audits.reminders_due failed" in caplog.text


def test_intervals():
    assert interval_seconds(60) == 60.0
    assert interval_seconds(timedelta(minutes=5)) == 300.0
    with pytest.raises(ValueError):
        interval_seconds("every day")


@pytest.mark.django_db(transaction=True)
def test_one_real_tick_sends_the_invitations_that_are_due(settings):
    """The real tasks, eagerly, as `demo_serve` runs them: an open cycle's
    agencies are invited and the outbox sends the emails."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    world = two_partnerships().a
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.INVITATION).exists()

    EagerBeat().tick()

    invitations = OutboundEmail.objects.filter(
        kind=OutboundEmail.Kind.INVITATION, partnership=world.partnership
    )
    assert invitations.exists()
    assert set(invitations.values_list("status", flat=True)) == {OutboundEmail.Status.SENT}
    sent_to = " ".join(to for message in mail.outbox for to in message.to)
    for address in invitations.values_list("to_email", flat=True):
        assert f"<{address}>" in sent_to


@pytest.mark.parametrize("eager", [True, False])
def test_demo_serve_starts_the_jobs_only_without_a_broker(settings, monkeypatch, eager):
    # found by command name, wherever the app that holds it lives
    demo_serve = sys.modules[type(load_command_class(get_commands()["demo_serve"], "demo_serve")).__module__]
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    started, served = [], []
    monkeypatch.setattr(demo_serve, "start_in_thread", lambda: started.append(1) or (EagerBeat(), None, None))
    monkeypatch.setattr(demo_serve.RunserverCommand, "inner_run", lambda self, *a, **k: served.append(1))
    command = demo_serve.Command()
    command.inner_run(use_threading=True)
    assert served == [1]
    assert started == ([1] if eager else [])
