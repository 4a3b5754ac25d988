"""`runserver` for the demo, with Celery beat's periodic jobs (the outbox
sweep, invitations and deadline reminders, action plan update requests) run
in the same process when there is no broker, so they happen in the demo as
they would in production (s11portal/eager_beat.py).

With CELERY_BROKER_URL set, tasks go to a worker and beat is its own process
(`make worker`, `make beat`), so this is plain runserver.
"""

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from s11portal.eager_beat import start_in_thread


class Command(RunserverCommand):
    help = (
        "Serve the demo (runserver), and without a Celery broker run the periodic jobs "
        "(invitations, reminders, the outbox sweep) in this process at their beat intervals."
    )

    def inner_run(self, *args, **options):
        # inner_run is the serving process (the autoreloader's child), so the
        # jobs run once, and restart with the code.
        if settings.CELERY_TASK_ALWAYS_EAGER:
            beat, _, _ = start_in_thread()
            self.stdout.write(
                f"No Celery broker: running the periodic jobs in this process ({beat.describe()})."
            )
        else:
            self.stdout.write(
                "CELERY_BROKER_URL is set: run `make worker` and `make beat` for tasks and periodic jobs."
            )
        super().inner_run(*args, **options)
