from django.apps import AppConfig

from core.process_cache import process_cache_watch


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = "Question sets"

    def ready(self):
        from .models import Question, QuestionSet, Theme  # models load once the app registry is ready

        process_cache_watch(QuestionSet, Theme, Question)
