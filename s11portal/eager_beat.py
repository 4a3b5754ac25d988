"""Celery beat's schedule, run inside one process when there is no broker.

With CELERY_BROKER_URL unset (the `make demo` default) tasks run eagerly in
the web process and no beat runs, so the periodic jobs in
settings.CELERY_BEAT_SCHEDULE (the outbox sweep, invitations and reminders,
action plan update requests) would never happen. `manage.py demo_serve`
starts an `EagerBeat` thread beside runserver instead: each tick runs every
job that has come due, in this process, the way beat would queue it.

Not for production: there, beat and a worker are their own processes
(docker-compose.yml), and a broker is set.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections

from s11portal.celery import app

logger = logging.getLogger(__name__)


def interval_seconds(schedule) -> float:
    """Seconds between runs of a beat entry's `schedule`: a number, a
    timedelta, or a Celery `schedule` (its run_every). Crontab entries have
    no fixed interval and are refused: nothing here uses one."""
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)
    if isinstance(run_every, timedelta):
        return run_every.total_seconds()
    raise ValueError(f"cannot run {schedule!r} in the eager beat: give an interval in seconds")


def run_task(name: str, args: tuple = (), kwargs: dict | None = None) -> None:
    """Run the registered Celery task `name` here and now (as an eager
    worker would), raising what it raises."""
    if name not in app.tasks:
        # A worker imports every app's tasks module at start; do the same.
        app.loader.import_default_modules()
    app.tasks[name].apply(args=args, kwargs=kwargs or {}, throw=True)


@dataclass
class _Entry:
    name: str
    task: str
    every: float
    args: tuple
    kwargs: dict
    next_at: float | None = None  # None: run at the first tick


class EagerBeat:
    """The beat schedule's jobs, each run when its interval has passed.

    `tick()` runs what is due and returns the names it ran; the first tick
    runs every job (beat itself would wait one interval, but a demo wants
    its invitations now). `run()` ticks until `stop` is set."""

    def __init__(
        self,
        schedule: dict | None = None,
        *,
        call: Callable[..., None] = run_task,
        clock: Callable[[], float] = time.monotonic,
    ):
        schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
        self.entries = [
            _Entry(
                name=name,
                task=entry["task"],
                every=interval_seconds(entry["schedule"]),
                args=tuple(entry.get("args", ())),
                kwargs=dict(entry.get("kwargs", {})),
            )
            for name, entry in schedule.items()
        ]
        self.call = call
        self.clock = clock

    def describe(self) -> str:
        return ", ".join(f"{e.task} every {e.every:g}s" for e in self.entries)

    def tick(self) -> list[str]:
        now = self.clock()
        ran = []
        for entry in self.entries:
            if entry.next_at is not None and now < entry.next_at:
                continue
            entry.next_at = now + entry.every
            try:
                self.call(entry.task, entry.args, entry.kwargs)
            except Exception:
                # One failing job must not stop the others or the next tick.
                logger.exception("eager beat: %s failed", entry.task)
            ran.append(entry.task)
        # This thread's connection: closed when it has outlived its age.
        close_old_connections()
        return ran

    def seconds_to_next(self) -> float:
        now = self.clock()
        upcoming = [e.next_at - now for e in self.entries if e.next_at is not None]
        return max(0.0, min(upcoming, default=0.0))

    def run(self, stop: threading.Event, *, poll: float = 5.0) -> None:
        while not stop.is_set():
            self.tick()
            stop.wait(min(poll, self.seconds_to_next()) or poll)


def start_in_thread(beat: EagerBeat | None = None) -> tuple[EagerBeat, threading.Event, threading.Thread]:
    """Start the eager beat in a daemon thread (it dies with the process)."""
    beat = beat or EagerBeat()
    stop = threading.Event()
    thread = threading.Thread(target=beat.run, args=(stop,), name="eager-beat", daemon=True)
    thread.start()
    return beat, stop, thread
