"""Celery tasks: thin wrappers around the services."""

from celery import shared_task

from .services import retention_run as _retention_run


@shared_task(name="lifecycle.retention_run", ignore_result=True)
def retention_run() -> None:
    """Daily (Celery beat): anonymise cycles past their retention period."""
    _retention_run()
