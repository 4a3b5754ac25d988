from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "themes"
    verbose_name = "Question sets"

    def ready(self):
        from s11portal.process_cache import process_cache_watch

        from .models import Question, QuestionSet, Theme

        process_cache_watch(QuestionSet, Theme, Question)
