"""Celery tasks: thin wrappers that take ids and call a service."""

from celery import shared_task

from .services import outbox, reminders


@shared_task(name="audits.send_outbound_email", ignore_result=True)
def send_outbound_email(email_id: int) -> None:
    outbox.outbound_email_send(email_id=email_id)


@shared_task(name="audits.send_outbound_emails", ignore_result=True)
def send_outbound_emails(email_ids: list[int]) -> None:
    outbox.outbound_emails_send(email_ids=email_ids)


@shared_task(name="audits.outbox_sweep", ignore_result=True)
def outbox_sweep() -> None:
    outbox.outbox_sweep()


@shared_task(name="audits.action_update_schedule", ignore_result=True)
def action_update_schedule() -> None:
    """Hourly: ask for action plan updates that are due, and remind."""
    from .services.actions import action_update_schedule_run

    action_update_schedule_run()


@shared_task(name="audits.reminders_due", ignore_result=True)
def reminders_due() -> None:
    """Run by Celery beat: write the invitations, reminders and overdue
    notices that have come due."""
    reminders.reminders_due()


@shared_task(name="audits.resume_link_send", ignore_result=True)
def resume_link_send(partnership_id: int, email: str) -> None:
    """Queued by every "email me a fresh link" request, known address or not."""
    from partnerships.models import Partnership

    from .services.links import resume_link_send as send

    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is not None:
        send(partnership=partnership, email=email)


@shared_task(name="audits.build_submission_pdf", ignore_result=True)
def build_submission_pdf(pdf_id: int) -> None:
    from .services.pdf import submission_pdf_build

    submission_pdf_build(pdf_id=pdf_id)


@shared_task(name="audits.submission_pdfs_sweep", ignore_result=True)
def submission_pdfs_sweep() -> None:
    """Run by Celery beat: queue the build of versions still not built."""
    from .services.pdf import submission_pdfs_sweep as sweep

    sweep()


@shared_task(name="audits.storage_orphans_remove", ignore_result=True)
def storage_orphans_remove() -> None:
    """Run by Celery beat: remove expired staged uploads and files no row
    points at (audits/services/housekeeping.py)."""
    from .services.housekeeping import storage_orphans_remove as remove

    remove()
