from django.apps import AppConfig

from core.process_cache import process_cache_watch


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        from .models import Locality, Partnership  # models load once the app registry is ready

        process_cache_watch(Partnership, Locality)

        from .emails import email_kinds_register  # it reads models, loaded once the registry is ready

        email_kinds_register()
