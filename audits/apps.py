from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits"

    def ready(self):
        from .emails import email_kinds_register  # it reads models, loaded once the registry is ready

        email_kinds_register()
