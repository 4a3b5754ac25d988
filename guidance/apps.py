from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "Partnership guidance and contact"

    def ready(self):
        from .emails import email_kinds_register  # it reads models, loaded once the registry is ready

        email_kinds_register()
