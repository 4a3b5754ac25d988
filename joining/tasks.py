"""Celery tasks: thin wrappers around the services."""

from celery import shared_task

from .services import registrations_sweep as _registrations_sweep


@shared_task(name="joining.registrations_sweep", ignore_result=True)
def registrations_sweep() -> None:
    """Daily (Celery beat): registrations never confirmed go; declined ones
    lose their contact details."""
    _registrations_sweep()
