from django.contrib import admin

from .models import Question, QuestionSet, Theme


class ThemeInline(admin.StackedInline):
    model = Theme
    extra = 0
    show_change_link = True
    fields = ["order", "key", "title", "description"]


@admin.register(QuestionSet)
class QuestionSetAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "status", "partnership", "audience", "template_key"]
    list_filter = ["partnership", "status", "audience"]
    search_fields = ["name"]
    inlines = [ThemeInline]
    list_select_related = ["partnership"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "key", "text", "allows_na", "evidence_expected"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "question_set"]
    list_filter = ["question_set__partnership"]
    search_fields = ["title"]
    inlines = [QuestionInline]
    list_select_related = ["question_set"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "order", "theme", "allows_na", "evidence_expected"]
    list_filter = ["theme__question_set__partnership", "allows_na"]
    search_fields = ["text"]
    list_select_related = ["theme"]
