from django.apps import AppConfig


class JoiningConfig(AppConfig):
    name = "joining"
    verbose_name = "Organisations asking to take part"

    def ready(self):
        from .emails import email_kinds_register  # it reads models, loaded once the registry is ready

        email_kinds_register()
