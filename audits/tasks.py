"""Celery tasks of audits, gathered here for Celery's autodiscovery.

Each is a thin wrapper that takes ids and calls a service. A task that a
service queues is defined beside that service (so the two modules do not
import each other) and imported here; the scheduled ones are defined here.
"""

from celery import shared_task

from .services.actions import action_update_schedule_run
from .services.evidence_requests import evidence_request_reminders_due
from .services.housekeeping import storage_orphans_remove as storage_orphans_remove_run
from .services.links import resume_link_send_task as resume_link_send
from .services.meetings import meeting_action_reminders_send as meeting_action_reminders_run
from .services.meetings import meeting_pack_build_task as meeting_pack_build
from .services.meetings import panel_link_send_task as panel_link_send
from .services.notifications import staff_notification_digests_task as staff_notification_digests
from .services.pdf import build_submission_pdf
from .services.pdf import submission_pdfs_sweep_task as submission_pdfs_sweep
from .services.reminders import reminders_due as reminders_due_run

__all__ = [
    "action_update_schedule",
    "build_submission_pdf",
    "evidence_request_reminders",
    "meeting_action_reminders",
    "meeting_pack_build",
    "panel_link_send",
    "reminders_due",
    "resume_link_send",
    "staff_notification_digests",
    "storage_orphans_remove",
    "submission_pdfs_sweep",
]


@shared_task(name="audits.action_update_schedule", ignore_result=True)
def action_update_schedule() -> None:
    """Hourly: ask for action plan updates that are due, and remind."""
    action_update_schedule_run()


@shared_task(name="audits.reminders_due", ignore_result=True)
def reminders_due() -> None:
    """Run by Celery beat: write the invitations, reminders and overdue
    notices that have come due."""
    reminders_due_run()


@shared_task(name="audits.evidence_request_reminders", ignore_result=True)
def evidence_request_reminders() -> None:
    """Run by Celery beat: remind agencies of evidence requests coming due
    (each reminder once; none once answered)."""
    evidence_request_reminders_due()


@shared_task(name="audits.meeting_action_reminders", ignore_result=True)
def meeting_action_reminders() -> None:
    """Run by Celery beat: remind owners of actions agreed at meetings that
    fall due soon, and once more when overdue (each reminder once)."""
    meeting_action_reminders_run()


@shared_task(name="audits.storage_orphans_remove", ignore_result=True)
def storage_orphans_remove() -> None:
    """Run by Celery beat: remove expired staged uploads and files no row
    points at (audits/services/housekeeping.py)."""
    storage_orphans_remove_run()
