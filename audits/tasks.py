"""Celery tasks: thin wrappers that take ids and call a service."""

from celery import shared_task

from .services import outbox


@shared_task(name="audits.send_outbound_email", ignore_result=True)
def send_outbound_email(email_id: int) -> None:
    outbox.outbound_email_send(email_id=email_id)


@shared_task(name="audits.outbox_sweep", ignore_result=True)
def outbox_sweep() -> None:
    outbox.outbox_sweep()


@shared_task(name="audits.build_submission_pdf", ignore_result=True)
def build_submission_pdf(pdf_id: int) -> None:
    from .services.pdf import submission_pdf_build

    submission_pdf_build(pdf_id=pdf_id)
