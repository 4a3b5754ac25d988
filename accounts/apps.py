from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Staff accounts"

    def ready(self):
        from .emails import email_kinds_register  # it reads models, loaded once the registry is ready

        email_kinds_register()
