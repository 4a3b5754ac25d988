from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Practitioners' surveys"

    def ready(self):
        from .emails import email_kinds_register  # it reads models, loaded once the registry is ready

        email_kinds_register()
