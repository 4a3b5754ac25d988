import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

from s11portal.logging_filters import RedactEmailAddresses, RedactSecrets

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "s11portal.settings.local")

app = Celery("s11portal")
# Every Celery setting lives in Django settings under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def redact_worker_logs(logger, **kwargs):
    """The worker replaces Django's log handlers with its own; give those the
    same filters, so a failed send's traceback does not print the recipients'
    names and addresses, nor a reset key."""
    for handler in logger.handlers:
        if not any(isinstance(f, RedactEmailAddresses) for f in handler.filters):
            handler.addFilter(RedactSecrets())
            handler.addFilter(RedactEmailAddresses())
