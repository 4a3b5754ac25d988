"""Celery tasks of core, gathered here for Celery's autodiscovery. They are
defined beside the outbox functions that queue them (core/outbox.py)."""

from .outbox import outbox_sweep_task as outbox_sweep
from .outbox import send_outbound_email, send_outbound_emails

__all__ = ["outbox_sweep", "send_outbound_email", "send_outbound_emails"]
