"""Celery tasks of organisations, gathered here for Celery's autodiscovery
(each is defined beside the service that queues it)."""

from .services import sign_in_link_send_task as sign_in_link_send

__all__ = ["sign_in_link_send"]
