from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        from s11portal.process_cache import process_cache_watch

        from .models import Partnership

        process_cache_watch(Partnership)
